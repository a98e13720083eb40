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
    /** The sample model's content: what local mode writes, and what crds/samples/local-model.yaml's sha256 is of. */
    static final String SAMPLE_MODEL = "edgeai-sync sample model: not a real network\n";
    public static final String NODE = "edge0";
    private static final String MANAGEMENT_PORT = "camel.management.port";
    private static final int DEFAULT_CLOUD_PORT = 9876;

    private final EmbeddedBroker broker;
    private final LocalKubernetesApi api;
    private final Main cloud;
    private final Main edge;
    private final Path kubeconfig;
    private final int cloudPort;
    private final int edgePort;

    public LocalMode(Path home) throws Exception {
        Path data = Files.createDirectories(home.resolve("data"));
        ScratchDir.deleteTree(home.resolve("state")); // the in-memory API starts empty, so must the edge's memory of it
        // afresh at every start, so that the README's walk-through (3 samples, then 4) can be run again
        Path sample = data.resolve("images/index.txt");
        Files.createDirectories(sample.getParent());
        Files.writeString(sample, "images/train/img_00000001.jpg 3\nimages/train/img_00000002.jpg 7\nimages/train/img_00000003.jpg 1\n");
        // and the model of crds/samples/local-model.yaml, whose spec.sha256 is this content's
        Path model = data.resolve("models/detector/model.pb");
        Files.createDirectories(model.getParent());
        Files.writeString(model, SAMPLE_MODEL);
        Files.deleteIfExists(model.resolveSibling("metrics.json"));
        broker = new EmbeddedBroker(Integer.getInteger("edgeai.local.mqtt-port", 0));
        api = new LocalKubernetesApi();
        kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));
        // the edge node's Node object, labelled as KubeEdge labels its edge nodes, for spec.nodeSelector
        api.client().nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(NODE)
            .addToLabels("kubernetes.io/hostname", NODE).addToLabels("node-role.kubernetes.io/edge", "").endMetadata().build()).create();

        // one -Dcamel.management.port would give both processes the same port: the cloud takes it, the edge the next
        String asked = System.getProperty(MANAGEMENT_PORT);
        System.clearProperty(MANAGEMENT_PORT);
        cloudPort = asked == null || asked.isBlank() ? DEFAULT_CLOUD_PORT : io.edgeai.sync.management.ManagementServerFactory.port(asked);
        edgePort = cloudPort == 0 ? 0 : cloudPort + 1;
        Properties cloudProps = quiet();
        cloudProps.setProperty(MANAGEMENT_PORT, String.valueOf(cloudPort));
        cloudProps.setProperty("edgeai.mqtt.url", broker.url());
        cloudProps.setProperty("edgeai.cloud.leader-election", "false"); // one cloud, whatever the host
        cloud = SyncApp.create(SyncApp.CLOUD, cloudProps, api.client());

        Properties edgeProps = quiet();
        edgeProps.setProperty("edgeai.mqtt.url", broker.url());
        edgeProps.setProperty("edgeai.node-name", NODE);
        edgeProps.setProperty(MANAGEMENT_PORT, String.valueOf(edgePort));
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
        System.out.println("health and metrics: http://localhost:" + local.cloudPort + "/observe/health, /observe/metrics (cloud), port "
            + local.edgePort + " (edge)");
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

    private static void stopQuietly(Main main) {
        try {
            main.stop();
        } catch (Exception e) {
            System.err.println("stopping: " + e);
        }
    }
}
