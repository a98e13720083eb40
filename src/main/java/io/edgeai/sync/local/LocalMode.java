package io.edgeai.sync.local;

import io.edgeai.sync.SyncApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.main.Main;

/**
 * Everything in one process: an in-memory Kubernetes API, an embedded MQTT broker, the cloud and one
 * edge node ("edge0") whose data root is {@code /tmp/edgeai-local/data}. For trying the system and
 * for development; production runs cloud and edge modes against a real cluster and broker.
 */
public final class LocalMode implements AutoCloseable {
    public static final String NODE = "edge0";

    private final EmbeddedBroker broker;
    private final LocalKubernetesApi api;
    private final Main cloud;
    private final Main edge;
    private final Path kubeconfig;

    public LocalMode(Path home) throws Exception {
        Path data = Files.createDirectories(home.resolve("data"));
        deleteTree(home.resolve("state")); // the in-memory API starts empty, so must the edge's memory of it
        Path sample = data.resolve("images/index.txt");
        if (!Files.exists(sample)) {
            Files.createDirectories(sample.getParent());
            Files.writeString(sample, "images/train/img_00000001.jpg 3\nimages/train/img_00000002.jpg 7\nimages/train/img_00000003.jpg 1\n");
        }
        broker = new EmbeddedBroker(Integer.getInteger("edgeai.local.mqtt-port", 0));
        api = new LocalKubernetesApi();
        kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));

        Properties cloudProps = quiet();
        cloudProps.setProperty("edgeai.mqtt.url", broker.url());
        cloudProps.setProperty("edgeai.cloud.leader-election", "false"); // one cloud, whatever the host
        cloud = SyncApp.create(SyncApp.CLOUD, cloudProps, api.client());

        Properties edgeProps = quiet();
        edgeProps.setProperty("edgeai.mqtt.url", broker.url());
        edgeProps.setProperty("edgeai.node-name", NODE);
        edgeProps.setProperty("camel.management.port", "9877"); // the cloud has 9876
        edgeProps.setProperty("edgeai.edge.data-roots", data.toString());
        edgeProps.setProperty("edgeai.edge.state-dir", home.resolve("state").toString());
        edge = SyncApp.create(SyncApp.EDGE, edgeProps, null);
        cloud.start();
        edge.start();
    }

    /** Two processes' start-up in one terminal: one line each, not every route and setting, so the banner shows. */
    private static Properties quiet() {
        Properties properties = new Properties();
        properties.setProperty("camel.main.startup-summary-level", "Oneline");
        properties.setProperty("camel.main.auto-configuration-log-summary", "false");
        return properties;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public LocalKubernetesApi api() {
        return api;
    }

    public static void run() throws Exception {
        Path home = Path.of(System.getProperty("edgeai.local.dir", Path.of(System.getProperty("java.io.tmpdir"), "edgeai-local").toString()));
        LocalMode local = new LocalMode(home);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            local.close();
            stopped.countDown();
        }));
        System.out.println("edgeai-sync local mode: cloud + edge node '" + NODE + "', data root " + home.resolve("data"));
        System.out.println("health and metrics: http://localhost:9876/observe/ (cloud), http://localhost:9877/observe/ (edge)");
        System.out.println("try: KUBECONFIG=" + local.kubeconfig() + " kubectl apply -f crds/samples/local-dataset.yaml");
        System.out.println("kubeconfig: " + local.kubeconfig());
        stopped.await();
    }

    @Override
    public void close() {
        stopQuietly(edge);
        stopQuietly(cloud);
        api.close();
        broker.close();
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void stopQuietly(Main main) {
        try {
            main.stop();
        } catch (Exception e) {
            System.err.println("stopping: " + e);
        }
    }
}
