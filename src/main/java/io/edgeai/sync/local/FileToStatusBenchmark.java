package io.edgeai.sync.local;

import io.edgeai.sync.edge.bench.AppendToStatusBenchmark;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code java -jar target/edgeai-sync.jar bench-e2e [datasets] [appends] [statuses] [fan-out datasets] [nodes]}: the whole path a user sees,
 * in local mode's processes (the edge's file watcher and counter, the embedded MQTT broker, the cloud,
 * the in-memory Kubernetes API): a line appended to a dataset's file, until the API's watch stream
 * shows the new {@code numberOfSamples}. One append at a time, round robin over the datasets. Then
 * the cloud's status writes alone ({@link io.edgeai.sync.cloud.StatusWriteBenchmark}) and its
 * fan-out from an informer list ({@link FanOutBenchmark}).
 */
public final class FileToStatusBenchmark {
    private static final long TIMEOUT_NANOS = 60_000_000_000L;
    private static final long POLL_NANOS = 100_000;
    private FileToStatusBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int datasets = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int appends = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Map<String, Long> seen = new ConcurrentHashMap<>();
        try (ScratchDir home = ScratchDir.create("edgeai-bench-e2e"); LocalMode local = new LocalMode(home.path())) {
            KubernetesClient kube = local.api().client();
            Path data = home.resolve("data");
            Path[] files = new Path[datasets];
            try (Watch watch = kube.resources(Dataset.class).inNamespace("default").watch(new Watcher<>() {
                @Override
                public void eventReceived(Action action, Dataset dataset) {
                    if (dataset.getStatus() != null && dataset.getStatus().getNumberOfSamples() != null) {
                        seen.put(dataset.getMetadata().getName(), dataset.getStatus().getNumberOfSamples());
                    }
                }

                @Override
                public void onClose(WatcherException cause) {
                }
            })) {
                for (int i = 0; i < datasets; i++) {
                    files[i] = Files.writeString(data.resolve("e2e-" + i + ".txt"), "images/img.jpg 1\n".repeat(100));
                    Dataset dataset = new Dataset();
                    dataset.setMetadata(new ObjectMetaBuilder().withName("e2e-" + i).withNamespace("default").build());
                    dataset.setSpec(new DatasetSpec(files[i].toString(), "txt", LocalMode.NODE));
                    kube.resources(Dataset.class).inNamespace("default").resource(dataset).create();
                }
                long created = System.nanoTime();
                for (int i = 0; i < datasets; i++) {
                    AppendToStatusBenchmark.awaitCount(seen, "e2e-" + i, 100, TIMEOUT_NANOS, POLL_NANOS);
                }
                System.out.printf(Locale.ROOT, "%n== file -> status, end to end in local mode (%d datasets) ==%n", datasets);
                System.out.printf(Locale.ROOT, "%d datasets created -> all counted in the API: %.0f ms%n", datasets,
                    (System.nanoTime() - created) / 1e6);
                long[] micros = new long[appends];
                for (int n = 0; n < appends; n++) {
                    int i = n % datasets;
                    long expected = 100 + n / datasets + 1;
                    long start = System.nanoTime();
                    Files.writeString(files[i], "images/appended.jpg 1\n", StandardOpenOption.APPEND);
                    AppendToStatusBenchmark.awaitCount(seen, "e2e-" + i, expected, TIMEOUT_NANOS, POLL_NANOS);
                    micros[n] = (System.nanoTime() - start) / 1000;
                }
                Arrays.sort(micros);
                System.out.printf(Locale.ROOT, "append -> numberOfSamples in the API's watch: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d appends)%n",
                    micros[appends / 2] / 1000.0, micros[appends * 99 / 100] / 1000.0, micros[appends - 1] / 1000.0, appends);
            }
        }
        io.edgeai.sync.cloud.StatusWriteBenchmark.run(args.length > 2 ? Integer.parseInt(args[2]) : 10_000);
        FanOutBenchmark.run(args.length > 3 ? Integer.parseInt(args[3]) : 10_000, args.length > 4 ? Integer.parseInt(args[4]) : 1_000);
        System.exit(0);
    }
}
