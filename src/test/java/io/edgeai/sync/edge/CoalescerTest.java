package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescerTest {

    @Test
    void aBurstOfRequestsGivesABoundedNumberOfRunsAndAFinalOne() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger latestSeen = new AtomicInteger();
        AtomicInteger latestWritten = new AtomicInteger();
        try (Coalescer coalescer = new Coalescer("test", 2, Duration.ofMillis(20), Duration.ofSeconds(10), (key, verify) -> {
            runs.incrementAndGet();
            latestSeen.set(latestWritten.get());
        })) {
            for (int i = 1; i <= 5000; i++) {
                latestWritten.set(i);
                coalescer.request("k", false);
            }
            await().atMost(Duration.ofSeconds(10)).until(coalescer::idle);
            // every request that did not start a run joined one (the metric edgeai_edge_changes_coalesced_total)
            assertThat(coalescer.coalesced()).isBetween(5000L - runs.get(), 4999L);
        }
        assertThat(latestSeen.get()).as("the last run saw the last write").isEqualTo(5000);
        assertThat(runs.get()).isBetween(1, 100);
    }

    @Test
    void oneKeysLongTaskDoesNotHoldUpTheOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Map<String, Boolean> done = new ConcurrentHashMap<>();
        try (Coalescer coalescer = new Coalescer("test", 2, Duration.ofMillis(1), Duration.ofSeconds(10), (key, verify) -> {
            if (key.equals("huge")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            done.put(key, true);
        })) {
            coalescer.request("huge", false);
            await().atMost(Duration.ofSeconds(5)).until(() -> !coalescer.idle());
            for (int i = 0; i < 20; i++) {
                coalescer.request("small-" + i, false);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 20);
            assertThat(done).doesNotContainKey("huge");
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> done.containsKey("huge"));
        }
    }

    @Test
    void aVerifyRequestIsNotLostInACoalescedBurst() {
        Map<String, Boolean> verified = new ConcurrentHashMap<>();
        try (Coalescer coalescer = new Coalescer("test", 1, Duration.ofMillis(50), Duration.ofSeconds(10), (key, verify) -> verified.merge(key, verify, Boolean::logicalOr))) {
            coalescer.request("k", false);
            coalescer.request("k", true);
            coalescer.request("k", false);
            await().atMost(Duration.ofSeconds(5)).until(() -> coalescer.idle() && verified.containsKey("k"));
        }
        assertThat(verified).containsEntry("k", true);
    }

    /** Issue 6, item 9: runs that never finish (a hung mount) take every thread; the others still run. */
    @Test
    void runsThatNeverFinishHoldNoOtherKeyHostage() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Map<String, Boolean> done = new ConcurrentHashMap<>();
        try (Coalescer coalescer = new Coalescer("test", 2, Duration.ofMillis(1), Duration.ofMillis(100), (key, verify) -> {
            if (key.startsWith("stuck")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            done.put(key, true);
        })) {
            for (int i = 0; i < 4; i++) {
                coalescer.request("stuck-" + i, false);
            }
            for (int i = 0; i < 20; i++) {
                coalescer.request("small-" + i, false);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 20);
            assertThat(done.keySet()).allMatch(key -> key.startsWith("small"));
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> done.size() == 24 && coalescer.idle());
        }
    }

    /** Issue 7, goal 1: the first request runs at once (leading edge); the next waits out the window (trailing edge). */
    @Test
    void theFirstRequestRunsAtOnceAndTheNextWaitsForTheWindow() {
        AtomicInteger runs = new AtomicInteger();
        try (Coalescer coalescer = new Coalescer("test", 2, Duration.ofHours(1), Duration.ofSeconds(10), (key, verify) -> runs.incrementAndGet())) {
            coalescer.request("k", false);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1 && coalescer.idle());
            coalescer.request("other", false);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2 && coalescer.idle());

            coalescer.request("k", false);
            assertThat(coalescer.idle()).as("the second request for k waits for the hour to pass").isFalse();
            assertThat(runs.get()).isEqualTo(2);
        }
    }
}
