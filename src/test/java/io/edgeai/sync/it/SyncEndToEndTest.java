package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.cloud.Presence;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetStatus;
import io.edgeai.sync.resources.ModelMetric;
import io.fabric8.kubernetes.api.model.Condition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;

/**
 * The system end to end, on the in-memory Kubernetes API and a real MQTT broker (one subclass per
 * broker). Each test uses its own dataset names; the edge nodes edge0 and edge1 are shared.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SyncEndToEndTest {
    private SyncHarness sync;

    protected abstract SyncHarness startSystem() throws Exception;

    protected SyncHarness sync() throws Exception {
        if (sync == null) {
            sync = startSystem();
            sync.startEdge("edge0");
            sync.startEdge("edge1");
        }
        return sync;
    }

    @AfterAll
    void stopSystem() throws Exception {
        if (sync != null) {
            sync.close();
        }
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50));
    }

    private Path file(String relative, String content) throws Exception {
        Path path = sync().dataRoot.resolve(relative);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, content);
    }

    private Long samples(String name) throws Exception {
        Dataset dataset = sync().dataset(name);
        return dataset == null || dataset.getStatus() == null ? null : dataset.getStatus().getNumberOfSamples();
    }

    private Condition ready(String name) throws Exception {
        DatasetStatus status = sync().dataset(name).getStatus();
        return status == null ? null : status.getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElse(null);
    }

    @Test
    void aCreatedDatasetIsCountedOnItsNodeAndTheCountFollowsAppends() throws Exception {
        Path index = file("create/index.txt", "a 1\nb 2\n\nc 3\n");
        sync().createDataset("created", index.toString(), "txt", "edge0");

        eventually().until(() -> Long.valueOf(3).equals(samples("created")));
        assertThat(ready("created").getStatus()).isEqualTo("True");
        assertThat(ready("created").getReason()).isEqualTo("Counted");
        assertThat(sync().dataset("created").getStatus().getObservedGeneration()).isEqualTo(1L);
        assertThat(sync().dataset("created").getStatus().getUpdateTime()).isNotBlank();
        assertThat(sync().savedDataset("edge0", "default", "created")).exists();
        assertThat(sync().savedDataset("edge1", "default", "created")).doesNotExist();

        Files.writeString(index, "d 4\ne 5\n", StandardOpenOption.APPEND);
        eventually().until(() -> Long.valueOf(5).equals(samples("created")));
    }

    /** Issue 6, item 5: the longest valid name (253 characters) goes through topics, the state directory and the status. */
    @Test
    void aDatasetWithTheLongestValidNameIsCounted() throws Exception {
        String longest = ("l".repeat(62) + ".").repeat(4) + "x";
        Path index = file("longest/index.txt", "1\n2\n");
        sync().createDataset(longest, index.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(2).equals(samples(longest)));
    }

    @Test
    void anEmptyDatasetReportsZero() throws Exception {
        Path empty = file("empty/index.jsonl", "");
        sync().createDataset("empty", empty.toString(), "jsonl", "edge0");
        eventually().until(() -> Long.valueOf(0).equals(samples("empty")) && ready("empty") != null);
        assertThat(ready("empty").getStatus()).isEqualTo("True");
    }

    @Test
    void aSpecUpdateIsFollowed() throws Exception {
        Path first = file("update/one.txt", "1\n2\n");
        Path second = file("update/two.csv", "path,label\nx,1\ny,2\n\"multi\nline\",3\n");
        sync().createDataset("updated", first.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(2).equals(samples("updated")));

        datasetSpec("updated", "{\"dataUrl\":\"file://" + second + "\",\"format\":\"csv\"}");

        eventually().until(() -> Long.valueOf(3).equals(samples("updated")));
        assertThat(sync().dataset("updated").getStatus().getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void aDatasetMovedToAnotherNodeLeavesTheOldOne() throws Exception {
        Path index = file("move/index.txt", "1\n2\n3\n4\n");
        sync().createDataset("moved", index.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(4).equals(samples("moved")));

        datasetSpec("moved", "{\"nodeName\":\"edge1\"}");

        eventually().until(() -> Files.exists(sync().savedDataset("edge1", "default", "moved"))
            && !Files.exists(sync().savedDataset("edge0", "default", "moved")));
        Files.writeString(index, "5\n", StandardOpenOption.APPEND);
        eventually().until(() -> Long.valueOf(5).equals(samples("moved")));
    }

    @Test
    void aDeletedDatasetIsForgottenByItsNode() throws Exception {
        Path index = file("delete/index.txt", "1\n");
        sync().createDataset("deleted", index.toString(), "txt", "edge0");
        eventually().until(() -> Files.exists(sync().savedDataset("edge0", "default", "deleted")) && samples("deleted") != null);

        List<String> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscriber = sync().subscribeRaw("edgeai/nodes/edge0/status/datasets/default/deleted", statuses);
        try {
            sync().kube().resources(Dataset.class).inNamespace("default").withName("deleted").delete();

            eventually().until(() -> !Files.exists(sync().savedDataset("edge0", "default", "deleted")));
            eventually().until(() -> statuses.contains("edgeai/nodes/edge0/status/datasets/default/deleted=")); // status cleared
            // no longer watched: an append sends nothing, while a watched dataset beside it is still counted
            Path witness = file("delete/witness.txt", "1\n");
            sync().createDataset("delete-witness", witness.toString(), "txt", "edge0");
            eventually().until(() -> Long.valueOf(1).equals(samples("delete-witness")));
            int seen = statuses.size();
            Files.writeString(index, "2\n", StandardOpenOption.APPEND);
            Files.writeString(witness, "2\n", StandardOpenOption.APPEND);
            eventually().until(() -> Long.valueOf(2).equals(samples("delete-witness")));
            assertThat(statuses).hasSize(seen);
        } finally {
            subscriber.disconnect();
            subscriber.close();
        }
    }

    private Condition condition(String name, String type) throws Exception {
        DatasetStatus status = sync().dataset(name).getStatus();
        return status == null ? null : status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElse(null);
    }

    private boolean readyIs(String name, String status, String reason) throws Exception {
        Condition ready = ready(name);
        return ready != null && status.equals(ready.getStatus()) && reason.equals(ready.getReason());
    }

    /**
     * Issue 8, item 2: a node cut off from the broker (its sockets end without a DISCONNECT, so the
     * broker publishes its last will) turns its datasets Ready=Unknown NodeOffline, the count kept;
     * back, they are Ready again with no report needed. A dataset for a node never seen is
     * NodeNotFound after the grace period (3 s here), and a Model counts the nodes the cloud knows to be online.
     */
    @Test
    void aNodeCutOffIsOfflineUntilItReturnsAndANodeNeverSeenIsNotFound() throws Exception {
        try (TcpProxy link = new TcpProxy(sync().broker.url())) {
            sync().startEdge("edge4", link.url());
            Path index = file("presence/index.txt", "1\n2\n");
            sync().createDataset("presence", index.toString(), "txt", "edge4");
            sync().createDataset("nowhere", file("presence/nowhere.txt", "1\n").toString(), "txt", "edge-never-seen");
            sync().createModel("presence-model", sync().dataRoot.resolve("presence/model.bin").toString());
            eventually().until(() -> readyIs("presence", "True", "Counted"));
            // the model counts the nodes the cloud knows to be online, edge4 among them (other nodes of
            // this class may come and go meanwhile: a test before may have restarted the broker)
            eventually().until(() -> nodeIs("edge4", Presence.State.ONLINE)
                && Integer.valueOf(sync().cloudPresence().onlineNodes()).equals(liveNodes("presence-model")));

            link.cut();
            eventually().until(() -> readyIs("presence", "Unknown", "NodeOffline"));
            assertThat(ready("presence").getMessage()).contains("edge4");
            assertThat(samples("presence")).as("the last count stays").isEqualTo(2L);
            assertThat(condition("presence", "Counted").getStatus()).as("the edge's last word").isEqualTo("True");
            eventually().until(() -> nodeIs("edge4", Presence.State.OFFLINE)
                && Integer.valueOf(sync().cloudPresence().onlineNodes()).equals(liveNodes("presence-model")));

            link.restore();
            eventually().until(() -> readyIs("presence", "True", "Counted"));
            eventually().until(() -> nodeIs("edge4", Presence.State.ONLINE)
                && Integer.valueOf(sync().cloudPresence().onlineNodes()).equals(liveNodes("presence-model")));

            eventually().until(() -> readyIs("nowhere", "Unknown", "NodeNotFound"));
            assertThat(ready("nowhere").getMessage()).contains("edge-never-seen");
            sync().stopEdge("edge4");
        }
    }

    private boolean nodeIs(String node, Presence.State state) throws Exception {
        return sync().cloudPresence().state(node, 0) == state;
    }

    private Integer liveNodes(String model) throws Exception {
        var status = sync().model(model).getStatus();
        return status == null ? null : status.getLiveNodes();
    }

    @Test
    void aDatasetDeletedWhileItsNodeWasDownIsDroppedAfterRestart() throws Exception {
        sync().startEdge("edge2");
        Path index = file("offline/index.txt", "1\n2\n");
        Path keep = file("offline/keep.txt", "1\n");
        sync().createDataset("offline-gone", index.toString(), "txt", "edge2");
        sync().createDataset("offline-kept", keep.toString(), "txt", "edge2");
        eventually().until(() -> samples("offline-gone") != null && samples("offline-kept") != null);

        sync().stopEdge("edge2");
        sync().kube().resources(Dataset.class).inNamespace("default").withName("offline-gone").delete();
        Files.writeString(keep, "2\n", StandardOpenOption.APPEND);
        assertThat(sync().savedDataset("edge2", "default", "offline-gone")).exists();

        sync().startEdge("edge2");

        eventually().until(() -> !Files.exists(sync().savedDataset("edge2", "default", "offline-gone")));
        eventually().until(() -> Long.valueOf(2).equals(samples("offline-kept")));
        sync().stopEdge("edge2");
    }

    @Test
    void aDatasetDeletedWhileTheCloudWasDownIsDroppedAfterTheCloudRestarts() throws Exception {
        sync().startEdge("edge3");
        Path index = file("cloud-down/index.txt", "1\n");
        Path kept = file("cloud-down/kept.txt", "1\n");
        sync().createDataset("cloud-down", index.toString(), "txt", "edge3");
        sync().createDataset("cloud-down-kept", kept.toString(), "txt", "edge3");
        eventually().until(() -> samples("cloud-down") != null && Long.valueOf(1).equals(samples("cloud-down-kept")));

        sync().stopCloud();
        sync().kube().resources(Dataset.class).inNamespace("default").withName("cloud-down").delete();
        Files.writeString(kept, "2\n3\n", StandardOpenOption.APPEND); // counted and retained while nobody listens
        List<String> retained = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscriber = sync().subscribeRaw("edgeai/nodes/edge3/status/datasets/default/cloud-down-kept", retained);
        eventually().until(() -> retained.stream().anyMatch(m -> m.contains("\"numberOfSamples\":3")));
        subscriber.disconnect();
        subscriber.close();
        sync().startCloud();

        eventually().until(() -> !Files.exists(sync().savedDataset("edge3", "default", "cloud-down")));
        eventually().until(() -> Long.valueOf(3).equals(samples("cloud-down-kept")));
        sync().stopEdge("edge3");
    }

    @Test
    void aBurstOfAppendsGivesFewStatusesAndTheExactCountOnceWritesPause() throws Exception {
        Path index = file("burst/index.txt", "");
        sync().createDataset("burst", index.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(0).equals(samples("burst")));
        List<String> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscriber = sync().subscribeRaw("edgeai/nodes/edge0/status/datasets/default/burst", statuses);
        try {
            eventually().until(() -> statuses.size() == 1); // the retained status, on subscribing
            int appends = 5000;
            try (var out = Files.newBufferedWriter(index, StandardOpenOption.APPEND)) {
                for (int i = 0; i < appends; i++) {
                    out.write("images/img_" + i + ".jpg 1\n");
                    out.flush(); // one write, one file event
                }
            }
            eventually().until(() -> Long.valueOf(appends).equals(samples("burst")));
            assertThat(statuses.size() - 1).as("statuses sent for %d appends", appends).isBetween(1, 100);
        } finally {
            subscriber.disconnect();
            subscriber.close();
        }
    }

    @Test
    void theNodeAnnouncesItselfOnline() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscriber = sync().subscribeRaw("edgeai/nodes/edge0/online", seen);
        try {
            eventually().until(() -> seen.contains("edgeai/nodes/edge0/online=online"));
        } finally {
            subscriber.disconnect();
            subscriber.close();
        }
    }

    @Test
    void changesMadeWhileTheBrokerIsDownArriveAfterItReturns() throws Exception {
        Path index = file("outage/index.txt", "1\n");
        sync().createDataset("outage", index.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(1).equals(samples("outage")));

        sync().broker.restart();
        Files.writeString(index, "2\n3\n", StandardOpenOption.APPEND);
        Path later = file("outage/later.txt", "a\nb\nc\nd\n");
        sync().createDataset("after-outage", later.toString(), "txt", "edge0");

        eventually().until(() -> Long.valueOf(3).equals(samples("outage")) && Long.valueOf(4).equals(samples("after-outage")));
        nodesBackAfterTheBrokerRestart();
    }

    /**
     * A broker restart publishes the nodes' last wills; the cloud believes them until each edge's
     * client is back and says "online" again, which on mosquitto was seen to take up to half a
     * minute. The tests after this one start from nodes known to be online.
     */
    private void nodesBackAfterTheBrokerRestart() throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> nodeIs("edge0", Presence.State.ONLINE) && nodeIs("edge1", Presence.State.ONLINE));
    }

    /**
     * Issue 11: a Dataset whose dataUrl is on HTTP is counted by its node as a file is, follows the
     * object as it grows (polled: no watch reaches a web server), says why when it cannot be read, and
     * is never fetched from outside the prefixes the node allows.
     */
    @Test
    void aDatasetOnHttpIsCountedFollowedAndRefusedWithItsReason() throws Exception {
        sync().objects.put("/sets/web/index.txt", "a\nb\n");
        sync().createDataset("on-http", sync().objects.url("/sets/web/index.txt"), "txt", "edge0");
        eventually().until(() -> Long.valueOf(2).equals(samples("on-http")));
        sync().objects.put("/sets/web/index.txt", "a\nb\nc\n");
        eventually().until(() -> Long.valueOf(3).equals(samples("on-http")));
        assertThat(sync().objects.requests).as("the append was read from the old end").contains("GET /sets/web/index.txt bytes=0-");

        sync().createDataset("http-missing", sync().objects.url("/sets/web/later.csv"), "csv", "edge0");
        eventually().until(() -> readyIs("http-missing", "False", "PathNotFound"));
        sync().objects.put("/sets/web/later.csv", "path,label\nx,1\n");
        eventually().until(() -> Long.valueOf(1).equals(samples("http-missing")));

        sync().objects.put("/elsewhere/index.txt", "a\n");
        sync().createDataset("http-elsewhere", sync().objects.url("/elsewhere/index.txt"), "txt", "edge0");
        eventually().until(() -> readyIs("http-elsewhere", "False", "EndpointNotConfigured"));
        assertThat(sync().objects.requests).noneMatch(request -> request.contains("/elsewhere/"));
    }

    /**
     * Issue 11: Datasets in an S3 store: an object counted by its format and followed as it grows, a
     * prefix counting its objects as a directory counts its files, a missing bucket said so.
     */
    @Test
    void datasetsInAnS3StoreAreCountedAndFollowed() throws Exception {
        sync().s3.createBucket("training");
        sync().s3.put("training", "sets/index.txt", "a\nb\n");
        sync().s3.put("training", "images/1.jpg", "1");
        sync().s3.put("training", "images/2.jpg", "2");
        sync().createDataset("in-s3", "s3://training/sets/index.txt", "txt", "edge0");
        sync().createDataset("s3-prefix", "s3://training/images/", "jpg", "edge0");
        sync().createDataset("s3-nowhere", "s3://no-such-bucket/index.txt", "txt", "edge0");
        eventually().until(() -> Long.valueOf(2).equals(samples("in-s3")) && Long.valueOf(2).equals(samples("s3-prefix")));
        assertThat(sync().dataset("s3-prefix").getStatus().getFiles()).isEqualTo(2);
        eventually().until(() -> readyIs("s3-nowhere", "False", "PathNotFound"));

        sync().s3.put("training", "sets/index.txt", "a\nb\nc\n");
        sync().s3.put("training", "images/3.jpg", "3");
        eventually().until(() -> Long.valueOf(3).equals(samples("in-s3")) && Long.valueOf(3).equals(samples("s3-prefix")));
    }

    /**
     * Issue 11: MinIO's bucket notifications. On a node that polls its remote datasets only every ten
     * minutes, an object rewritten in the store is counted again as soon as the store's notification
     * comes through the broker.
     */
    @Test
    void aBucketNotificationHasTheObjectCountedWithoutWaitingForItsPoll() throws Exception {
        sync().startEdgeWith("edge-minio", Map.of("edgeai.edge.remote-poll-ms", "600000", "edgeai.edge.s3.notifications", "true"));
        try {
            sync().s3.createBucket("notified");
            sync().s3.put("notified", "sets/index.txt", "a\nb\n");
            sync().createDataset("notified", "s3://notified/sets/index.txt", "txt", "edge-minio");
            eventually().until(() -> Long.valueOf(2).equals(samples("notified")));

            sync().s3.put("notified", "sets/index.txt", "a\nb\nc\n");
            sync().publishRaw("edgeai/buckets/events", io.edgeai.sync.remote.BucketEventsTest.minioEvent("s3:ObjectCreated:Put", "notified",
                "sets%2Findex.txt"), false);
            eventually().until(() -> Long.valueOf(3).equals(samples("notified")));
        } finally {
            sync().stopEdge("edge-minio");
        }
    }

    /** Issue 6, item 3: a spec update whose message the broker never took (it was down, and forgot everything) still arrives. */
    @Test
    void aSpecUpdateMadeWhileTheBrokerIsDownArrivesWhenItIsBack() throws Exception {
        Path first = file("broker-down/first.txt", "1\n2\n");
        Path second = file("broker-down/second.txt", "1\n2\n3\n");
        sync().createDataset("broker-down", first.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(2).equals(samples("broker-down")));

        sync().broker.restart(() -> {
            datasetSpec("broker-down", "{\"dataUrl\":\"" + second + "\"}");
            eventually().until(() -> sync().cloudRepairsPending() > 0); // the cloud gave up publishing it
        });

        eventually().until(() -> Long.valueOf(3).equals(samples("broker-down")));
        nodesBackAfterTheBrokerRestart();
    }

    @Test
    void refusedPathsMissingFilesAndUnknownFormatsAreNotReadyWithAReason(@TempDir Path elsewhere) throws Exception {
        Path outside = elsewhere.resolve("outside-data-roots.txt");
        Files.writeString(outside, "secret\n");
        sync().createDataset("outside", outside.toString(), "txt", "edge0");
        sync().createDataset("missing", sync().dataRoot.resolve("nowhere/index.txt").toString(), "txt", "edge0");
        sync().createDataset("odd-format", file("odd/data.parquet", "x\n").toString(), "parquet", "edge0");
        Path escape = sync().dataRoot.resolve("escape-link.txt");
        Files.createSymbolicLink(escape, outside);
        sync().createDataset("symlink-escape", escape.toString(), "txt", "edge0");

        eventually().until(() -> ready("outside") != null && ready("missing") != null && ready("odd-format") != null
            && ready("symlink-escape") != null);
        assertThat(List.of(ready("outside"), ready("missing"), ready("odd-format"), ready("symlink-escape")))
            .extracting(Condition::getStatus, Condition::getReason)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("False", "PathOutsideDataRoots"),
                org.assertj.core.groups.Tuple.tuple("False", "PathNotFound"),
                org.assertj.core.groups.Tuple.tuple("False", "UnknownFormat"),
                org.assertj.core.groups.Tuple.tuple("False", "PathOutsideDataRoots"));
        assertThat(samples("outside")).isNull();

        file("nowhere/index.txt", "now\nhere\n");
        eventually().until(() -> Long.valueOf(2).equals(samples("missing")) && "True".equals(ready("missing").getStatus()));
    }

    /**
     * Issue 6, item 9: FIFOs, a device node and a huge new file under the data root. Only regular
     * files and directories are opened, watching never reads contents, and the other datasets keep
     * being counted within seconds.
     */
    @Test
    void oddFilesUnderTheDataRootStallNeitherWatchingNorCounting() throws Exception {
        Path odd = Files.createDirectories(sync().dataRoot.resolve("odd-files"));
        Path fifo = mkfifo(odd.resolve("dataset.fifo"));
        mkfifo(odd.resolve("idle.fifo")); // not a dataset: the watcher sees it created
        // a character device like /dev/zero (needs root: without it the FIFOs are the odd files)
        new ProcessBuilder("mknod", odd.resolve("zero").toString(), "c", "1", "5").start().waitFor();
        Path small = file("odd-files/small.txt", "1\n");
        sync().createDataset("fifo-dataset", fifo.toString(), "txt", "edge0");
        sync().createDataset("beside-odd-files", small.toString(), "txt", "edge0");
        eventually().until(() -> ready("fifo-dataset") != null && Long.valueOf(1).equals(samples("beside-odd-files")));
        assertThat(ready("fifo-dataset").getReason()).isEqualTo("NotARegularFile");
        assertThat(ready("fifo-dataset").getMessage()).contains("not a regular file");

        try (var huge = java.nio.channels.FileChannel.open(odd.resolve("huge.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            huge.write(java.nio.ByteBuffer.wrap(new byte[] {1}), 20L << 30); // 20 GiB, sparse
        }
        Files.writeString(small, "2\n", StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
            .until(() -> Long.valueOf(2).equals(samples("beside-odd-files")));
    }

    private static Path mkfifo(Path path) throws Exception {
        assertThat(new ProcessBuilder("mkfifo", path.toString()).start().waitFor()).isZero();
        return path;
    }

    /**
     * Issue 6, item 10: a node floods its own status topic (its ACL allows that). The cloud writes
     * that object at most once per {@code edgeai.cloud.status-min-interval-ms} (100 ms), however
     * fast the API answers, another node's change still shows within seconds, and the
     * last report wins: even if the broker dropped some of the flood on its way to the cloud (its
     * queue per client is bounded), the retained status is read again.
     */
    @Test
    void aNodeFloodingItsStatusTopicStarvesNoOtherNode() throws Exception {
        Path noisyFile = file("flood/noisy.txt", "1\n");
        Path quietFile = file("flood/quiet.txt", "1\n");
        Dataset noisy = sync().createDataset("flood-noisy", noisyFile.toString(), "txt", "edge1");
        sync().createDataset("flood-quiet", quietFile.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(1).equals(samples("flood-noisy")) && Long.valueOf(1).equals(samples("flood-quiet")));
        java.util.concurrent.atomic.AtomicInteger patches = new java.util.concurrent.atomic.AtomicInteger();
        var watch = sync().kube().resources(Dataset.class).inNamespace("default").withName("flood-noisy").watch(
            new io.fabric8.kubernetes.client.Watcher<Dataset>() {
                @Override
                public void eventReceived(Action action, Dataset resource) {
                    if (action == Action.MODIFIED) {
                        patches.incrementAndGet();
                    }
                }

                @Override
                public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                }
            });
        try {
            int messages = 3000;
            List<String> flood = new java.util.ArrayList<>();
            for (int i = 1; i <= messages; i++) {
                flood.add("{\"namespace\":\"default\",\"name\":\"flood-noisy\",\"uid\":\"" + noisy.getMetadata().getUid()
                    + "\",\"observedGeneration\":1,\"numberOfSamples\":" + (1000 + i) + ",\"updateTime\":\"2026-01-01T00:00:00Z\","
                    + "\"readiness\":{\"ready\":true,\"reason\":\"Counted\",\"message\":\"m\"}}");
            }
            long floodStarted = System.nanoTime();
            java.util.concurrent.CompletableFuture<Void> flooder = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    sync().flood("edgeai/nodes/edge1/status/datasets/default/flood-noisy", flood);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Files.writeString(quietFile, "2\n", StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> Long.valueOf(2).equals(samples("flood-quiet")));
            flooder.get(60, java.util.concurrent.TimeUnit.SECONDS); // all sent, or the test fails here

            eventually().until(() -> Long.valueOf(1000 + messages).equals(samples("flood-noisy")));
            long intervals = Duration.ofNanos(System.nanoTime() - floodStarted).toMillis() / 100;
            assertThat(patches.get()).as("patches written for %d reports in %d intervals of 100 ms", messages, intervals)
                .isLessThanOrEqualTo((int) intervals + 2);
        } finally {
            watch.close();
        }
    }

    @Test
    void spoofedMalformedAndUnknownStatusesAreDroppedAndTheRouteGoesOn() throws Exception {
        Path index = file("spoof/index.txt", "1\n2\n");
        Dataset created = sync().createDataset("spoofed", index.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(2).equals(samples("spoofed")));
        String uid = created.getMetadata().getUid();
        String forged = "{\"namespace\":\"default\",\"name\":\"spoofed\",\"uid\":\"" + uid + "\",\"observedGeneration\":1,"
            + "\"numberOfSamples\":999,\"updateTime\":\"2026-01-01T00:00:00Z\",\"readiness\":{\"ready\":true,\"reason\":\"Counted\",\"message\":\"x\"}}";

        sync().publishRaw("edgeai/nodes/edge1/status/datasets/default/spoofed", forged, false);
        sync().publishRaw("edgeai/nodes/edge0/status/datasets/default/spoofed", "{not json", false);
        sync().publishRaw("edgeai/nodes/edge0/status/datasets/default/spoofed", "[1,2]", false);
        sync().publishRaw("edgeai/nodes/edge0/status/datasets/default/no-such-dataset", forged.replace("spoofed", "no-such-dataset"), false);
        sync().publishRaw("edgeai/nodes/edge0/status/datasets/default/spoofed", forged.replace(uid, "an-earlier-uid"), false);
        sync().publishRaw("edgeai/nodes/edge0/status/bogus", "{}", false);

        // the route is still alive: a real change still arrives, and none of the above was written
        Files.writeString(index, "3\n", StandardOpenOption.APPEND);
        eventually().until(() -> Long.valueOf(3).equals(samples("spoofed")));
        assertThat(samples("spoofed")).isEqualTo(3L);
    }

    private List<io.fabric8.kubernetes.api.model.events.v1.Event> events(String dataset) throws Exception {
        return sync().kube().events().v1().events().inNamespace("default").list().getItems().stream()
            .filter(event -> event.getRegarding() != null && dataset.equals(event.getRegarding().getName()))
            .toList();
    }

    /**
     * Issue 8, item 3: a dataset whose file is missing gets a Warning Event with reason PathNotFound,
     * and once it is counted a Normal one; 100 identical refused reports (from a node that does not
     * own the dataset) are one Event whose series counts them, not 100 Events.
     */
    @Test
    void readyTransitionsAndRefusalsAreKubernetesEventsAndRepeatsAreAggregated() throws Exception {
        Path missing = sync().dataRoot.resolve("events/index.txt");
        Dataset dataset = sync().createDataset("evented", missing.toString(), "txt", "edge0");
        eventually().until(() -> readyIs("evented", "False", "PathNotFound"));
        eventually().until(() -> events("evented").stream().anyMatch(e -> "PathNotFound".equals(e.getReason())));
        var notFound = events("evented").stream().filter(e -> "PathNotFound".equals(e.getReason())).findFirst().orElseThrow();
        assertThat(notFound.getType()).isEqualTo("Warning");
        assertThat(notFound.getNote()).contains("index.txt");
        assertThat(notFound.getRegarding().getKind()).isEqualTo("Dataset");
        assertThat(notFound.getRegarding().getUid()).isEqualTo(dataset.getMetadata().getUid());
        assertThat(notFound.getReportingController()).isEqualTo("edgeai.io/edgeai-sync-cloud");

        file("events/index.txt", "1\n");
        eventually().until(() -> events("evented").stream().anyMatch(e -> "Counted".equals(e.getReason()) && "Normal".equals(e.getType())));

        String forged = "{\"namespace\":\"default\",\"name\":\"evented\",\"uid\":\"" + dataset.getMetadata().getUid()
            + "\",\"observedGeneration\":1,\"numberOfSamples\":999,\"updateTime\":\"2026-01-01T00:00:00Z\","
            + "\"readiness\":{\"ready\":true,\"reason\":\"Counted\",\"message\":\"x\"}}";
        sync().flood("edgeai/nodes/edge1/status/datasets/default/evented", java.util.Collections.nCopies(100, forged));
        eventually().until(() -> events("evented").stream().anyMatch(e -> "StatusRefused".equals(e.getReason())
            && e.getSeries() != null && e.getSeries().getCount() > 1));
        var refused = events("evented").stream().filter(e -> "StatusRefused".equals(e.getReason())).toList();
        assertThat(refused).as("one Event for the repeats").hasSize(1);
        assertThat(refused.get(0).getType()).isEqualTo("Warning");
        assertThat(refused.get(0).getNote()).contains("edge1").contains("edge0");
        assertThat(samples("evented")).isEqualTo(1L);
        sync().publishRaw("edgeai/nodes/edge1/status/datasets/default/evented", "", true); // clears the retained forgery
    }

    @Test
    void modelsReachEveryNodeAndTheirMetricsComeBack() throws Exception {
        Path modelDir = Files.createDirectories(sync().dataRoot.resolve("models/detector"));
        sync().createModel("detector", modelDir.resolve("model.pb").toString());
        eventually().until(() -> Files.exists(sync().stateDir("edge0").resolve("models/default/detector.json"))
            && Files.exists(sync().stateDir("edge1").resolve("models/default/detector.json")));

        Files.writeString(modelDir.resolve("metrics.json"), "{\"accuracy\": 0.91, \"f1\": \"0.88\"}");

        eventually().until(() -> sync().model("detector").getStatus() != null && !sync().model("detector").getStatus().getMetrics().isEmpty());
        assertThat(sync().model("detector").getStatus().getMetrics())
            .containsExactly(new ModelMetric("accuracy", "0.91"), new ModelMetric("f1", "0.88"));
        assertThat(sync().model("detector").getStatus().getUpdateTime()).isNotBlank();
        assertThat(sync().model("detector").getStatus().getMetricsNode()).isIn("edge0", "edge1");

        sync().kube().resources(io.edgeai.sync.resources.Model.class).inNamespace("default").withName("detector").delete();
        eventually().until(() -> !Files.exists(sync().stateDir("edge0").resolve("models/default/detector.json")));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private io.edgeai.sync.resources.ModelCopy copyOn(String model, String node) throws Exception {
        var status = sync().model(model).getStatus();
        return status == null ? null : status.getNodes().stream().filter(copy -> copy.node().equals(node)).findFirst().orElse(null);
    }

    private Condition modelReady(String model) throws Exception {
        var status = sync().model(model).getStatus();
        return status == null ? null : io.edgeai.sync.cloud.StatusPatches.find(status.getConditions(), "Ready");
    }

    /**
     * Issue 13: every node reports its copy of a model (present and matching spec.sha256, corrupted,
     * missing, outside its data roots) and the model's Ready condition and Available count follow.
     */
    @Test
    void eachNodesCopyOfAModelIsVerified() throws Exception {
        byte[] weights = "weights".repeat(10_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Path file = sync().dataRoot.resolve("models/verified/model.onnx");
        Files.createDirectories(file.getParent());
        Files.write(file, weights);
        io.edgeai.sync.resources.Model model = new io.edgeai.sync.resources.Model();
        model.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("verified").withNamespace("default").build());
        model.setSpec(new io.edgeai.sync.resources.ModelSpec(file.toString(), "onnx"));
        model.getSpec().setSha256(sha256(weights));
        sync().kube().resource(model).create();

        eventually().until(() -> copyOn("verified", "edge0") != null && copyOn("verified", "edge1") != null
            && modelReady("verified") != null && "True".equals(modelReady("verified").getStatus()));
        assertThat(copyOn("verified", "edge0").phase()).isEqualTo("Present");
        assertThat(copyOn("verified", "edge0").sizeBytes()).isEqualTo(weights.length);
        assertThat(copyOn("verified", "edge0").sha256()).isEqualTo(sha256(weights));
        var copies = sync().model("verified").getStatus().getCopies();
        assertThat(copies.available()).isEqualTo(copies.total()).isGreaterThanOrEqualTo(2);
        assertThat(sync().model("verified").getStatus().getAvailable()).isEqualTo(copies.total() + "/" + copies.total());

        Files.write(file, "tampered".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        eventually().until(() -> "ChecksumMismatch".equals(copyOn("verified", "edge0").phase())
            && "ChecksumMismatch".equals(copyOn("verified", "edge1").phase()));
        eventually().until(() -> "ChecksumMismatch".equals(modelReady("verified").getReason()));
        assertThat(modelReady("verified").getStatus()).isEqualTo("False");

        Files.delete(file);
        eventually().until(() -> "Missing".equals(copyOn("verified", "edge0").phase()) && "Missing".equals(copyOn("verified", "edge1").phase()));
        eventually().until(() -> sync().model("verified").getStatus().getCopies().available() == 0);

        Path elsewhere = Files.createDirectories(sync().dataRoot.getParent().resolve("elsewhere"));
        sync().startEdge("edge-elsewhere", sync().broker.url(), elsewhere);
        try {
            eventually().until(() -> copyOn("verified", "edge-elsewhere") != null);
            assertThat(copyOn("verified", "edge-elsewhere").phase()).isEqualTo("OutsideDataRoots");
            assertThat(sync().model("verified").getStatus().getCopies().failed()).isGreaterThanOrEqualTo(1);
        } finally {
            sync().stopEdge("edge-elsewhere");
        }
        sync().kube().resources(io.edgeai.sync.resources.Model.class).inNamespace("default").withName("verified").delete();
    }

    /**
     * Issue 11: a Model in object storage is verified by every node as a local copy is: each reads it
     * from the store (Present, its size and SHA-256 against spec.sha256), sees it replaced at the
     * next poll (ChecksumMismatch) and gone (Missing).
     */
    @Test
    void aModelInAnS3StoreIsVerifiedByEachNode() throws Exception {
        byte[] weights = "s3-weights".repeat(5_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        sync().s3.createBucket("models");
        sync().s3.put("models", "detector/model.onnx", weights);
        io.edgeai.sync.resources.Model model = new io.edgeai.sync.resources.Model();
        model.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("in-s3").withNamespace("default").build());
        model.setSpec(new io.edgeai.sync.resources.ModelSpec("s3://models/detector/model.onnx", "onnx"));
        model.getSpec().setSha256(sha256(weights));
        sync().kube().resource(model).create();
        try {
            // a model meant for every node is Ready once every node that reported holds it: one report is enough
            eventually().until(() -> modelReady("in-s3") != null && "True".equals(modelReady("in-s3").getStatus())
                && copyOn("in-s3", "edge0") != null && copyOn("in-s3", "edge1") != null);
            assertThat(copyOn("in-s3", "edge0").phase()).isEqualTo("Present");
            assertThat(copyOn("in-s3", "edge0").sizeBytes()).isEqualTo(weights.length);
            assertThat(copyOn("in-s3", "edge1").sha256()).isEqualTo(sha256(weights));

            sync().s3.put("models", "detector/model.onnx", "replaced");
            eventually().until(() -> "ChecksumMismatch".equals(copyOn("in-s3", "edge0").phase())
                && "ChecksumMismatch".equals(copyOn("in-s3", "edge1").phase()));
            sync().s3.delete("models", "detector/model.onnx");
            eventually().until(() -> "Missing".equals(copyOn("in-s3", "edge0").phase()) && "Missing".equals(copyOn("in-s3", "edge1").phase()));
        } finally {
            sync().kube().resources(io.edgeai.sync.resources.Model.class).inNamespace("default").withName("in-s3").delete();
        }
    }

    /** Issue 13: a dataset's size and file count are exact, and its revision changes with its content, not with a touch. */
    @Test
    void aDatasetsSizeFilesAndRevisionFollowItsContent() throws Exception {
        Path index = file("revision/index.txt", "a 1\nb 2\n");
        sync().createDataset("revised", index.toString(), "txt", "edge0");
        eventually().until(() -> Long.valueOf(2).equals(samples("revised")));
        DatasetStatus first = sync().dataset("revised").getStatus();
        assertThat(first.getSizeBytes()).isEqualTo(8);
        assertThat(first.getFiles()).as("a file has no file count").isNull();
        assertThat(first.getRevision()).isNotBlank();

        long recounts = sync().edgeDatasets("edge0").recounts();
        Files.setLastModifiedTime(index, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(3)));
        eventually().until(() -> sync().edgeDatasets("edge0").recounts() > recounts); // the touch was seen and counted
        DatasetStatus touched = sync().dataset("revised").getStatus();
        assertThat(touched.getRevision()).isEqualTo(first.getRevision());
        assertThat(touched.getUpdateTime()).isEqualTo(first.getUpdateTime());

        Files.writeString(index, "c 3\n", java.nio.file.StandardOpenOption.APPEND);
        eventually().until(() -> Long.valueOf(3).equals(samples("revised")));
        assertThat(sync().dataset("revised").getStatus().getSizeBytes()).isEqualTo(12);
        assertThat(sync().dataset("revised").getStatus().getRevision()).isNotEqualTo(first.getRevision());

        file("revision-dir/train/one.jpg", "12345");
        file("revision-dir/train/two.jpg", "123");
        file("revision-dir/.cache/hidden.jpg", "hidden");
        sync().createDataset("revised-dir", sync().dataRoot.resolve("revision-dir").toString(), "txt", "edge1");
        eventually().until(() -> Long.valueOf(2).equals(samples("revised-dir")));
        assertThat(sync().dataset("revised-dir").getStatus().getFiles()).isEqualTo(2);
        assertThat(sync().dataset("revised-dir").getStatus().getSizeBytes()).isEqualTo(8);
    }

    /**
     * As kubectl patch --type merge does it: no resourceVersion, so the cloud's status writes do not
     * make it a conflict (an edit, a read and a write with the version read, failed when a status
     * write fell between them).
     */
    private void datasetSpec(String dataset, String json) throws Exception {
        sync().kube().resources(Dataset.class).inNamespace("default").withName(dataset).patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":" + json + "}");
    }

    /** As kubectl patch --type merge does it: no resourceVersion, so the cloud's status writes do not make it a conflict. */
    private void nodeNames(String model, String json) throws Exception {
        sync().kube().resources(io.edgeai.sync.resources.Model.class).inNamespace("default").withName(model).patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"nodeNames\":" + json + "}}");
    }

    /**
     * Issue 13: a model meant for some nodes (spec.nodeNames) goes only to those, on their own topics
     * (never the shared one, which every node reads), is verified there, and moves with the list.
     */
    @Test
    void aModelMeantForSomeNodesGoesOnlyToThoseIsVerifiedThereAndMovesWithThem() throws Exception {
        Path file = sync().dataRoot.resolve("models/targeted/model.onnx");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "weights");
        List<String> shared = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<String> perNode = new java.util.concurrent.CopyOnWriteArrayList<>();
        var sharedSubscriber = sync().subscribeRaw("edgeai/models/desired/default/targeted", shared);
        var perNodeSubscriber = sync().subscribeRaw("edgeai/nodes/+/desired/models/default/targeted", perNode);
        try {
            io.edgeai.sync.resources.Model model = new io.edgeai.sync.resources.Model();
            model.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("targeted").withNamespace("default").build());
            model.setSpec(new io.edgeai.sync.resources.ModelSpec(file.toString(), "onnx"));
            model.getSpec().setNodeNames(List.of("edge0"));
            sync().kube().resource(model).create();

            eventually().until(() -> modelReady("targeted") != null && "True".equals(modelReady("targeted").getStatus()));
            assertThat(sync().model("targeted").getStatus().getAvailable()).isEqualTo("1/1");
            assertThat(sync().model("targeted").getStatus().getNodes()).extracting(io.edgeai.sync.resources.ModelCopy::node).containsExactly("edge0");
            assertThat(perNode).as("sent to edge0 alone").isNotEmpty().allMatch(m -> m.startsWith("edgeai/nodes/edge0/"));

            nodeNames("targeted", "[\"edge0\", \"edge1\"]");
            eventually().until(() -> "2/2".equals(sync().model("targeted").getStatus().getAvailable()));

            nodeNames("targeted", "[\"edge1\"]");
            eventually().until(() -> "1/1".equals(sync().model("targeted").getStatus().getAvailable())
                && copyOn("targeted", "edge0") == null && copyOn("targeted", "edge1") != null);
            assertThat(modelReady("targeted").getStatus()).isEqualTo("True");
            eventually().until(() -> perNode.contains("edgeai/nodes/edge0/desired/models/default/targeted=")); // edge0's copy taken back
            assertThat(shared).as("never on the topic every node reads").isEmpty();
            sync().kube().resources(io.edgeai.sync.resources.Model.class).inNamespace("default").withName("targeted").delete();
            eventually().until(() -> perNode.contains("edgeai/nodes/edge1/desired/models/default/targeted="));
        } finally {
            sharedSubscriber.disconnect();
            perNodeSubscriber.disconnect();
        }
    }

    private void label(String node, String key, String value) throws Exception {
        sync().kube().nodes().withName(node).edit(n -> {
            if (value == null) {
                n.getMetadata().getLabels().remove(key);
            } else {
                n.getMetadata().getLabels().put(key, value);
            }
            return n;
        });
    }

    /**
     * Issue 13: a model that selects its nodes by label (spec.nodeSelector) goes to the nodes whose
     * Node objects match, and follows the labels as they change.
     */
    @Test
    void aModelThatSelectsItsNodesByLabelFollowsTheLabels() throws Exception {
        Path file = sync().dataRoot.resolve("models/selected/model.onnx");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "weights");
        for (String node : List.of("edge0", "edge1")) {
            sync().kube().nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(node)
                .addToLabels("kubernetes.io/hostname", node).endMetadata().build()).createOr(existing -> existing.update());
        }
        label("edge0", "accelerator", "npu");
        io.edgeai.sync.resources.Model model = new io.edgeai.sync.resources.Model();
        model.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("selected").withNamespace("default").build());
        model.setSpec(new io.edgeai.sync.resources.ModelSpec(file.toString(), "onnx"));
        model.getSpec().setNodeSelector(java.util.Map.of("accelerator", "npu"));
        sync().kube().resource(model).create();
        try {
            eventually().until(() -> modelReady("selected") != null && "True".equals(modelReady("selected").getStatus()));
            assertThat(sync().model("selected").getStatus().getAvailable()).isEqualTo("1/1");
            assertThat(copyOn("selected", "edge0")).isNotNull();

            label("edge1", "accelerator", "npu");
            eventually().until(() -> "2/2".equals(sync().model("selected").getStatus().getAvailable()));

            label("edge0", "accelerator", null);
            eventually().until(() -> "1/1".equals(sync().model("selected").getStatus().getAvailable())
                && copyOn("selected", "edge0") == null && copyOn("selected", "edge1") != null);
            assertThat(modelReady("selected").getStatus()).isEqualTo("True");
        } finally {
            sync().kube().resources(io.edgeai.sync.resources.Model.class).inNamespace("default").withName("selected").delete();
            label("edge0", "accelerator", null);
            label("edge1", "accelerator", null);
        }
    }
}
