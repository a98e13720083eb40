package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.local.LocalKubernetesApi;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.ModelCopyReport;
import io.edgeai.sync.mqtt.Refusals;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ModelCopies;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import io.edgeai.sync.resources.ModelStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 13: each node's report of its copy of a model becomes its entry in the model's status, the counts and the Ready condition. */
class ModelCopiesTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String DIGEST = "ab".repeat(32);

    private static ModelCopyReport report(String phase, String sha256) {
        return new ModelCopyReport("default", "m", "uid-m", 1, phase, phase.equals(ModelCopy.MISSING) ? null : 10L, null, sha256, null,
            "2026-11-30T11:59:00Z");
    }

    private static ModelSpec spec(String sha256) {
        ModelSpec spec = new ModelSpec("/data/m.onnx", "onnx");
        spec.setSha256(sha256);
        return spec;
    }

    /** The status after the patch, as the API server would merge it. */
    private static ModelStatus after(ModelStatus before, Optional<Map<String, Object>> patch) {
        var merged = Json.MAPPER.<com.fasterxml.jackson.databind.node.ObjectNode>valueToTree(before == null ? new ModelStatus() : before);
        merged.setAll(Json.MAPPER.<com.fasterxml.jackson.databind.node.ObjectNode>valueToTree(patch.orElseThrow().get("status")));
        return Json.MAPPER.convertValue(merged, ModelStatus.class);
    }

    private static Condition ready(ModelStatus status) {
        return StatusPatches.find(status.getConditions(), StatusPatches.READY);
    }

    @Test
    void eachNodeHasItsEntryAndReadyWaitsForEveryCopy() {
        ModelStatus one = after(null, ModelStatusPatches.modelCopy(null, spec(DIGEST), TargetNodes.named(spec(DIGEST)), "edge1", report(ModelCopy.PRESENT, DIGEST), NOW));
        assertThat(one.getAvailable()).isEqualTo("1/1");
        assertThat(ready(one).getStatus()).isEqualTo("True");
        assertThat(ready(one).getReason()).isEqualTo("Available");

        ModelStatus two = after(one, ModelStatusPatches.modelCopy(one, spec(DIGEST), TargetNodes.named(spec(DIGEST)), "edge0", report(ModelCopy.MISSING, null), NOW));
        assertThat(two.getNodes()).extracting(ModelCopy::node).containsExactly("edge0", "edge1");
        assertThat(two.getCopies()).isEqualTo(new ModelCopies(1, 0, 2));
        assertThat(two.getAvailable()).isEqualTo("1/2");
        assertThat(ready(two).getStatus()).isEqualTo("False");
        assertThat(ready(two).getReason()).isEqualTo("Partial");
        assertThat(ready(two).getMessage()).contains("1 of 2", "Missing on edge0");

        assertThat(ModelStatusPatches.modelCopy(two, spec(DIGEST), TargetNodes.named(spec(DIGEST)), "edge0", report(ModelCopy.MISSING, null), NOW.plusSeconds(5)))
            .as("the same report again writes nothing").isEmpty();

        ModelStatus fixed = after(two, ModelStatusPatches.modelCopy(two, spec(DIGEST), TargetNodes.named(spec(DIGEST)), "edge0", report(ModelCopy.PRESENT, DIGEST), NOW));
        assertThat(fixed.getAvailable()).isEqualTo("2/2");
        assertThat(ready(fixed).getStatus()).isEqualTo("True");
    }

    @Test
    void aDigestIsJudgedAgainstTheSpecAsItIsNow() {
        ModelStatus status = after(null, ModelStatusPatches.modelCopy(null, spec(DIGEST), TargetNodes.named(spec(DIGEST)), "edge0", report(ModelCopy.PRESENT, DIGEST), NOW));
        // spec.sha256 changed; edge1's report was judged against it, edge0's listed copy is judged again
        ModelStatus changed = after(status, ModelStatusPatches.modelCopy(status, spec("cd".repeat(32)), TargetNodes.named(spec("cd".repeat(32))), "edge1",
            report(ModelCopy.PRESENT, DIGEST), NOW));
        assertThat(changed.getNodes()).extracting(ModelCopy::phase).containsOnly(ModelCopy.CHECKSUM_MISMATCH);
        assertThat(changed.getCopies()).isEqualTo(new ModelCopies(0, 2, 2));
        assertThat(ready(changed).getReason()).isEqualTo(ModelCopy.CHECKSUM_MISMATCH);
        assertThat(ready(changed).getMessage()).contains("ChecksumMismatch on edge0, edge1");

        ModelStatus unchecked = after(changed, ModelStatusPatches.modelCopy(changed, spec(null), TargetNodes.named(spec(null)), "edge1", report(ModelCopy.PRESENT, DIGEST), NOW));
        assertThat(unchecked.getAvailable()).as("without spec.sha256 any copy counts").isEqualTo("2/2");
    }

    /** Issue 13: with spec.nodeNames, Ready waits for each of those nodes, and only those are listed. */
    @Test
    void withNodeNamesEveryTargetCountsAndNoOtherIsListed() {
        ModelSpec two = spec(DIGEST);
        two.setNodeNames(List.of("edge0", "edge1"));
        ModelStatus one = after(null, ModelStatusPatches.modelCopy(null, two, TargetNodes.named(two), "edge0", report(ModelCopy.PRESENT, DIGEST), NOW));
        assertThat(one.getAvailable()).isEqualTo("1/2");
        assertThat(ready(one).getReason()).isEqualTo("Partial");
        assertThat(ready(one).getMessage()).contains("not reported by edge1");

        assertThat(ModelStatusPatches.modelCopy(one, two, TargetNodes.named(two), "edge9", report(ModelCopy.PRESENT, DIGEST), NOW))
            .as("a node the model is not meant for is not listed").isEmpty();

        ModelStatus both = after(one, ModelStatusPatches.modelCopy(one, two, TargetNodes.named(two), "edge1", report(ModelCopy.PRESENT, DIGEST), NOW));
        assertThat(both.getAvailable()).isEqualTo("2/2");
        assertThat(ready(both).getStatus()).isEqualTo("True");

        ModelSpec moved = spec(DIGEST);
        moved.setNodeNames(List.of("edge1", "edge2"));
        ModelStatus after = after(both, ModelStatusPatches.modelCopy(both, moved, TargetNodes.named(moved), "edge1", report(ModelCopy.PRESENT, DIGEST), NOW));
        assertThat(after.getNodes()).extracting(ModelCopy::node).containsExactly("edge1");
        assertThat(after.getAvailable()).isEqualTo("1/2");
        assertThat(ready(after).getMessage()).contains("not reported by edge2");
    }

    /** A node dropped from spec.nodeNames: the metrics it forwarded go when it clears them, or with the next write. */
    @Test
    void metricsOfANodeDroppedFromNodeNamesAreTakenOff() {
        Model model = new Model();
        model.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("m").withUid("uid-m").withResourceVersion("4").build());
        ModelSpec spec = spec(null);
        spec.setNodeNames(List.of("edge1"));
        model.setSpec(spec);
        ModelStatus status = new ModelStatus();
        status.setMetrics(List.of(new io.edgeai.sync.resources.ModelMetric("f1", "0.9")));
        status.setMetricsNode("edge0");
        model.setStatus(status);
        Topics topics = new Topics("edgeai");
        StatusUpstream upstream = new StatusUpstream(topics, () -> true, (ns, name) -> Optional.empty(), (ns, name) -> Optional.of(model),
            new Presence(topics, System::currentTimeMillis, 60_000), Clock.fixed(NOW, java.time.ZoneOffset.UTC), 600_000, ModelTargets.withoutNodes());

        assertThatThrownBy(() -> upstream.patchFor(topics.modelStatus("edge0", "default", "m"), new io.edgeai.sync.mqtt.Messages
            .ModelReport("default", "m", "uid-m", List.of(new io.edgeai.sync.resources.ModelMetric("f1", "0.1")), NOW.toString())))
            .hasMessageContaining("spec.nodeNames");
        StatusUpstream.StatusPatch cleared = upstream.patchFor(topics.modelStatus("edge0", "default", "m"), new byte[0]);
        @SuppressWarnings("unchecked")
        Map<String, Object> clearedStatus = (Map<String, Object>) cleared.body().get("status");
        assertThat(clearedStatus).containsEntry("metricsNode", null).containsEntry("metrics", null);

        StatusUpstream.StatusPatch copy = upstream.patchFor(topics.modelCopy("edge1", "default", "m"), report(ModelCopy.PRESENT, DIGEST));
        @SuppressWarnings("unchecked")
        Map<String, Object> copyStatus = (Map<String, Object>) copy.body().get("status");
        assertThat(copyStatus).as("the next write takes them off too").containsEntry("metricsNode", null);
    }

    @Test
    void aNodeNamedTwiceIsWaitedForOnce() {
        ModelSpec spec = spec(DIGEST);
        spec.setNodeNames(List.of("edge0", "edge1", "edge1"));
        assertThat(after(null, ModelStatusPatches.modelCopy(null, spec, TargetNodes.named(spec), "edge0", report(ModelCopy.PRESENT, DIGEST), NOW)).getAvailable())
            .isEqualTo("1/2");
    }

    @Test
    void hostileReportsAreRefused() {
        assertThatThrownBy(() -> ReportChecks.modelCopy(report("Gone", null), NOW, 1000)).isInstanceOf(RejectedMessage.class).hasMessageContaining("phase");
        assertThatThrownBy(() -> ReportChecks.modelCopy(report(ModelCopy.PRESENT, "not-hex"), NOW, 1000)).isInstanceOf(RejectedMessage.class);
        assertThatThrownBy(() -> ReportChecks.modelCopy(new ModelCopyReport("default", "m", "uid-m", 1, ModelCopy.PRESENT, -1L, null, DIGEST,
            null, null), NOW, 1000)).isInstanceOf(RejectedMessage.class);
        assertThat(ReportChecks.modelCopy(new ModelCopyReport("default", "m", "uid-m", 1, ModelCopy.PRESENT, 1L, null, DIGEST.toUpperCase(),
            null, "2099-01-01T00:00:00Z"), NOW, 1000)).satisfies(checked -> {
                assertThat(checked.sha256()).isEqualTo(DIGEST);
                assertThat(checked.updateTime()).as("a time from the future is the cloud's now").isEqualTo(NOW.toString());
            });
    }

    @Test
    void theListIsBounded() {
        ModelStatus full = new ModelStatus();
        List<ModelCopy> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < ModelStatusPatches.MAX_COPIES_LISTED; i++) {
            nodes.add(new ModelCopy(String.format("edge%04d", i), ModelCopy.PRESENT, 1L, null, DIGEST, null, NOW.toString()));
        }
        full.setNodes(nodes);
        assertThatThrownBy(() -> ModelStatusPatches.modelCopy(full, spec(null), TargetNodes.named(spec(null)), "one-more", report(ModelCopy.PRESENT, DIGEST), NOW))
            .isInstanceOf(RejectedMessage.class).hasMessageContaining("one-more");
        assertThat(ModelStatusPatches.modelCopy(full, spec(null), TargetNodes.named(spec(null)), "edge0001", report(ModelCopy.MISSING, null), NOW)).isPresent();
    }

    /**
     * While the cache lags behind the cloud's own writes, reports are judged against what was written:
     * the whole status after the write, not the patch alone (after a metrics patch, the copies listed
     * before it would look gone).
     */
    @Test
    void aReportIsJudgedAgainstTheWholeStatusLastWritten() {
        Model cached = new Model();
        cached.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("m").withUid("uid-m").withResourceVersion("4").build());
        cached.setSpec(spec(null));
        cached.setStatus(after(null, ModelStatusPatches.modelCopy(null, spec(null), TargetNodes.named(spec(null)), "edge0", report(ModelCopy.PRESENT, DIGEST), NOW)));
        Topics topics = new Topics("edgeai");
        StatusUpstream upstream = new StatusUpstream(topics, () -> true, (ns, name) -> Optional.empty(), (ns, name) -> Optional.of(cached),
            new Presence(topics, System::currentTimeMillis, 60_000), Clock.fixed(NOW, java.time.ZoneOffset.UTC), 600_000, ModelTargets.withoutNodes());
        StatusUpstream.StatusPatch metrics = upstream.patchFor(topics.modelStatus("edge0", "default", "m"), new io.edgeai.sync.mqtt.Messages.ModelReport("default", "m", "uid-m", List.of(new io.edgeai.sync.resources.ModelMetric("f1", "0.9")),
                NOW.toString()));
        upstream.wrote(metrics, "5");
        StatusUpstream.StatusPatch copy = upstream.patchFor(topics.modelCopy("edge1", "default", "m"), report(ModelCopy.PRESENT, DIGEST));
        @SuppressWarnings("unchecked")
        List<ModelCopy> listed = (List<ModelCopy>) ((Map<String, Object>) copy.body().get("status")).get("nodes");
        assertThat(listed).extracting(ModelCopy::node).containsExactly("edge0", "edge1");
    }

    /** A recount on a node's copy topic keeps that node's copy; a cleared report on it takes the copy off. */
    @Test
    void aRecountIsToldApartFromAClearedReport() {
        Model cached = new Model();
        cached.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("m").withUid("uid-m").withResourceVersion("4").build());
        cached.setSpec(spec(null));
        cached.getSpec().setNodeNames(List.of("edge0", "edge1"));
        cached.setStatus(after(null, ModelStatusPatches.modelCopy(null, cached.getSpec(), TargetNodes.named(cached.getSpec()), "edge0",
            report(ModelCopy.PRESENT, DIGEST), NOW)));
        Topics topics = new Topics("edgeai");
        StatusUpstream upstream = new StatusUpstream(topics, () -> true, (ns, name) -> Optional.empty(), (ns, name) -> Optional.of(cached),
            new Presence(topics, System::currentTimeMillis, 60_000), Clock.fixed(NOW, java.time.ZoneOffset.UTC), 600_000, ModelTargets.withoutNodes());
        assertThat(cached.getStatus().getAvailable()).isEqualTo("1/2");

        assertThat(listedBy(upstream.patchFor(topics.modelCopy("edge0", "default", "m"), StatusInbox.Again.RECOUNT))).as("kept").containsExactly("edge0");
        assertThat(listedBy(upstream.patchFor(topics.modelCopy("edge0", "default", "m"), new byte[0]))).as("taken off").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<String> listedBy(StatusUpstream.StatusPatch patch) {
        return ((List<ModelCopy>) ((Map<String, Object>) patch.body().get("status")).get("nodes")).stream().map(ModelCopy::node).toList();
    }

    /**
     * Every node's copy lands in one list: many nodes reporting at once through several writers must
     * all be listed (judged and written one model at a time; without that, writers judging against
     * the same status each wrote a list without the others' entries).
     */
    @Test
    void reportsFromManyNodesAtOnceAreAllListed() throws Exception {
        int nodes = 40;
        int writers = 4;
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            Model model = new Model();
            model.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("m").build());
            model.setSpec(spec(null));
            String uid = api.client().resource(model).create().getMetadata().getUid();
            Topics topics = new Topics("edgeai");
            Refusals refusals = new Refusals(20);
            StatusUpstream upstream = new StatusUpstream(topics, () -> true, (ns, name) -> Optional.empty(),
                (ns, name) -> Optional.ofNullable(api.client().resources(Model.class).inNamespace(ns).withName(name).get()),
                new Presence(topics, System::currentTimeMillis, 60_000), Clock.systemUTC(), 600_000, ModelTargets.withoutNodes());
            StatusInbox inbox = new StatusInbox(topics, 100, 1L << 20, writers, 0, refusals);
            StatusWrites writes = new StatusWrites(inbox, () -> true, upstream, new StatusWriter(api.client(), new RateLimiter(0, 1)), refusals,
                new KubernetesEvents(Instant::now, System::nanoTime, 10_000, "test", 10));
            for (int i = 0; i < nodes; i++) {
                ModelCopyReport report = new ModelCopyReport("default", "m", uid, 1, ModelCopy.PRESENT, 10L, null, DIGEST, null, NOW.toString());
                inbox.offer(topics.modelCopy("edge" + i, "default", "m"), report, Json.bytes(report).length);
            }
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    writes.drain();
                    return null;
                }));
            }
            for (Future<?> writer : done) {
                writer.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(writes.reports("refused") + writes.reports("failed")).isZero();
            ModelStatus status = api.client().resources(Model.class).inNamespace("default").withName("m").get().getStatus();
            assertThat(status.getNodes()).as("every node's copy").hasSize(nodes);
            assertThat(status.getAvailable()).isEqualTo(nodes + "/" + nodes);
        }
    }

    /**
     * Found by a hostile review: a node that never reported and left the model's nodes stayed counted
     * for good, and counting again by clearing a node's report took off a copy the cache had not seen
     * written yet. A recount takes off only what is no longer meant and counts what is.
     */
    @Test
    void aRecountCountsTheNodesMeantNowAndTakesOffOnlyTheOnesNoLongerMeant() {
        ModelSpec spec = spec(DIGEST);
        spec.setNodeSelector(java.util.Map.of("tier", "gpu"));
        ModelStatus oneOfTwo = after(null, ModelStatusPatches.modelCopy(null, spec, new TargetNodes(java.util.Set.of("edge1", "edge2")), "edge1",
            report(ModelCopy.PRESENT, DIGEST), NOW));
        assertThat(oneOfTwo.getAvailable()).isEqualTo("1/2");

        ModelStatus recounted = after(oneOfTwo, ModelStatusPatches.copiesRecounted(oneOfTwo, spec, new TargetNodes(java.util.Set.of("edge1")), 1, NOW));
        assertThat(recounted.getAvailable()).as("edge2 never reported and left").isEqualTo("1/1");
        assertThat(StatusPatches.find(recounted.getConditions(), "Ready").getStatus()).isEqualTo("True");

        ModelStatus kept = after(recounted, ModelStatusPatches.copiesRecounted(recounted, spec, new TargetNodes(java.util.Set.of("edge1", "edge3")), 1,
            NOW));
        assertThat(kept.getNodes()).extracting(ModelCopy::node).as("a copy still meant stays").containsExactly("edge1");
        assertThat(kept.getAvailable()).isEqualTo("1/2");

        ModelStatus gone = after(kept, ModelStatusPatches.copiesRecounted(kept, spec, new TargetNodes(java.util.Set.of("edge3")), 1, NOW));
        assertThat(gone.getNodes()).isEmpty();
        assertThat(gone.getAvailable()).isEqualTo("0/1");
        assertThat(ModelStatusPatches.copiesRecounted(gone, spec, new TargetNodes(java.util.Set.of("edge3")), 1, NOW)).as("nothing to change").isEmpty();
    }
}
