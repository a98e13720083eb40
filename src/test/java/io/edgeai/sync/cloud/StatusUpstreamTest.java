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
    private final java.util.concurrent.atomic.AtomicLong millis = new java.util.concurrent.atomic.AtomicLong(NOW.toEpochMilli());
    private final Presence presence = new Presence(topics, millis::get, 60_000);
    private final StatusUpstream upstream = new StatusUpstream(topics, () -> true,
        (ns, name) -> name.equals("d") ? Optional.of(owned) : Optional.empty(), (ns, name) -> Optional.empty(), presence,
        Clock.fixed(NOW, ZoneOffset.UTC), 600_000, ModelTargets.withoutNodes());

    private static DatasetReport report(String uid, Long samples, boolean ready) {
        return (new DatasetReport("ns", "d", uid, 3, samples, "2026-11-28T11:59:00Z",
            new Readiness(ready, ready ? "Counted" : "PathNotFound", "m")));
    }

    /** Ready=True, reason Counted, for generation 3, since {@code since}. */
    private static Condition readyCounted(Instant since) {
        return new io.fabric8.kubernetes.api.model.ConditionBuilder().withType(StatusPatches.READY).withStatus("True").withReason("Counted")
            .withMessage("m").withObservedGeneration(3L).withLastTransitionTime(since.toString()).build();
    }

    /** Ready and Counted, both true since {@code since}, as the cloud writes them for a counted dataset. */
    private static List<Condition> counted(Instant since) {
        Condition ready = readyCounted(since);
        return List.of(ready, new io.fabric8.kubernetes.api.model.ConditionBuilder(ready).withType(StatusPatches.COUNTED).build());
    }

    private static Condition condition(StatusUpstream.StatusPatch patch, String type) {
        for (Object condition : (List<?>) ((Map<?, ?>) patch.body().get("status")).get("conditions")) {
            if (type.equals(((Condition) condition).getType())) {
                return (Condition) condition;
            }
        }
        return null;
    }

    private void flag(String node, String flag) {
        presence.heard(topics.online(node), bytes(flag));
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
    void aConditionChangesAtTheSecondAsKubernetesConditionsDo() {
        Instant within = NOW.plusMillis(734).plusNanos(12_345);
        StatusUpstream upstream = new StatusUpstream(topics, () -> true, (ns, name) -> Optional.of(owned), (ns, name) -> Optional.empty(),
            presence, Clock.fixed(within, ZoneOffset.UTC), 600_000, ModelTargets.withoutNodes());

        StatusUpstream.StatusPatch patch = upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true));

        // statuses written within one second share one string in the cache (LeanItemStore)
        assertThat(condition(patch, "Ready").getLastTransitionTime()).isEqualTo("2026-11-28T12:00:00Z");
        assertThat(condition(patch, "Counted").getLastTransitionTime()).isEqualTo("2026-11-28T12:00:00Z");
    }

    @Test
    void aHoleInTheCachedConditionsIsReadPast() {
        DatasetStatus current = new DatasetStatus();
        current.setNumberOfSamples(5L);
        current.setConditions(new java.util.ArrayList<>(java.util.Arrays.asList(null, readyCounted(NOW.minusSeconds(60)))));
        owned.setStatus(current);

        StatusUpstream.StatusPatch patch = upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true));

        assertThat(((Map<?, ?>) patch.body().get("status")).get("numberOfSamples")).isEqualTo(7L);
        assertThat(condition(patch, "Ready").getLastTransitionTime()).isEqualTo(NOW.minusSeconds(60).toString());
    }

    @Test
    void nothingIsWrittenWhenNothingChanged() {
        DatasetStatus current = new DatasetStatus();
        current.setNumberOfSamples(7L);
        current.setObservedGeneration(3L);
        current.setConditions(counted(NOW.minusSeconds(60)));
        owned.setStatus(current);

        assertThat(upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true))).isNull();
    }

    @Test
    void theTransitionTimeStaysWhileTheConditionHolds() {
        Instant then = NOW.minusSeconds(600);
        DatasetStatus current = new DatasetStatus();
        current.setNumberOfSamples(6L);
        current.setObservedGeneration(3L);
        current.setConditions(counted(then));
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
        assertThatThrownBy(() -> upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), bytes("{\"name\":")))
            .as("the status route reads it first").isInstanceOf(RejectedMessage.class).hasMessageContaining("not read as a DatasetReport");
        assertThatThrownBy(() -> upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"),
                new io.edgeai.sync.mqtt.Messages.ModelReport("ns", "d", "uid-1", List.of(), null)))
            .isInstanceOf(RejectedMessage.class).hasMessageContaining("not read as a DatasetReport");
        assertThatThrownBy(() -> upstream.patchFor(topics.datasetStatus("edge0", "other", "d"), report("uid-1", 9L, true)))
            .isInstanceOf(RejectedMessage.class);
    }

    @Test
    void nothingIsJudgedBeforeTheCacheHasListed() {
        StatusUpstream early = new StatusUpstream(topics, () -> false, (ns, name) -> Optional.empty(), (ns, name) -> Optional.empty(),
            presence, Clock.systemUTC(), 600_000, ModelTargets.withoutNodes());
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
        assertThat(upstream.patchFor(topic, read(valid))).isNotNull();

        for (String hostile : List.of(
            valid.replace("\"numberOfSamples\":7", "\"numberOfSamples\":-1"),
            valid.replace("\"numberOfSamples\":7", "\"numberOfSamples\":\"many\""),
            valid.replace("\"uid\":\"uid-1\",", ""),
            valid.replace("\"observedGeneration\":3", "\"observedGeneration\":4"),
            valid.replace("\"reason\":\"Counted\"", "\"reason\":\"not a reason!\""),
            valid.replace("\"message\":\"m\"", "\"message\":\"" + "x".repeat(40_000) + "\""),
            valid.replace("\"numberOfSamples\":7", "\"numberOfSamples\":null"),
            valid.replace("\"message\":\"m\"", "\"message\":\"" + "x".repeat(10 << 20) + "\""))) {
            assertThatThrownBy(() -> upstream.patchFor(topic, read(hostile))).as(hostile.substring(0, Math.min(200, hostile.length())))
                .isInstanceOf(RejectedMessage.class);
        }

        for (String time : List.of("2099-01-01T00:00:00Z", "not-a-date")) {
            StatusUpstream.StatusPatch patch = upstream.patchFor(topic, read(valid.replace("2026-11-28T11:59:00Z", time)));
            assertThat(((Map<?, ?>) patch.body().get("status")).get("updateTime")).as(time).isEqualTo(NOW.toString());
        }
    }

    /** A report as the status route reads it (a type that does not fit is a RejectedMessage from Json.read here, a refusal there). */
    private static DatasetReport read(String json) {
        return Json.read(bytes(json), DatasetReport.class, "test report");
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
        cached.setConditions(counted(NOW.minusSeconds(60)));
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

    /** Issue 8, item 2: an offline node's datasets keep their count and say so in Ready; the edge's word stays in Counted. */
    @Test
    void whileTheNodeIsOfflineReadyIsUnknownAndTheCountStays() {
        String topic = topics.datasetStatus("edge0", "ns", "d");
        flag("edge0", "online");
        owned.setStatus(new DatasetStatus());
        owned.getStatus().setNumberOfSamples(7L);
        owned.getStatus().setObservedGeneration(3L);
        owned.getStatus().setConditions(counted(NOW.minusSeconds(60)));
        assertThat(upstream.patchFor(topic, new byte[0])).as("online: Ready already agrees").isNull();
        assertThat(upstream.presenceStale(owned, "edge0")).isFalse();

        flag("edge0", "offline");
        assertThat(upstream.presenceStale(owned, "edge0")).isTrue();
        StatusUpstream.StatusPatch offline = upstream.patchFor(topic, new byte[0]);
        assertThat(condition(offline, "Ready").getStatus()).isEqualTo("Unknown");
        assertThat(condition(offline, "Ready").getReason()).isEqualTo("NodeOffline");
        assertThat(condition(offline, "Ready").getMessage()).contains("edge0");
        assertThat(condition(offline, "Counted").getStatus()).as("the edge's last word stays").isEqualTo("True");
        assertThat(((Map<?, ?>) offline.body().get("status")).containsKey("numberOfSamples")).as("the count stays").isFalse();
        assertThat(offline.readyChanged().before().getReason()).isEqualTo("Counted");
        assertThat(offline.readyChanged().after().getReason()).isEqualTo("NodeOffline");

        StatusUpstream.StatusPatch retained = upstream.patchFor(topic, report("uid-1", 8L, true));
        assertThat(condition(retained, "Ready").getReason()).as("a report read again while offline").isEqualTo("NodeOffline");
        assertThat(condition(retained, "Counted").getReason()).isEqualTo("Counted");

        owned.getStatus().setConditions(List.of(condition(offline, "Ready"), condition(offline, "Counted")));
        flag("edge0", "online");
        StatusUpstream.StatusPatch back = upstream.patchFor(topic, new byte[0]);
        assertThat(condition(back, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(back, "Ready").getReason()).isEqualTo("Counted");
        assertThat(back.readyChanged().after().getReason()).isEqualTo("Counted");
    }

    @Test
    void aNodeNeverHeardOfIsNotFoundOnlyAfterTheGracePeriod() {
        String topic = topics.datasetStatus("edge0", "ns", "d");
        owned.getMetadata().setCreationTimestamp(NOW.minusSeconds(3600).toString());
        assertThat(upstream.patchFor(topic, new byte[0])).as("within the grace period").isNull();

        millis.addAndGet(60_000);
        StatusUpstream.StatusPatch notFound = upstream.patchFor(topic, new byte[0]);
        assertThat(condition(notFound, "Ready").getReason()).isEqualTo("NodeNotFound");
        assertThat(condition(notFound, "Ready").getStatus()).isEqualTo("Unknown");
        assertThat(condition(notFound, "Counted")).as("never counted").isNull();

        owned.getMetadata().setCreationTimestamp(Instant.ofEpochMilli(millis.get()).minusSeconds(10).toString());
        assertThat(upstream.patchFor(topic, new byte[0])).as("a dataset made 10 s ago gets its own grace").isNull();

        owned.getMetadata().setCreationTimestamp(NOW.minusSeconds(3600).toString());
        owned.setStatus(new DatasetStatus());
        owned.getStatus().setConditions(List.of(condition(notFound, "Ready")));
        flag("edge0", "online");
        StatusUpstream.StatusPatch pending = upstream.patchFor(topic, new byte[0]);
        assertThat(condition(pending, "Ready").getReason()).as("back, not counted yet: no stale NodeNotFound").isEqualTo("Pending");
    }

    @Test
    void aStatusWrittenBeforeThereWasACountedConditionGainsOneOnTheNextReport() {
        DatasetStatus old = new DatasetStatus();
        old.setNumberOfSamples(7L);
        old.setObservedGeneration(3L);
        old.setConditions(List.of(readyCounted(NOW.minusSeconds(60))));
        owned.setStatus(old);
        StatusUpstream.StatusPatch patch = upstream.patchFor(topics.datasetStatus("edge0", "ns", "d"), report("uid-1", 7L, true));
        assertThat(condition(patch, "Counted").getLastTransitionTime()).isEqualTo(NOW.minusSeconds(60).toString());
        assertThat(patch.readyChanged()).as("Ready did not change").isNull();
    }

    @Test
    void judgingAgainADatasetGoneOrMovedWritesAndRefusesNothing() {
        assertThat(upstream.patchFor(topics.datasetStatus("edge0", "ns", "gone"), new byte[0])).isNull();
        flag("edge1", "offline");
        assertThat(upstream.patchFor(topics.datasetStatus("edge1", "ns", "d"), new byte[0])).isNull();
    }
}
