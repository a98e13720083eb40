package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 6, item 10: statuses coalesced per object, fair across nodes, bounded per node. */
class StatusInboxTest {
    private final io.edgeai.sync.mqtt.Refusals refusals = new io.edgeai.sync.mqtt.Refusals(100);
    private final StatusInbox inbox = new StatusInbox(new io.edgeai.sync.mqtt.Topics("edgeai"), 100, 1 << 20, 4, 0, refusals);

    private static String topic(String node, String name) {
        return "edgeai/nodes/" + node + "/status/datasets/ns/" + name;
    }

    /** A report offered as the route offers it, with the size of the message it came as (here the report is its bytes). */
    private static boolean offer(StatusInbox to, String topic, byte[] payload) {
        return to.offer(topic, payload, payload.length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> drainAll() {
        return drain(inbox);
    }

    /** Writes everything that waits, each write done at once; "node/status/datasets/ns/name=payload" for each. */
    private static List<String> drain(StatusInbox from) {
        List<String> written = new ArrayList<>();
        for (var next = from.next(); next.isPresent(); next = from.next()) {
            written.add(next.get().topic().substring(next.get().topic().indexOf("/nodes/") + 7) + "=" + (next.get().payload() instanceof byte[] text ? new String(text, StandardCharsets.UTF_8) : next.get().payload()));
            from.done(next.get(), false);
        }
        return written;
    }

    @Test
    void aFloodOfOneObjectIsOneWriteOfTheLatest() {
        assertThat(offer(inbox, topic("noisy", "d"), bytes("1"))).isTrue();
        for (int i = 2; i <= 10_000; i++) {
            assertThat(offer(inbox, topic("noisy", "d"), bytes(String.valueOf(i)))).isFalse();
        }
        assertThat(drainAll()).containsExactly("noisy/status/datasets/ns/d=10000");
        assertThat(inbox.pending()).isZero();
    }

    @Test
    void nodesTakeTurns() {
        for (int i = 0; i < 50; i++) {
            offer(inbox, topic("noisy", "d" + i), bytes("n"));
        }
        offer(inbox, topic("quiet", "q"), bytes("q"));

        List<String> written = drainAll();
        assertThat(written).hasSize(51);
        assertThat(written.indexOf("quiet/status/datasets/ns/q=q")).as("the quiet node's report is written second").isEqualTo(1);
    }

    @Test
    void aNodeOverItsLimitLosesOnlyItsOwnNewReports() {
        for (int i = 0; i < 150; i++) {
            offer(inbox, topic("flooder", "d" + i), bytes("f"));
        }
        offer(inbox, topic("other", "o"), bytes("o"));
        assertThat(inbox.dropped()).isEqualTo(50);
        assertThat(drainAll()).hasSize(101).contains("other/status/datasets/ns/o=o");
    }

    @Test
    void aReportForAnObjectBeingWrittenWaitsAndIsNotOvertaken() {
        offer(inbox, topic("n", "d"), bytes("old"));
        StatusInbox.Report writing = inbox.next().orElseThrow();
        assertThat(offer(inbox, topic("n", "d"), bytes("new"))).as("waits for the write, needs no writer").isFalse();
        assertThat(inbox.next()).as("not written twice at once").isEmpty();

        inbox.done(writing, false);
        assertThat(drainAll()).containsExactly("n/status/datasets/ns/d=new");
    }

    @Test
    void aFailedWriteWaitsAgainUnlessANewerReportCame() {
        offer(inbox, topic("n", "a"), bytes("a1"));
        offer(inbox, topic("n", "b"), bytes("b1"));
        StatusInbox.Report a = inbox.next().orElseThrow();
        StatusInbox.Report b = inbox.next().orElseThrow();
        offer(inbox, topic("n", "b"), bytes("b2"));
        inbox.done(a, true);
        inbox.done(b, true);
        assertThat(drainAll()).containsExactlyInAnyOrder("n/status/datasets/ns/a=a1", "n/status/datasets/ns/b=b2");
    }

    @Test
    void writersAreWokenOnlyAsOftenAsUseful() {
        int wakeUps = 0;
        for (int i = 0; i < 20; i++) {
            wakeUps += offer(inbox, topic("n" + i, "d"), bytes("x")) ? 1 : 0;
        }
        assertThat(wakeUps).isEqualTo(4);
        inbox.wokeUp();
        assertThat(offer(inbox, topic("late", "d"), bytes("x"))).isTrue();
    }

    @Test
    void oversizedReportsAndTopicsThatAreNoStatusAreRefusedAtTheDoor() {
        assertThat(offer(inbox, "edgeai/nodes/n/status/junk/a/b/c", bytes("x"))).isFalse();
        assertThat(offer(inbox, topic("n", "big"), new byte[ReportChecks.MAX_PAYLOAD_BYTES + 1])).isFalse();
        assertThat(inbox.admits(topic("n", "big"), new byte[ReportChecks.MAX_PAYLOAD_BYTES + 1])).as("checked before it is parsed").isFalse();
        assertThat(inbox.admits("edgeai/nodes/n/status/junk/a/b/c", bytes("x"))).isFalse();
        assertThat(inbox.admits(topic("n", "small"), new byte[ReportChecks.MAX_PAYLOAD_BYTES])).isTrue();
        assertThat(inbox.offer(topic("n", "null"), null, 4)).as("JSON null").isFalse();
        assertThat(inbox.pending()).isZero();
    }

    /** Found by a hostile review: a report read into objects takes more than its bytes, up to ten times for a model's empty metrics. */
    @Test
    void whatWaitsIsWeighedAsReadNotAsItsBytes() {
        StatusInbox small = new StatusInbox(new io.edgeai.sync.mqtt.Topics("edgeai"), 1000, 100_000, 4, 0, refusals);
        java.util.List<io.edgeai.sync.resources.ModelMetric> empty = java.util.Collections.nCopies(100, new io.edgeai.sync.resources.ModelMetric(null, null));
        io.edgeai.sync.mqtt.Messages.ModelReport metrics = new io.edgeai.sync.mqtt.Messages.ModelReport("ns", "m", "u", empty, null);
        int bytes = io.edgeai.sync.mqtt.Json.bytes(metrics).length;
        assertThat(StatusInbox.weight(metrics, bytes)).as("about ten times its bytes").isGreaterThanOrEqualTo(100 * 128);
        int taken = 0;
        for (int i = 0; i < 100; i++) {
            taken += small.offer("edgeai/nodes/n" + i + "/status/models/ns/m", metrics, bytes) ? 1 : 0;
        }
        assertThat(small.bytesWaiting()).isLessThanOrEqualTo(100_000);
        assertThat(small.pending()).as("as many as their weight allows, not as their bytes would").isEqualTo(100_000 / StatusInbox.weight(metrics, bytes));
        assertThat(small.offer("edgeai/nodes/n/status/models/ns/many", new io.edgeai.sync.mqtt.Messages.ModelReport("ns", "many", "u",
            java.util.Collections.nCopies(101, new io.edgeai.sync.resources.ModelMetric(null, null)), null), 400)).as("over the metrics a model keeps").isFalse();
    }

    @Test
    void theBytesWaitingAreBounded() {
        StatusInbox small = new StatusInbox(new io.edgeai.sync.mqtt.Topics("edgeai"), 1000, 200_000, 4, 0, refusals);
        for (int i = 0; i < 10; i++) {
            offer(small, topic("n" + i, "d"), new byte[30_000]);
        }
        assertThat(small.pending()).as("three of 30,000 bytes (60,128 each, read) fit in 200,000").isEqualTo(3);
        assertThat(small.dropped()).isEqualTo(7);
    }

    /** An inbox that writes one object at most every 100 ms, on the given clock. */
    private StatusInbox spaced(java.util.concurrent.atomic.AtomicLong now) {
        return new StatusInbox(new io.edgeai.sync.mqtt.Topics("edgeai"), 100, 1 << 20, 4, 100, refusals, now::get);
    }

    @Test
    void anObjectIsWrittenAtMostOncePerIntervalAndTheLatestReportWins() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        StatusInbox spaced = spaced(now);
        offer(spaced, topic("n", "d"), bytes("1"));
        StatusInbox.Report first = spaced.next().orElseThrow();
        now.addAndGet(5_000_000);
        spaced.done(first, false);
        now.addAndGet(5_000_000);
        assertThat(offer(spaced, topic("n", "d"), bytes("2"))).as("10 ms after the write began: held").isFalse();
        assertThat(offer(spaced, topic("n", "d"), bytes("3"))).isFalse();
        assertThat(offer(spaced, topic("n", "e"), bytes("e"))).as("another object is not held").isTrue();
        assertThat(spaced.next().orElseThrow().topic()).endsWith("/e");
        assertThat(spaced.next()).isEmpty();
        assertThat(spaced.pending()).as("held, not lost").isEqualTo(2);

        now.addAndGet(89_000_000);
        assertThat(spaced.releaseDue()).as("99 ms after").isFalse();
        now.addAndGet(1_000_000);
        assertThat(spaced.releaseDue()).as("100 ms after").isTrue();
        StatusInbox.Report latest = spaced.next().orElseThrow();
        assertThat(new String((byte[]) latest.payload(), StandardCharsets.UTF_8)).isEqualTo("3");

        assertThat(offer(spaced, topic("n", "d"), bytes("4"))).as("came while its write runs").isFalse();
        now.addAndGet(150_000_000);
        spaced.done(latest, false);
        assertThat(spaced.next()).as("the interval passed while writing: written at once")
            .hasValueSatisfying(report -> assertThat(report.payload()).isEqualTo(bytes("4")));
    }

    @Test
    void aReportThatCameDuringAQuickWriteIsHeldForTheRestOfTheInterval() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        StatusInbox spaced = spaced(now);
        offer(spaced, topic("n", "d"), bytes("1"));
        StatusInbox.Report writing = spaced.next().orElseThrow();
        offer(spaced, topic("n", "d"), bytes("2"));
        now.addAndGet(2_000_000);
        spaced.done(writing, false);
        assertThat(spaced.next()).isEmpty();
        now.addAndGet(98_000_000);
        assertThat(spaced.releaseDue()).isTrue();
        assertThat(spaced.next()).hasValueSatisfying(report -> assertThat(report.payload()).isEqualTo(bytes("2")));
    }

    /** Issue 8: judging a status again (the node's presence changed) never replaces a report that waits. */
    @Test
    void judgingAgainNeverReplacesAReport() {
        offer(inbox, topic("n", "d"), bytes("report"));
        assertThat(inbox.rejudge("n", topic("n", "d"))).isFalse();
        assertThat(inbox.rejudge("n", topic("n", "e"))).as("nothing waits for e").isTrue();
        assertThat(drainAll()).containsExactly("n/status/datasets/ns/d=report", "n/status/datasets/ns/e=REJUDGE");

        offer(inbox, topic("n", "d"), bytes("1"));
        StatusInbox.Report writing = inbox.next().orElseThrow();
        offer(inbox, topic("n", "d"), bytes("2"));
        inbox.rejudge("n", topic("n", "d"));
        inbox.done(writing, false);
        assertThat(drainAll()).as("the report that came during the write").containsExactly("n/status/datasets/ns/d=2");
    }

    /** Found by a hostile review: at the byte bound, the newer report behind a write replaced the older one only if there was room for both. */
    @Test
    void atTheByteBoundANewerReportStillReplacesTheOneWaitingBehindAWrite() {
        StatusInbox small = new StatusInbox(new io.edgeai.sync.mqtt.Topics("edgeai"), 100, 300, 4, 0, refusals); // v1 and x fit, not v2 too
        offer(small, topic("n", "d"), bytes("old"));
        StatusInbox.Report writing = small.next().orElseThrow();
        offer(small, topic("n", "d"), bytes("v1"));
        offer(small, topic("n", "x"), bytes("xxxxxxx"));
        offer(small, topic("n", "d"), bytes("v2"));
        small.done(writing, false);
        assertThat(drain(small)).containsExactlyInAnyOrder("n/status/datasets/ns/x=xxxxxxx", "n/status/datasets/ns/d=v2");
    }

    /** Found by a hostile review: growing replacements exceeded the byte bound, and then presence judgements were dropped. */
    @Test
    void replacementsStayWithinTheByteBoundAndJudgementsAreNeverDroppedForBytes() {
        StatusInbox small = new StatusInbox(new io.edgeai.sync.mqtt.Topics("edgeai"), 100, 1_000, 4, 0, refusals);
        for (int i = 0; i < 10; i++) {
            offer(small, topic("evil", "d" + i), bytes("x"));
        }
        for (int i = 0; i < 10; i++) {
            offer(small, topic("evil", "d" + i), new byte[60_000]);
        }
        assertThat(small.bytesWaiting()).isLessThanOrEqualTo(1_000);
        long dropped = small.dropped();
        offer(small, topic("other", "big"), new byte[2_000]);
        assertThat(small.dropped()).as("a new report over the bound is dropped").isEqualTo(dropped + 1);
        int pending = small.pending();
        small.rejudge("good", topic("good", "g"));
        assertThat(small.pending()).as("a judgement carries no bytes: it waits").isEqualTo(pending + 1);
        assertThat(small.dropped()).isEqualTo(dropped + 1);
    }

    /** Found by a hostile review: every refused offer left an empty queue behind for its node. */
    @Test
    void refusedReportsLeaveNothingBehind() {
        StatusInbox small = new StatusInbox(new io.edgeai.sync.mqtt.Topics("edgeai"), 100, 150, 4, 0, refusals);
        offer(small, topic("big", "b"), bytes("0123456789"));
        for (int i = 0; i < 10_000; i++) {
            offer(small, topic("n" + i, "d"), bytes("x"));
        }
        assertThat(small.nodesTracked()).isEqualTo(1);
    }
}
