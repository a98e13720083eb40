package io.edgeai.sync.local;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.DatasetSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The shipped jars as an operator runs them ({@code bin/edgeai-sync cloud|edge}, the launcher's JVM
 * flags), each mode from its lean jar and, as the reference in the same run, from the all-in-one
 * jar: the jar's size, the time from launching the JVM until {@code /observe/health/ready} answers
 * 200, the resident memory idle (10 s after ready), and with 1,000 datasets (the edge: sent to it and counted; the
 * cloud: listed, sent to 100 nodes and a status from each written). Each measured start is the
 * second: the first writes the launcher's class-data archive.
 */
public final class ArtifactBenchmark {
    private static final int DATASETS = 1000;
    private static final int NODES = 100;
    private static final String EDGE_NODE = "edge-bench";
    private static final Path TARGET = Path.of("target");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ArtifactBenchmark() {
    }

    /** What one jar did in one mode. */
    record Figures(String jar, String mode, long jarBytes, double secondsToReady, long idleKib, double loadSeconds, long loadedKib, long peakKib) {
        String row() {
            return String.format(Locale.ROOT, "| `%s` | %s | %.1f MB | %.1f s | %,d MiB | %.1f s | %,d MiB | %,d MiB |", jar, mode, jarBytes / 1e6,
                secondsToReady, idleKib >> 10, loadSeconds, loadedKib >> 10, peakKib >> 10);
        }
    }

    public static void main(String[] args) throws Exception {
        if (!Files.isExecutable(ScaleBenchmark.LAUNCHER)) {
            System.err.println("run from the project directory: " + ScaleBenchmark.LAUNCHER + " starts each jar");
            System.exit(2);
        }
        List<Figures> figures = new ArrayList<>();
        for (String jar : List.of("edgeai-sync-edge.jar", "edgeai-sync.jar")) {
            figures.add(edge(jar, DATASETS));
        }
        for (String jar : List.of("edgeai-sync-cloud.jar", "edgeai-sync.jar")) {
            figures.add(cloud(jar));
        }
        System.out.printf(Locale.ROOT, "%n%s%n", header());
        figures.forEach(row -> System.out.println(row.row()));
        System.exit(0);
    }

    /** The table {@link Figures#row()} fills. */
    static String header() {
        return String.format(Locale.ROOT, "| jar | mode | size | start to ready | idle RSS | %,d datasets in | RSS with them | peak RSS |%n"
            + "|---|---|---|---|---|---|---|---|", DATASETS);
    }

    /** The edge from {@code jar}: ready, idle, then {@code datasets} files of 10 lines sent to it and counted. */
    static Figures edge(String jar, int datasets) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %s edge, %,d datasets ==%n", jar, datasets);
        try (ScratchDir dir = ScratchDir.create("edgeai-bench-edge")) {
            return edge(jar, datasets, dir.path());
        }
    }

    private static Figures edge(String jar, int datasets, Path dir) throws Exception {
        Topics topics = new Topics("edgeai");
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < datasets; i++) {
            Files.writeString(data.resolve("ds-" + i + ".txt"), "sample\n".repeat(10));
        }
        try (EmbeddedBroker broker = new EmbeddedBroker(0); MqttClient cloud = new MqttClient(broker.url(), "bench-cloud", new MemoryPersistence())) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(65_535);
            cloud.connect(options);
            Set<String> counted = ConcurrentHashMap.newKeySet();
            cloud.subscribe(topics.prefix() + "/nodes/" + EDGE_NODE + "/status/#", 1, (topic, message) -> {
                if (message.getPayload().length > 0 && Json.read(message.getPayload(), DatasetReport.class, "status").numberOfSamples() == 10L) {
                    counted.add(topic);
                }
            });
            Map<String, String> env = Map.of("EDGEAI_MQTT_URL", broker.url(), "EDGEAI_NODE_NAME", EDGE_NODE,
                "EDGEAI_EDGE_DATA_ROOTS", data.toString(), "EDGEAI_EDGE_STATE_DIR", dir.resolve("state").toString());
            warmUp(jar, "edge", env, dir);
            Running edge = Running.start(jar, "edge", env, dir);
            try {
                long idle = edge.settledKib();
                try (EdgePublishers cloudSide = new EdgePublishers(broker.url(), "bench-desired", 1)) {
                    long start = System.nanoTime();
                    cloudSide.publishAll(datasets, i -> topics.desiredDataset(EDGE_NODE, "default", "ds-" + i),
                        i -> Json.bytes(new DesiredDataset("default", "ds-" + i, ScaleBenchmark.uid(i), 1,
                            new DatasetSpec(data.resolve("ds-" + i + ".txt").toString(), "txt", EDGE_NODE), System.currentTimeMillis())));
                    ScaleBenchmark.awaitOrFail(edge.process, edge.log, () -> counted.size() >= datasets, "edge counts");
                    double seconds = (System.nanoTime() - start) / 1e9;
                    return edge.figures(idle, seconds);
                }
            } finally {
                edge.stop();
                cloud.disconnect();
            }
        }
    }

    /**
     * The cloud from {@code jar}: ready and idle with no datasets; then started again with 1,000
     * datasets on 100 nodes to list, sent to the nodes, and a status from each written.
     */
    static Figures cloud(String jar) throws Exception {
        System.out.printf(Locale.ROOT, "%n== %s cloud, %,d datasets ==%n", jar, DATASETS);
        try (ScratchDir dir = ScratchDir.create("edgeai-bench-cloud")) {
            return cloud(jar, dir.path());
        }
    }

    private static Figures cloud(String jar, Path dir) throws Exception {
        Topics topics = new Topics("edgeai");
        Figures idle;
        try (EmbeddedBroker broker = new EmbeddedBroker(0); StubApiServer api = new StubApiServer(List.of())) {
            Map<String, String> env = cloudEnv(dir, broker, api, "empty");
            warmUp(jar, "cloud", env, dir);
            Running cloud = Running.start(jar, "cloud", env, dir);
            try {
                idle = cloud.figures(cloud.settledKib(), 0);
            } finally {
                cloud.stop();
            }
        }
        try (EmbeddedBroker broker = new EmbeddedBroker(0); StubApiServer api = new StubApiServer(ScaleBenchmark.datasets(DATASETS, NODES))) {
            Running cloud = Running.start(jar, "cloud", cloudEnv(dir, broker, api, "loaded"), dir);
            try (EdgePublishers edges = new EdgePublishers(broker.url(), "bench-edges", ScaleBenchmark.PUBLISHERS)) {
                long start = System.nanoTime();
                edges.reportStatuses(topics, DATASETS, NODES, 42);
                ScaleBenchmark.awaitOrFail(cloud.process, cloud.log, () -> api.statusPatches() >= DATASETS, "statuses");
                double seconds = (System.nanoTime() - start) / 1e9;
                Figures loaded = cloud.figures(0, seconds);
                return new Figures(jar, "cloud", idle.jarBytes(), idle.secondsToReady(), idle.idleKib(), seconds, loaded.loadedKib(), loaded.peakKib());
            } finally {
                cloud.stop();
            }
        }
    }

    private static Map<String, String> cloudEnv(Path dir, EmbeddedBroker broker, StubApiServer api, String name) throws IOException {
        Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig-" + name));
        return Map.of("KUBECONFIG", kubeconfig.toString(), "EDGEAI_MQTT_URL", broker.url(), "EDGEAI_CLOUD_API_QPS", "0");
    }

    /** A first start that writes the class-data archive, as an operator's first start does. */
    private static void warmUp(String jar, String mode, Map<String, String> env, Path dir) throws Exception {
        Running.start(jar, mode, env, dir).stop();
    }

    /** A jar started by the launcher and ready. */
    private record Running(String jar, String mode, Process process, Path log, double secondsToReady) {
        static Running start(String jar, String mode, Map<String, String> env, Path dir) throws Exception {
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Path log = Files.createTempFile(dir, mode + "-", ".log");
            ProcessBuilder launch = new ProcessBuilder(ScaleBenchmark.LAUNCHER.toString(), mode).redirectErrorStream(true).redirectOutput(log.toFile());
            launch.environment().putAll(env);
            launch.environment().put("EDGEAI_JAR", TARGET.resolve(jar).toString());
            // one archive per jar and mode: an archive is only valid for the class path that wrote it
            launch.environment().put("EDGEAI_CDS_ARCHIVE", TARGET.resolve(jar.replace(".jar", "") + "-" + mode + ".jsa").toString());
            launch.environment().put("JAVA_TOOL_OPTIONS", "-Dcamel.management.port=" + port);
            long start = System.nanoTime();
            Process process = launch.start();
            ScaleBenchmark.awaitOrFail(process, log, () -> ready(port), mode + " ready");
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s %s ready %.2f s after launch%n", jar, mode, seconds);
            return new Running(jar, mode, process, log, seconds);
        }

        private static boolean ready(int port) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /** RSS once start-up work has settled (10 s after ready: two of the launcher's native heap trims). */
        long settledKib() throws IOException {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
            long rss = ScaleBenchmark.statusKib(process.pid(), "VmRSS");
            System.out.printf(Locale.ROOT, "idle: RSS %,d MiB%n", rss >> 10);
            return rss;
        }

        /** The figures after the load, read 10 s after it ended. */
        Figures figures(long idleKib, double loadSeconds) throws IOException {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
            long with = ScaleBenchmark.statusKib(process.pid(), "VmRSS");
            long peak = ScaleBenchmark.statusKib(process.pid(), "VmHWM");
            System.out.printf(Locale.ROOT, "load done in %.1f s; RSS %,d MiB, peak %,d MiB%n", loadSeconds, with >> 10, peak >> 10);
            return new Figures(jar, mode, Files.size(TARGET.resolve(jar)), secondsToReady, idleKib, loadSeconds, with, peak);
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
