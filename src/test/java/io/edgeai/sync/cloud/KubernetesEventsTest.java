package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.resources.Dataset;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue 8, item 3: Events aggregated into series, within a rate, bounded in memory. */
class KubernetesEventsTest {
    private final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-30T12:00:00Z").toEpochMilli());
    private final AtomicLong nanos = new AtomicLong();

    private KubernetesEvents events(double perSecond) {
        return new KubernetesEvents(() -> Instant.ofEpochMilli(millis.get()), nanos::get, 10_000, "cloud-0", perSecond);
    }

    private static Dataset dataset(String name) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).withUid("uid-" + name).build());
        return dataset;
    }

    private void later(long ms) {
        millis.addAndGet(ms);
        nanos.addAndGet(ms * 1_000_000);
    }

    @Test
    void aHundredIdenticalEventsAreOneEventWithASeries() {
        KubernetesEvents events = events(10);
        Dataset spoofed = dataset("d");
        events.record(spoofed, KubernetesEvents.WARNING, "StatusRefused", "from node edge1: it belongs to edge0");
        List<KubernetesEvents.Call> first = events.due();
        assertThat(first).hasSize(1);
        Event created = first.get(0).event().build();
        assertThat(first.get(0).operation()).isEqualTo("createEvent");
        assertThat(created.getRegarding().getUid()).isEqualTo("uid-d");
        assertThat(created.getRegarding().getKind()).isEqualTo("Dataset");
        assertThat(created.getType()).isEqualTo("Warning");
        assertThat(created.getReportingController()).isEqualTo(KubernetesEvents.CONTROLLER);
        assertThat(created.getReportingInstance()).isEqualTo("cloud-0");
        assertThat(created.getAction()).isNotBlank();
        assertThat(created.getEventTime().getTime()).isEqualTo("2026-11-30T12:00:00.000000Z");
        assertThat(created.getSeries()).isNull();
        for (int i = 1; i < 100; i++) {
            later(10);
            events.record(spoofed, KubernetesEvents.WARNING, "StatusRefused", "from node edge1: it belongs to edge0");
        }

        assertThat(events.due()).as("the series waits for its interval").isEmpty();
        later(10_000 - 990);
        List<KubernetesEvents.Call> update = events.due();
        assertThat(update).hasSize(1);
        assertThat(update.get(0).operation()).isEqualTo("updateEvent");
        assertThat(update.get(0).name()).isEqualTo(first.get(0).name());
        assertThat(update.get(0).event().build().getSeries().getCount()).isEqualTo(100);
        assertThat(update.get(0).event().build().getEventTime()).as("eventTime stays the first").isEqualTo(created.getEventTime());
        later(10_000);
        assertThat(events.due()).as("nothing repeated since").isEmpty();
    }

    @Test
    void repeatsBeforeTheEventIsMadeAreCountedInIt() {
        KubernetesEvents events = events(10);
        for (int i = 0; i < 3; i++) {
            events.record(dataset("d"), KubernetesEvents.WARNING, "StatusRefused", "x");
        }
        List<KubernetesEvents.Call> calls = events.due();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).event().build().getSeries().getCount()).isEqualTo(3);
    }

    @Test
    void differentReasonsNotesOrObjectsAreDifferentEvents() {
        KubernetesEvents events = events(100);
        events.record(dataset("a"), KubernetesEvents.WARNING, "PathNotFound", "x");
        events.record(dataset("a"), KubernetesEvents.WARNING, "PathNotFound", "y");
        events.record(dataset("a"), KubernetesEvents.NORMAL, "Counted", "x");
        events.record(dataset("b"), KubernetesEvents.WARNING, "PathNotFound", "x");
        assertThat(events.due()).hasSize(4).extracting(KubernetesEvents.Call::name).doesNotHaveDuplicates();
    }

    @Test
    void aRepeatAfterTheSeriesWindowIsANewEvent() {
        KubernetesEvents events = events(10);
        events.record(dataset("a"), KubernetesEvents.WARNING, "NodeOffline", "x");
        String first = events.due().get(0).name();
        later(11 * 60_000);
        events.record(dataset("a"), KubernetesEvents.WARNING, "NodeOffline", "x");
        List<KubernetesEvents.Call> again = events.due();
        assertThat(again).extracting(KubernetesEvents.Call::operation).containsExactly("createEvent");
        assertThat(again.get(0).name()).isNotEqualTo(first);
    }

    @Test
    void callsStayWithinTheRateAndTheRestWaits() {
        KubernetesEvents events = events(1); // a burst of 10, then one a second
        for (int i = 0; i < 15; i++) {
            events.record(dataset("d" + i), KubernetesEvents.WARNING, "NodeOffline", "x");
        }
        assertThat(events.due()).hasSize(10);
        assertThat(events.backlog()).isEqualTo(5);
        later(1_000);
        assertThat(events.due()).hasSize(1);
    }

    @Test
    void theBacklogIsBoundedAndTheOldestGoFirst() {
        KubernetesEvents events = events(1);
        for (int i = 0; i < 1_500; i++) {
            events.record(dataset("d" + i), KubernetesEvents.WARNING, "NodeOffline", "x");
        }
        assertThat(events.backlog()).isEqualTo(1_000);
        assertThat(events.due().get(0).event().build().getRegarding().getName()).isEqualTo("d500");
    }

    @Test
    void namesAndNotesFitWhatTheApiServerAccepts() {
        KubernetesEvents events = events(10);
        String longest = "a".repeat(250) + "-b";
        events.record(dataset(longest), KubernetesEvents.WARNING, "Unreadable", "é".repeat(2_000));
        KubernetesEvents.Call call = events.due().get(0);
        assertThat(call.name().length()).isLessThanOrEqualTo(253);
        assertThat(call.name()).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?").doesNotContain("-.");
        String note = call.event().build().getNote();
        assertThat(note.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
        assertThat(note).endsWith("...").doesNotContain("\uFFFD");
    }

    @Test
    void anEventTheApiServerDidNotTakeIsMadeAgainOnItsNextRepeat() {
        KubernetesEvents events = events(10);
        events.record(dataset("a"), KubernetesEvents.WARNING, "PathNotFound", "x");
        KubernetesEvents.Call lost = events.due().get(0);
        events.failed(lost, "connection refused");
        events.record(dataset("a"), KubernetesEvents.WARNING, "PathNotFound", "x");
        assertThat(events.due()).extracting(KubernetesEvents.Call::operation).containsExactly("createEvent");
    }

    /** Found by a hostile review: objects flapping their Ready with a new reason each time crowded out every other object's Events. */
    @Test
    void objectsThatFlapCannotCrowdOutAnotherObjectsEvent() {
        KubernetesEvents events = events(10);
        List<String> created = new java.util.ArrayList<>();
        for (int tick = 0; tick < 600; tick++) { // 60 s: 20 objects, each a new reason every 100 ms
            if (tick == 20) {
                events.record(dataset("victim"), KubernetesEvents.WARNING, "NodeOffline", "node edge0 is offline");
            }
            for (int d = 0; d < 20; d++) {
                events.record(dataset("evil" + d), KubernetesEvents.WARNING, "Broken" + tick, "m");
            }
            if (tick % 2 == 0) {
                events.due().forEach(call -> created.add(call.event().build().getRegarding().getName()));
            }
            later(100);
        }
        assertThat(created).contains("victim");
        assertThat(created.stream().filter("evil0"::equals).count()).as("one object's new Events: a burst, then one a minute")
            .isLessThanOrEqualTo(11);
    }

    /** Found by a hostile review: a condition reason may be long; an Event's reason may have 128 characters at most. */
    @Test
    void longReasonsAreCutToWhatTheApiServerTakes() {
        KubernetesEvents events = events(10);
        events.record(dataset("a"), KubernetesEvents.WARNING, "Unreadable" + "x".repeat(190), "m");
        assertThat(events.due().get(0).event().build().getReason()).hasSize(128);
    }
}
