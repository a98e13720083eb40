package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.resources.DatasetSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DesiredSetTest {
    @TempDir
    Path state;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private volatile long now = 1_000;

    private DesiredSet<DesiredDataset> set() {
        return set(new DesiredStateStore(state));
    }

    private DesiredSet<DesiredDataset> set(DesiredStateStore store) {
        return new DesiredSet<>(store, "datasets", DesiredDataset.class,
            new DesiredSet.Listener<>() {
                @Override
                public void placed(DesiredDataset d) {
                    events.add("placed " + d.key() + "@" + d.issuedAt());
                }

                @Override
                public void removed(DesiredDataset d) {
                    events.add("removed " + d.key());
                }
            }, () -> now, 100);
    }

    private static DesiredDataset dataset(String name, long issuedAt) {
        return new DesiredDataset("ns", name, "uid-" + name, 1, new DatasetSpec("/d/" + name, "txt", "edge0"), issuedAt);
    }

    /** A state directory whose writes of the chosen copies stall until {@code answer} is counted down. */
    private static final class StallingStore extends DesiredStateStore {
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch answer = new CountDownLatch(1);
        private final java.util.function.Predicate<DesiredDataset> stalls;

        StallingStore(Path directory, java.util.function.Predicate<DesiredDataset> stalls) {
            super(directory);
            this.stalls = stalls;
        }

        @Override
        public void write(String kind, String key, Object value) {
            if (stalls.test((DesiredDataset) value)) {
                stalled.countDown();
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.write(kind, key, value);
        }
    }

    @Test
    void aSlowSaveOfOneDatasetHoldsUpNoOther() throws Exception {
        StallingStore disk = new StallingStore(state, copy -> copy.key().equals("ns/a")); // an SD card that takes its time
        DesiredSet<DesiredDataset> set = set(disk);
        Thread first = new Thread(() -> set.put(dataset("a", 10)));
        first.start();
        assertThat(disk.stalled.await(10, TimeUnit.SECONDS)).isTrue();

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> set.put(dataset("b", 11)), "b waited for a's write");

        assertThat(events).contains("placed ns/a@10", "placed ns/b@11");
        assertThat(set(new DesiredStateStore(state)).get("ns/b")).as("b is saved").isPresent();
        disk.answer.countDown();
        first.join();
        assertThat(set(new DesiredStateStore(state)).get("ns/a")).as("a is saved").isPresent();
    }

    @Test
    void aSaveThatStartedEarlierCannotOverwriteALaterChange() throws Exception {
        // the first copy's write stalls after it read what to write
        StallingStore disk = new StallingStore(state, copy -> copy.issuedAt() == 10);
        DesiredSet<DesiredDataset> set = set(disk);
        Thread first = new Thread(() -> set.put(dataset("a", 10)));
        first.start();
        assertThat(disk.stalled.await(10, TimeUnit.SECONDS)).isTrue();
        Thread second = new Thread(() -> set.put(dataset("a", 20)));
        second.start();
        // the later save either waits for the stalled one or (wrongly) finishes before it
        await().atMost(Duration.ofSeconds(10)).until(() -> second.getState() == Thread.State.BLOCKED || !second.isAlive());
        disk.answer.countDown();
        first.join();
        second.join();

        assertThat(set(new DesiredStateStore(state)).get("ns/a")).map(DesiredDataset::issuedAt).as("saved copy").contains(20L);
    }

    @Test
    void whatIsSavedIsWhatIsHeldAfterConcurrentChangesToTheSameObjects() throws Exception {
        DesiredSet<DesiredDataset> set = set();
        ExecutorService lanes = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                done.add(lanes.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 2500; i++) {
                        String name = "d" + random.nextInt(8);
                        if (random.nextInt(3) == 0) {
                            set.remove("ns/" + name);
                        } else {
                            set.put(dataset(name, 10 + random.nextInt(1000)));
                        }
                    }
                }));
            }
            for (Future<?> lane : done) {
                lane.get(60, TimeUnit.SECONDS);
            }
        } finally {
            lanes.shutdownNow();
        }
        DesiredSet<DesiredDataset> restarted = set();
        for (int i = 0; i < 8; i++) {
            assertThat(restarted.get("ns/d" + i)).as("saved d" + i).isEqualTo(set.get("ns/d" + i));
        }
    }

    @Test
    void whatIsHeldIsSavedEvenWhenAListenerFails() {
        DesiredSet<DesiredDataset> stopping = new DesiredSet<>(new DesiredStateStore(state), "datasets", DesiredDataset.class,
            new DesiredSet.Listener<>() {
                @Override
                public void placed(DesiredDataset d) {
                    throw new java.util.concurrent.RejectedExecutionException("counting has shut down");
                }

                @Override
                public void removed(DesiredDataset d) {
                }
            }, () -> now, 100);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> stopping.put(dataset("a", 10)))
            .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);

        assertThat(stopping.get("ns/a")).as("held").isPresent();
        assertThat(set().get("ns/a")).as("and so saved").isPresent();
    }

    @Test
    void aResentCopyRefreshesItsTimeButIsNotPlacedAgain() {
        DesiredSet<DesiredDataset> set = set();
        set.put(dataset("a", 10));
        set.put(dataset("a", 20));
        DesiredDataset changed = new DesiredDataset("ns", "a", "uid-a", 2, new DatasetSpec("/d/other", "txt", "edge0"), 30);
        set.put(changed);

        assertThat(events).containsExactly("placed ns/a@10", "placed ns/a@30");
        set.apply(new Manifest(List.of(), 25));
        assertThat(set.get("ns/a")).as("issued after the manifest, so kept").contains(changed);
    }

    @Test
    void namesThatCouldLeaveTheStateDirectoryAreRefused() {
        DesiredDataset escape = new DesiredDataset("..", "passwd", "u", 1, new DatasetSpec("/d", "txt", "edge0"), 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> set().receive("../passwd", escape))
            .isInstanceOf(io.edgeai.sync.mqtt.RejectedMessage.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> set().receive("ns/other", dataset("a", 1)))
            .isInstanceOf(io.edgeai.sync.mqtt.RejectedMessage.class);
        assertThat(events).isEmpty();
        assertThat(state.resolve("passwd.json")).doesNotExist();
    }

    @Test
    void whatWasPlacedSurvivesARestart() {
        set().put(dataset("a", 10));
        assertThat(set().get("ns/a")).contains(dataset("a", 10));
    }

    @Test
    void aManifestRemovesOnlyWhatItPostdates() {
        DesiredSet<DesiredDataset> set = set();
        set.put(dataset("old", 10));
        set.put(dataset("new", 30));

        set.apply(new Manifest(List.of(), 20));

        assertThat(set.all()).extracting(DesiredDataset::name).containsExactly("new");
        assertThat(events).containsExactly("placed ns/old@10", "placed ns/new@30", "removed ns/old");
        assertThat(set().get("ns/old")).as("removed from disk too").isEmpty();
    }

    @Test
    void leftoversOlderThanTheManifestAndLateCopiesAreIgnored() {
        DesiredSet<DesiredDataset> set = set();
        set.apply(new Manifest(List.of("ns/listed"), 20));
        set.put(dataset("leftover", 10));
        set.put(dataset("listed", 10));
        set.put(dataset("listed", 5));

        assertThat(set.all()).extracting(DesiredDataset::name).containsExactly("listed");
        assertThat(set.get("ns/listed").orElseThrow().issuedAt()).isEqualTo(10);
    }

    /** Issue 6, item 2: whatever order objects and manifests arrive in, a later manifest that lists a dataset brings it back. */
    @Test
    void aDatasetLeftOutByAManifestIsHeldAgainWhenALaterOneListsIt() {
        DesiredSet<DesiredDataset> set = set();
        set.put(dataset("a", 10));
        set.apply(new Manifest(List.of(), 20)); // as if a was deleted, or the manifest wrong
        set.put(dataset("b", 15)); // issued before that manifest, not listed: not held
        assertThat(set.all()).isEmpty();

        set.apply(new Manifest(List.of("ns/a", "ns/b"), 30));

        assertThat(set.all()).extracting(DesiredDataset::name).containsExactlyInAnyOrder("a", "b");
        assertThat(events).containsExactly("placed ns/a@10", "removed ns/a", "placed ns/a@10", "placed ns/b@15");
        set.remove("ns/b");
        set.apply(new Manifest(List.of("ns/a", "ns/b"), 40));
        assertThat(set.all()).as("a tombstone forgets it for good").extracting(DesiredDataset::name).containsExactly("a");
    }

    /** Issue 6, item 4: a manifest stamped a day ahead makes the node ignore nothing for long. */
    @Test
    void stampsFromAClockFarAheadAreTrustedOnlySoFar() {
        DesiredSet<DesiredDataset> set = set();
        long dayAhead = now + 86_400_000;
        set.put(dataset("issued-ahead", dayAhead));
        set.apply(new Manifest(List.of("ns/issued-ahead"), dayAhead));

        set.put(dataset("new", now + 10)); // the cloud's clock is right again: not listed yet, put aside
        set.apply(new Manifest(List.of("ns/issued-ahead", "ns/new"), now + 20)); // the next manifest, the last received, lists it
        assertThat(set.all()).extracting(DesiredDataset::name).containsExactlyInAnyOrder("issued-ahead", "new");

        now += 200; // past the trusted bound of the day-ahead stamp
        set.apply(new Manifest(List.of("ns/new"), now));
        assertThat(set.all()).as("the day-ahead dataset is deleted by a manifest of today")
            .extracting(DesiredDataset::name).containsExactly("new");
    }
}
