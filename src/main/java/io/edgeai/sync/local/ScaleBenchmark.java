package io.edgeai.sync.local;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The cloud at fleet scale, as it runs in production: its own JVM started by {@code bin/edgeai-sync
 * cloud} (the launcher's JVM flags), against the embedded broker and a stub API server
 * ({@link StubApiServer}) that answers at once, so that the cloud is what is measured. {@code nodes}
 * simulated edges are MQTT topics served by a few connections of this process, not JVMs.
 *
 * <ol>
 *   <li>Fan-out: the cloud starts with {@code datasets} Datasets to list; timed until a subscriber
 *   holds every dataset's desired object and every node's manifest.</li>
 *   <li>Statuses: every dataset's edge reports a count (retained, QoS 1); timed until the API
 *   server has received one status PATCH per dataset. The cloud's client-side rate limit is off.</li>
 * </ol>
 * The cloud's CPU time and resident memory are read from /proc after each phase.
 */
public final class ScaleBenchmark {
    static final Path LAUNCHER = Path.of("bin/edgeai-sync");
    /** How long after the statuses the cloud's memory is read again. */
    static final int SETTLE_SECONDS = 15;
    /** Connections that publish for the simulated edges. */
    static final int PUBLISHERS = 8;
    private static final int EDGE_DATASETS = 1000;
    private static final String EDGE_NODE = "edge-bench";
    private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(5);

    private ScaleBenchmark() {
    }

    /** Arguments: {@code datasets:nodes} pairs; by default 1,000:100, 10,000:1,000 and 100,000:10,000. */
    public static void main(String[] args) throws Exception {
        if (!Files.isExecutable(LAUNCHER)) {
            System.err.println("run from the project directory: " + LAUNCHER + " starts the cloud");
            System.exit(2);
        }
        List<String> sizes = args.length > 0 ? List.of(args) : List.of("1000:100", "10000:1000", "100000:10000");
        List<String> rows = new ArrayList<>();
        for (String size : sizes) {
            String[] parts = size.split(":");
            rows.add(run(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])));
        }
        String edge = ArtifactBenchmark.edge("edgeai-sync-edge.jar", EDGE_DATASETS).row();
        System.out.printf(Locale.ROOT, "%n| datasets | nodes | first status written | fan-out | cloud CPU | RSS after | statuses absorbed | writes/s "
            + "| cloud CPU per status | RSS after | peak RSS | RSS settled |%n|---|---|---|---|---|---|---|---|---|---|---|---|%n");
        rows.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%n%s%n%s%n", ArtifactBenchmark.header(), edge);
        System.exit(0);
    }

    static String run(int datasets, int nodes) throws Exception {
        System.out.printf(Locale.ROOT, "%n== the cloud at scale: %,d datasets on %,d nodes ==%n", datasets, nodes);
        Topics topics = new Topics("edgeai");
        try (ScratchDir dir = ScratchDir.create("edgeai-scale"); EmbeddedBroker broker = new EmbeddedBroker(0);
             StubApiServer api = new StubApiServer(datasets(datasets, nodes))) {
            Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
            Set<String> objects = ConcurrentHashMap.newKeySet();
            Set<String> manifests = ConcurrentHashMap.newKeySet();
            try (MqttClient edges = new MqttClient(broker.url(), "scale-edges", new MemoryPersistence());
                 EdgePublishers publishers = new EdgePublishers(broker.url(), "scale-edges", PUBLISHERS)) {
                MqttConnectOptions options = new MqttConnectOptions();
                options.setMaxInflight(65_535);
                edges.connect(options);
                edges.subscribe("edgeai/nodes/+/desired/#", 1, (topic, message) -> {
                    if (topic.endsWith("/manifest")) {
                        manifests.add(topic);
                    } else if (message.getPayload().length > 0) {
                        objects.add(topic);
                    }
                });
                // the nodes are up, as running edges announce: without their flags the cloud would, after
                // its grace period, write every dataset's Ready=Unknown (NodeNotFound) amid the statuses
                publishers.publishAll(nodes, i -> topics.online("node-" + i), i -> "online".getBytes(StandardCharsets.UTF_8));
                ProcessBuilder launch = new ProcessBuilder(LAUNCHER.toString(), "cloud").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("cloud.log").toFile());
                launch.environment().put("KUBECONFIG", kubeconfig.toString());
                launch.environment().put("EDGEAI_MQTT_URL", broker.url());
                launch.environment().put("EDGEAI_CLOUD_API_QPS", "0");
                publishers.reportStatuses(topics, 1, nodes, 41); // an edge that reported while the cloud was down
                long start = System.nanoTime();
                Process cloud = launch.start();
                try {
                    awaitOrFail(cloud, dir.resolve("cloud.log"), () -> api.statusPatches() >= 1, "first status");
                    double firstStatus = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "a status reported at start-up is written %.1f s after the cloud was started%n", firstStatus);
                    awaitOrFail(cloud, dir.resolve("cloud.log"), () -> objects.size() >= datasets && manifests.size() >= nodes, "fan-out");
                    double fanOut = (System.nanoTime() - start) / 1e9;
                    double cpuFanOut = cpuSeconds(cloud.pid());
                    long rssFanOut = statusKib(cloud.pid(), "VmRSS");
                    System.out.printf(Locale.ROOT, "fan-out: %.1f s to every desired object and manifest at the edges; cloud CPU %.1f s, RSS %,d MiB%n",
                        fanOut, cpuFanOut, rssFanOut >> 10);

                    long publishing = System.nanoTime();
                    publishers.reportStatuses(topics, datasets, nodes, 42);
                    awaitOrFail(cloud, dir.resolve("cloud.log"), () -> api.statusPatches() >= datasets + 1, "statuses"); // ds-0 twice: 41, then 42
                    double absorb = (System.nanoTime() - publishing) / 1e9;
                    double cpuStatuses = cpuSeconds(cloud.pid()) - cpuFanOut;
                    long rss = statusKib(cloud.pid(), "VmRSS");
                    long peak = statusKib(cloud.pid(), "VmHWM");
                    System.out.printf(Locale.ROOT, "statuses: %,d written in %.1f s (%,.0f/s); cloud CPU %.2f ms per status, RSS %,d MiB, peak %,d MiB%n",
                        api.statusPatches(), absorb, datasets / absorb, cpuStatuses * 1000 / datasets, rss >> 10, peak >> 10);
                    // what the cloud holds with every dataset and its status once the work is done: the
                    // collector has run and glibc's freed memory been trimmed (every 5 s, the launcher's flags)
                    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(SETTLE_SECONDS));
                    long settled = statusKib(cloud.pid(), "VmRSS");
                    System.out.printf(Locale.ROOT, "settled: RSS %,d MiB %d s later%n", settled >> 10, SETTLE_SECONDS);
                    return String.format(Locale.ROOT, "| %,d | %,d | %.1f s | %.1f s | %.1f s | %,d MiB | %.1f s | %,.0f | %.2f ms | %,d MiB | %,d MiB | %,d MiB |",
                        datasets, nodes, firstStatus, fanOut, cpuFanOut, rssFanOut >> 10, absorb, datasets / absorb, cpuStatuses * 1000 / datasets, rss >> 10,
                        peak >> 10, settled >> 10);
                } finally {
                    cloud.destroy();
                    if (!cloud.waitFor(30, TimeUnit.SECONDS)) {
                        cloud.destroyForcibly();
                    }
                    edges.disconnect();
                }
            }
        }
    }

    /**
     * Each Dataset's JSON as the informers receive it from kube-apiserver after a {@code kubectl apply}:
     * {@code datasets} over {@code nodes} nodes, in namespace default, with what the API server and
     * kubectl add (uid, creation time, the last applied configuration, managed fields).
     */
    static List<byte[]> datasets(int datasets, int nodes) {
        List<byte[]> items = new ArrayList<>(datasets);
        for (int i = 0; i < datasets; i++) {
            String spec = "{\"dataUrl\":\"/data/ds-" + i + "/index.txt\",\"format\":\"txt\",\"nodeName\":\"node-" + (i % nodes) + "\"}";
            String applied = "{\"apiVersion\":\"edgeai.io/v1alpha1\",\"kind\":\"Dataset\",\"metadata\":{\"annotations\":{},\"name\":\"ds-" + i
                + "\",\"namespace\":\"default\"},\"spec\":" + spec + "}\n";
            items.add(("{\"apiVersion\":\"edgeai.io/v1alpha1\",\"kind\":\"Dataset\",\"metadata\":{\"name\":\"ds-" + i
                + "\",\"namespace\":\"default\",\"uid\":\"" + uid(i) + "\",\"generation\":1,\"resourceVersion\":\"1\","
                + "\"creationTimestamp\":\"2026-11-30T00:00:00Z\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
                + Json.string(applied) + "},\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\","
                + "\"apiVersion\":\"edgeai.io/v1alpha1\",\"time\":\"2026-11-30T00:00:00Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":"
                + "{\"f:metadata\":{\"f:annotations\":{\".\":{},\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}},"
                + "\"f:spec\":{\".\":{},\"f:dataUrl\":{},\"f:format\":{},\"f:nodeName\":{}}}}]},"
                + "\"spec\":" + spec + "}").getBytes(StandardCharsets.UTF_8));
        }
        return items;
    }

    /** Dataset {@code i}'s uid, as the API server would give it (a UUID). */
    static String uid(int i) {
        return new UUID(0x5eed, i).toString();
    }

    static void awaitOrFail(Process process, Path log, BooleanSupplier done, String phase) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!done.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                List<String> lines = Files.readAllLines(log);
                throw new IllegalStateException(phase + " did not complete" + (process.isAlive() ? "" : ": the process exited") + "; its log ends with:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** User and system CPU seconds of a process so far (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** A field of /proc/PID/status, in KiB. */
    static long statusKib(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no " + field + " for process " + pid);
    }
}
