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
        (ns, name) -> name.equals("d") ? Optional.of(owned) : Optional.empty(), (ns, name) -> Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC));

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
            Clock.systemUTC());
        assertThatThrownBy(() -> early.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true)))
            .isInstanceOf(IllegalStateException.class).isNotInstanceOf(RejectedMessage.class);
    }

    @Test
    void aClearedStatusTopicWritesNothing() {
        assertThat(upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), new byte[0])).isNull();
    }
}
