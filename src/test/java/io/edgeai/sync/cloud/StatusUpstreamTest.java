package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.Readiness;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusUpstreamTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final Topics topics = new Topics("edgeai");
    private final Dataset owned = DatasetDownstreamTest.dataset("d", "edge0", 3, "uid-1");
    private final StatusUpstream upstream = new StatusUpstream(topics, () -> true,
        (ns, name) -> name.equals("d") ? Optional.of(owned) : Optional.empty(), (ns, name) -> Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC), 600_000);

    private static byte[] report(String uid, Long samples, boolean ready) {
        return Json.bytes(new DatasetReport("ns", "d", uid, 3, samples, "2026-11-28T11:59:00Z",
            new Readiness(ready, ready ? "Counted" : "PathNotFound", "m")));
    }

    @Test
    void theOwnersReportBecomesAMergePatch() {
        StatusUpstream.StatusPatch patch = upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true));

        Map<?, ?> status = (Map<?, ?>) patch.body().get("status");
        assertThat(status.get("numberOfSamples")).isEqualTo(7L);
        assertThat(status.get("observedGeneration")).isEqualTo(3L);
        assertThat(status.get("updateTime")).isEqualTo("2026-11-28T11:59:00Z");
        Condition ready = (Condition) ((List<?>) status.get("conditions")).get(0);
        assertThat(ready.getType()).isEqualTo("Ready");
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(ready.getLastTransitionTime()).isEqualTo(NOW.toString());
    }

    @Test
    void nothingIsWrittenWhenNothingChanged() {
        DatasetStatus current = new DatasetStatus();
        current.setNumberOfSamples(7L);
        current.setObservedGeneration(3L);
        current.setConditions(List.of(StatusPatches.readyCondition(new Readiness(true, "Counted", "m"), 3, null, NOW.minusSeconds(60))));
        owned.setStatus(current);

        assertThat(upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true))).isNull();
    }

    @Test
    void theTransitionTimeStaysWhileTheConditionHolds() {
        Instant then = NOW.minusSeconds(600);
        DatasetStatus current = new DatasetStatus();
        current.setNumberOfSamples(6L);
        current.setObservedGeneration(3L);
        current.setConditions(List.of(StatusPatches.readyCondition(new Readiness(true, "Counted", "m"), 3, null, then)));
        owned.setStatus(current);

        Map<?, ?> status = (Map<?, ?>) upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true)).body().get("status");
        assertThat(((Condition) ((List<?>) status.get("conditions")).get(0)).getLastTransitionTime()).isEqualTo(then.toString());

        Map<?, ?> failed = (Map<?, ?>) upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", null, false)).body().get("status");
        assertThat(((Condition) ((List<?>) failed.get("conditions")).get(0)).getLastTransitionTime()).isEqualTo(NOW.toString());
        assertThat(failed.containsKey("numberOfSamples")).as("null in a merge patch removes the count").isTrue();
        assertThat(failed.get("numberOfSamples")).isNull();
    }

    @Test
    void reportsFromAnotherNodeForAnotherIncarnationOrForNothingAreRefused() {
        assertThatThrownBy(() -> upstream.patchFor(topics.datasetStatus("edge1", "ns", "d"), report("uid-1", 9L, true)))
            .isInstanceOf(RejectedMessage.class).hasMessageContaining("belongs to node edge0");
        assertThatThrownBy(() -> upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-0", 9L, true)))
            .isInstanceOf(RejectedMessage.class).hasMessageContaining("stale");
        assertThatThrownBy(() -> upstream.patchFor(topics.datasetStatus("edge0", "ns", "unknown"), report("uid-1", 9L, true)))
            .isInstanceOf(RejectedMessage.class).hasMessageContaining("unknown dataset");
        assertThatThrownBy(() -> upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), "{\"name\":".getBytes(StandardCharsets.UTF_8)))
            .isInstanceOf(RejectedMessage.class).hasMessageContaining("malformed");
        assertThatThrownBy(() -> upstream.patchFor(topics.datasetStatus("edge0", "other", "d"), report("uid-1", 9L, true)))
            .isInstanceOf(RejectedMessage.class);
    }

    @Test
    void nothingIsJudgedBeforeTheCacheHasListed() {
        StatusUpstream early = new StatusUpstream(topics, () -> false, (ns, name) -> Optional.empty(), (ns, name) -> Optional.empty(),
            Clock.systemUTC(), 600_000);
        assertThatThrownBy(() -> early.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true)))
            .isInstanceOf(IllegalStateException.class).isNotInstanceOf(RejectedMessage.class);
    }

    @Test
    void aClearedStatusTopicWritesNothing() {
        assertThat(upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), new byte[0])).isNull();
    }

    /** Issue 6, item 11: values the API server would store as they are, checked first. */
    @Test
    void hostileValuesAreRefusedOrReplacedNeverWritten() {
        String topic = topics.datasetStatus("edge0", "ns", "d");
        String valid = "{\"namespace\":\"ns\",\"name\":\"d\",\"uid\":\"uid-1\",\"observedGeneration\":3,\"numberOfSamples\":7,"
            + "\"updateTime\":\"2026-11-28T11:59:00Z\",\"readiness\":{\"ready\":true,\"reason\":\"Counted\",\"message\":\"m\"}}";
        assertThat(upstream.patchFor(topic, bytes(valid))).isNotNull();

        for (String hostile : List.of(
            valid.replace("\"numberOfSamples\":7", "\"numberOfSamples\":-1"),
            valid.replace("\"numberOfSamples\":7", "\"numberOfSamples\":\"many\""),
            valid.replace("\"uid\":\"uid-1\",", ""),
            valid.replace("\"observedGeneration\":3", "\"observedGeneration\":4"),
            valid.replace("\"reason\":\"Counted\"", "\"reason\":\"not a reason!\""),
            valid.replace("\"message\":\"m\"", "\"message\":\"" + "x".repeat(40_000) + "\""),
            valid.replace("\"numberOfSamples\":7", "\"numberOfSamples\":null"),
            valid.replace("\"message\":\"m\"", "\"message\":\"" + "x".repeat(10 << 20) + "\""))) {
            assertThatThrownBy(() -> upstream.patchFor(topic, bytes(hostile))).as(hostile.substring(0, Math.min(200, hostile.length())))
                .isInstanceOf(RejectedMessage.class);
        }

        for (String time : List.of("2099-01-01T00:00:00Z", "not-a-date")) {
            StatusUpstream.StatusPatch patch = upstream.patchFor(topic, bytes(valid.replace("2026-11-28T11:59:00Z", time)));
            assertThat(((Map<?, ?>) patch.body().get("status")).get("updateTime")).as(time).isEqualTo(NOW.toString());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyTransientAnswersOfTheApiServerAreRetried() {
        assertThat(StatusWriter.refusedForGood(422)).isTrue();
        assertThat(StatusWriter.refusedForGood(400)).isTrue();
        assertThat(StatusWriter.refusedForGood(403)).isTrue();
        assertThat(StatusWriter.refusedForGood(429)).isFalse();
        assertThat(StatusWriter.refusedForGood(409)).isFalse();
        assertThat(StatusWriter.refusedForGood(500)).isFalse();
        assertThat(StatusWriter.refusedForGood(503)).isFalse();
    }

    /** A count going 10, 11, 10 while the cache still shows 10: the second 10 is written, not judged unchanged. */
    @Test
    void reportsAreJudgedAgainstWhatWasWrittenWhileTheCacheLagsBehind() {
        DatasetStatus cached = new DatasetStatus();
        cached.setNumberOfSamples(10L);
        cached.setObservedGeneration(3L);
        cached.setConditions(List.of(StatusPatches.readyCondition(new Readiness(true, "Counted", "m"), 3, null, NOW.minusSeconds(60))));
        owned.setStatus(cached);
        owned.getMetadata().setResourceVersion("1");
        String topic = topics.datasetStatus("edge0", "ns", "d");
        assertThat(upstream.patchFor(topic, report("uid-1", 10L, true))).isNull();

        StatusUpstream.StatusPatch eleven = upstream.patchFor(topic, report("uid-1", 11L, true));
        upstream.wrote(eleven, "2");
        assertThat(upstream.patchFor(topic, report("uid-1", 11L, true))).as("11 is written already").isNull();
        StatusUpstream.StatusPatch backToTen = upstream.patchFor(topic, report("uid-1", 10L, true));
        assertThat(backToTen).as("the cache still says 10, the resource says 11").isNotNull();
        upstream.wrote(backToTen, "3");

        owned.getMetadata().setResourceVersion("3"); // the cache caught up
        assertThat(upstream.patchFor(topic, report("uid-1", 10L, true))).isNull();
    }
}
