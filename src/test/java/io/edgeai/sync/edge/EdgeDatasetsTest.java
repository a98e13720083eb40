package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.counting.SampleCounter;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.DatasetSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's dataset flow without a broker: desired state in, real files counted through the real
 * counter and coalescer, statuses out. File events are handed in as the file-watch route would.
 */
class EdgeDatasetsTest {
    private static final String NODE = "edge0";
    private final Topics topics = new Topics("edgeai");
    private final Map<String, DatasetReport> published = new ConcurrentHashMap<>();
    /** Runs inside each publish, as the broker's round trip would take time there. */
    private volatile java.util.function.Consumer<String> duringPublish = name -> { };
    /** Whether the broker takes a status for this dataset name (false: the publish failed). */
    private volatile java.util.function.Predicate<String> brokerTakes = name -> true;

    @TempDir
    Path dir;
    Path root;
    Path outside;
    SampleCounter counter;
    EdgeDatasets datasets;

    @BeforeEach
    void start() throws IOException {
        root = Files.createDirectories(dir.resolve("data")).toRealPath();
        outside = Files.createDirectories(dir.resolve("outside")).toRealPath();
        DataRoots roots = new DataRoots(List.of(root));
        counter = new SampleCounter(1, new ConfinedFiles(roots.roots()));
        datasets = edge(roots, Duration.ofMillis(200));
    }

    /** @param slowCount after this long a count stops counting against the 2 count threads */
    private EdgeDatasets edge(DataRoots roots, Duration slowCount) {
        return new EdgeDatasets(NODE, topics, roots, new DesiredStateStore(dir.resolve("state")), counter,
            new EdgeSettings(2, Duration.ofMillis(5), slowCount, Duration.ofMinutes(10)), this::publish, Clock.systemUTC());
    }

    private boolean publish(io.edgeai.sync.mqtt.Outgoing message) {
        String name = message.topic().substring(message.topic().lastIndexOf('/') + 1);
        duringPublish.accept(name);
        if (!brokerTakes.test(name)) {
            return false;
        }
        if (message.isTombstone()) {
            published.remove(name);
        } else {
            published.put(name, Json.read(message.payload(), DatasetReport.class, "report"));
        }
        return true;
    }

    @AfterEach
    void stop() {
        datasets.close();
        counter.close();
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10));
    }

    private void place(String name, String dataUrl) {
        DesiredDataset dataset = new DesiredDataset("default", name, "uid-" + name, 1, new DatasetSpec(dataUrl, "txt", NODE),
            System.currentTimeMillis());
        datasets.onDesired(topics.desiredDataset(NODE, "default", name), Json.bytes(dataset));
    }

    private Long samples(String name) {
        DatasetReport report = published.get(name);
        return report == null ? null : report.numberOfSamples();
    }

    private String reason(String name) {
        DatasetReport report = published.get(name);
        return report == null ? null : report.readiness().reason();
    }

    @Test
    void fifosAreRefusedAndHoldNoOtherDatasetHostage() throws Exception {
        Path first = mkfifo(root.resolve("first.fifo"));
        Path second = mkfifo(root.resolve("second.fifo"));
        Path index = Files.writeString(root.resolve("index.txt"), "1\n2\n");
        place("first", first.toString());
        place("second", second.toString());
        place("plain", index.toString());

        eventually().until(() -> Long.valueOf(2).equals(samples("plain")));
        eventually().until(() -> Reasons.NOT_REGULAR.equals(reason("first")) && Reasons.NOT_REGULAR.equals(reason("second")));
        assertThat(published.get("first").readiness().message()).contains("not a regular file");
        Files.writeString(index, "3\n", StandardOpenOption.APPEND);
        datasets.onFileEvent(index.toString());
        eventually().until(() -> Long.valueOf(3).equals(samples("plain")));
    }

    /**
     * Issue 6, item 1: appends that land while datasets are placed and first counted. Every dataset's
     * final count must be its file's, whatever the timing.
     */
    /** Issue 6, item 1, made deterministic: the append lands after the first count read the file, before it finished. */
    @Test
    void anAppendWhileTheFirstCountPublishesIsCountedAfterIt() throws Exception {
        Path index = Files.writeString(root.resolve("index.txt"), "1\n2\n");
        java.util.concurrent.CountDownLatch appended = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch publishing = new java.util.concurrent.CountDownLatch(1);
        duringPublish = name -> {
            publishing.countDown();
            try {
                appended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        place("racing", index.toString());
        publishing.await();
        Files.writeString(index, "3\n", StandardOpenOption.APPEND);
        datasets.onFileEvent(index.toString());
        appended.countDown();

        eventually().until(() -> Long.valueOf(3).equals(samples("racing")) && datasets.idle());
    }

    /**
     * Issue 6, item 1, under load: 300 datasets placed at once on two count threads; another thread
     * appends to each file as its first count publishes (a broker round trip of 1 ms), racing the end
     * of that count. Every final count must be its file's.
     */
    @Test
    void appendsDuringTheFirstCountsAreNeverLost() throws Exception {
        int count = 300;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            files.add(Files.writeString(root.resolve("d" + i + ".txt"), "x\n".repeat(2000)));
        }
        java.util.concurrent.ExecutorService appender = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.Set<String> appended = ConcurrentHashMap.newKeySet();
        duringPublish = name -> {
            if (appended.add(name)) {
                Path file = files.get(Integer.parseInt(name.substring(1)));
                appender.execute(() -> {
                    try {
                        Files.writeString(file, "y\n", StandardOpenOption.APPEND);
                        datasets.onFileEvent(file.toString());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        };
        for (int i = 0; i < count; i++) {
            place("d" + i, files.get(i).toString());
        }

        try {
            eventually().until(() -> {
                for (int i = 0; i < count; i++) {
                    if (!Long.valueOf(2001).equals(samples("d" + i))) {
                        return false;
                    }
                }
                return true;
            });
        } finally {
            appender.shutdownNow();
        }
    }

    /** Issue 6, item 8: a dataset refused for a link out of the roots is counted on the next change once put right. */
    @Test
    void aRefusedLinkThatIsPutRightIsCountedOnTheNextChange() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.txt"), "s\n".repeat(7));
        Path index = root.resolve("index.txt");
        Files.createSymbolicLink(index, secret);
        place("linked", index.toString());
        eventually().until(() -> Reasons.OUTSIDE_DATA_ROOTS.equals(reason("linked")));
        assertThat(samples("linked")).isNull();

        Files.delete(index);
        Files.writeString(index, "1\n2\n");
        datasets.onFileEvent(index.toString());
        eventually().until(() -> Long.valueOf(2).equals(samples("linked")));
    }

    @Test
    void aDroppedDatasetsFilesNoLongerTriggerCounts() throws Exception {
        Path index = Files.writeString(root.resolve("gone.txt"), "1\n");
        place("gone", index.toString());
        eventually().until(() -> Long.valueOf(1).equals(samples("gone")));
        datasets.onDesired(topics.nodeManifest(NODE), Json.bytes(new Manifest(List.of(), System.currentTimeMillis() + 1000)));
        eventually().until(() -> !published.containsKey("gone"));

        Files.writeString(index, "2\n", StandardOpenOption.APPEND);
        datasets.onFileEvent(index.toString());
        assertThat(datasets.idle()).isTrue();
        assertThat(published).doesNotContainKey("gone");
    }

    /** Issue 6, item 3: a state directory that refuses writes delays saving, not counting, deleting or clearing. */
    @Test
    void aStateDirectoryThatRefusesWritesHoldsNothingBack() throws Exception {
        Path kept = Files.writeString(root.resolve("kept.txt"), "1\n");
        place("kept", kept.toString());
        eventually().until(() -> Long.valueOf(1).equals(samples("kept")));
        Path saved = dir.resolve("state/datasets");
        Path aside = dir.resolve("state/datasets-aside");
        Files.move(saved, aside);
        Files.writeString(saved, "not a directory"); // every write and delete under it fails now

        Path created = Files.writeString(root.resolve("created.txt"), "1\n2\n");
        place("created", created.toString());
        datasets.onDesired(topics.desiredDataset(NODE, "default", "kept"), new byte[0]); // deleted
        eventually().until(() -> Long.valueOf(2).equals(samples("created")) && !published.containsKey("kept"));

        Files.delete(saved);
        Files.move(aside, saved); // the disk is back
        datasets.retryUnsaved();
        assertThat(saved.resolve("default/created.json")).exists();
        assertThat(saved.resolve("default/kept.json")).doesNotExist();
    }

    static Path mkfifo(Path path) throws Exception {
        Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertThat(process.waitFor()).isZero();
        return path;
    }

    /**
     * Issue 7: statuses go out on lanes, so a slow broker does not hold the counting threads and many
     * acknowledgements are awaited at once (published on the 2 counting threads, at most 2 were). One
     * the broker refused waits for the next resend (issue 8: no loop while the broker is down).
     */
    @Test
    void manyStatusesAreInFlightAtOnceAndOneTheBrokerRefusedIsSentAgain() throws IOException {
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch crowd = new java.util.concurrent.CountDownLatch(4);
        duringPublish = name -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            crowd.countDown();
            try {
                crowd.await(5, java.util.concurrent.TimeUnit.SECONDS); // an acknowledgement that waits for company
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inFlight.decrementAndGet();
        };
        datasets.close();
        datasets = edge(new DataRoots(List.of(root)), Duration.ofMinutes(1)); // no count is ever slow: 2 count threads
        java.util.Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
        brokerTakes = name -> !name.equals("flaky") || !refusedOnce.add(name);
        for (int i = 0; i < 24; i++) {
            Files.writeString(root.resolve("d" + i + ".txt"), "a\nb\n");
            place("d" + i, root.resolve("d" + i + ".txt").toString());
        }
        Files.writeString(root.resolve("flaky.txt"), "a\n");
        place("flaky", root.resolve("flaky.txt").toString());

        eventually().until(() -> published.size() == 24 && refusedOnce.contains("flaky") && datasets.idle());
        assertThat(published).as("refused: it waits for the next resend, no retry loop").doesNotContainKey("flaky");
        datasets.resendUndelivered(); // as the status-resend route does every period
        eventually().until(() -> published.size() == 25 && datasets.idle());
        assertThat(mostInFlight.get()).as("statuses awaiting the broker at once").isGreaterThan(2);
        assertThat(published.get("flaky").numberOfSamples()).isEqualTo(1L);
        assertThat(refusedOnce).containsExactly("flaky");
    }
}
