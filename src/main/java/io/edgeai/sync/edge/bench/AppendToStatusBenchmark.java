package io.edgeai.sync.edge.bench;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.counting.SampleCounter;
import io.edgeai.sync.edge.DataRoots;
import io.edgeai.sync.edge.DesiredStateStore;
import io.edgeai.sync.edge.EdgeDatasets;
import io.edgeai.sync.edge.EdgeModels;
import io.edgeai.sync.edge.EdgeSettings;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.DatasetSpec;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * The append path as the edge runs it: a line appended to a dataset's file, seen by the
 * {@code dataset-watch} route as shipped (camel-file-watch), recounted through the coalescer and the
 * confined counter, and handed to the publisher (where the MQTT publish would start). Measured with
 * the default coalescing window, then again right after a sparse 20 GiB file appeared under the same
 * root, against the counter alone (the "absorbing one appended line" figure of the same run).
 */
public final class AppendToStatusBenchmark {
    private static final long TIMEOUT_NANOS = 30_000_000_000L;
    private static final long POLL_NANOS = 50_000;
    private static final String NODE = "bench";
    private static final int DATASETS = 50;
    private static final int APPENDS = 200;

    private AppendToStatusBenchmark() {
    }

    public static void run(Path dir) throws Exception {
        Path root = dir.resolve("watch-root").toAbsolutePath();
        io.edgeai.sync.local.ScratchDir.deleteTree(root);
        Files.createDirectories(root);
        Duration coalesce = Duration.ofMillis(100);
        System.out.printf(Locale.ROOT, "%n== append -> status through the file watcher (%d datasets, coalescing %d ms) ==%n",
            DATASETS, coalesce.toMillis());

        Topics topics = new Topics("edgeai");
        DataRoots roots = new DataRoots(List.of(root));
        ConfinedFiles confined = new ConfinedFiles(roots.roots());
        Map<String, Long> published = new ConcurrentHashMap<>();
        Predicate<Outgoing> publisher = message -> {
            if (!message.isTombstone()) {
                DatasetReport report = Json.read(message.payload(), DatasetReport.class, "report");
                published.put(report.name(), report.numberOfSamples() == null ? -1 : report.numberOfSamples());
            }
            return true;
        };
        EdgeSettings settings = new EdgeSettings(2, coalesce, Duration.ofSeconds(2), Duration.ofMinutes(10));
        DesiredStateStore store = new DesiredStateStore(dir.resolve("watch-state-" + System.nanoTime()));
        try (SampleCounter counter = new SampleCounter(2, confined);
             EdgeDatasets datasets = new EdgeDatasets(NODE, topics, roots, store, counter, settings, publisher, Clock.systemUTC());
             EdgeModels models = new EdgeModels(NODE, topics, roots, confined, store, settings, message -> true, Clock.systemUTC());
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("edgeDatasets", datasets);
            camel.getRegistry().bind("edgeModels", models);
            PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveMandatoryResource(camel, "classpath:routes/edge/dataset-watch.yaml"));
            camel.start();
            TemplatedRouteBuilder.builder(camel, "dataset-watch").routeId("bench-watch").parameter("root", root.toString()).add();

            Path[] files = new Path[DATASETS];
            for (int i = 0; i < DATASETS; i++) {
                files[i] = Files.writeString(root.resolve("d" + i + ".txt"), "images/img.jpg 1\n".repeat(1000));
                DesiredDataset desired = new DesiredDataset("default", "d" + i, "uid-" + i, 1, new DatasetSpec(files[i].toString(), "txt", NODE),
                    System.currentTimeMillis());
                datasets.onDesired(topics.desiredDataset(NODE, "default", "d" + i), Json.bytes(desired));
            }
            for (int i = 0; i < DATASETS; i++) {
                awaitCount(published, "d" + i, 1000, TIMEOUT_NANOS, POLL_NANOS);
            }
            long[] plain = appends(files, published, 0);
            report("append -> status", plain);

            try (FileChannel huge = FileChannel.open(root.resolve("huge.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                huge.write(ByteBuffer.wrap(new byte[] {1}), 20L << 30);
            }
            long[] besideHuge = appends(files, published, APPENDS);
            report("same, beside a new 20 GiB file", besideHuge);
            Files.delete(root.resolve("huge.bin"));
        }
    }

    /** One append per dataset in turn; the time until the publisher holds the new count. */
    private static long[] appends(Path[] files, Map<String, Long> published, int done) throws Exception {
        long[] micros = new long[APPENDS];
        for (int n = 0; n < APPENDS; n++) {
            int i = n % files.length;
            long expected = 1000 + (done + n) / files.length + 1;
            long start = System.nanoTime();
            Files.writeString(files[i], "images/appended.jpg 1\n", StandardOpenOption.APPEND);
            awaitCount(published, "d" + i, expected, TIMEOUT_NANOS, POLL_NANOS);
            micros[n] = (System.nanoTime() - start) / 1000;
        }
        Arrays.sort(micros);
        return micros;
    }

    /**
     * Spins until {@code counts} shows {@code expected} for {@code name}, looking every
     * {@code pollNanos} (the benchmarks' timing resolution); fails after {@code timeoutNanos}.
     */
    public static void awaitCount(Map<String, Long> counts, String name, long expected, long timeoutNanos, long pollNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!Long.valueOf(expected).equals(counts.get(name))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " never reached " + expected + " (at " + counts.get(name) + ")");
            }
            LockSupport.parkNanos(pollNanos);
        }
    }

    private static void report(String what, long[] sortedMicros) {
        System.out.printf(Locale.ROOT, "%-34s p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms (%d appends)%n", what,
            sortedMicros[sortedMicros.length / 2] / 1000.0, sortedMicros[sortedMicros.length * 99 / 100] / 1000.0,
            sortedMicros[sortedMicros.length - 1] / 1000.0, sortedMicros.length);
    }
}
