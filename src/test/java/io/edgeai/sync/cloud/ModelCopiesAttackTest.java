package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.ModelCopyReport;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import io.edgeai.sync.resources.ModelStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ModelCopiesAttackTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String DIGEST = "ab".repeat(32);
    private final Topics topics = new Topics("edgeai");

    private static Model model(String uid, String resourceVersion, ModelStatus status) {
        Model model = new Model();
        model.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("m").withUid(uid).withResourceVersion(resourceVersion)
            .withGeneration(1L).build());
        model.setSpec(new ModelSpec("/data/m.onnx", "onnx"));
        model.setStatus(status);
        return model;
    }

    private StatusUpstream upstream(AtomicReference<Model> cached) {
        return new StatusUpstream(topics, () -> true, (ns, name) -> Optional.empty(), (ns, name) -> Optional.ofNullable(cached.get()),
            new Presence(topics, System::currentTimeMillis, 60_000), Clock.fixed(NOW, ZoneOffset.UTC), 600_000, ModelTargets.withoutNodes());
    }

    private static ModelCopyReport report(String uid, String phase, String sha256, String message) {
        return new ModelCopyReport("default", "m", uid, 1, phase, sha256 == null ? null : 10L, null, sha256, message, NOW.toString());
    }

    @SuppressWarnings("unchecked")
    private static List<ModelCopy> nodes(StatusUpstream.StatusPatch patch) {
        return (List<ModelCopy>) ((Map<String, Object>) patch.body().get("status")).get("nodes");
    }

    /**
     * WrittenStatuses is keyed by kind/namespace/name, not uid. A Model deleted and made again within 30 s: the new
     * one's first copy report is judged against the old one's written status, and its nodes list inherits the old
     * incarnation's copies (here edge0's, which never reported for the new Model).
     */
    @Test
    void aModelMadeAgainUnderItsNameDoesNotInheritTheOldCopies() {
        AtomicReference<Model> cached = new AtomicReference<>(model("uid-old", "4", null));
        StatusUpstream upstream = upstream(cached);
        StatusUpstream.StatusPatch old = upstream.patchFor(topics.modelCopy("edge0", "default", "m"),
            report("uid-old", ModelCopy.PRESENT, DIGEST, null));
        upstream.wrote(old, "5");

        cached.set(model("uid-new", "9", null)); // deleted, made again; the cache shows the new one
        upstream.cached(cached.get());
        StatusUpstream.StatusPatch fresh = upstream.patchFor(topics.modelCopy("edge1", "default", "m"),
            report("uid-new", ModelCopy.PRESENT, DIGEST, null));
        assertThat(nodes(fresh)).extracting(ModelCopy::node).containsExactly("edge1");
    }

    /**
     * The edge clears its retained copy report with a tombstone ("so that nothing speaks for it any more"), and an
     * operator retiring a node would do the same; the cloud ignores an empty payload on model-copies, so the entry
     * (and a Ready=False it causes, and a place among the 1,000) stays for good.
     */
    @Test
    void aTombstoneTakesTheNodeOffTheList() {
        ModelStatus status = new ModelStatus();
        status.setNodes(List.of(new ModelCopy("edge0", ModelCopy.PRESENT, 10L, null, DIGEST, null, NOW.toString()),
            new ModelCopy("retired", ModelCopy.MISSING, null, null, null, "gone", NOW.toString())));
        AtomicReference<Model> cached = new AtomicReference<>(model("uid-m", "4", status));
        StatusUpstream.StatusPatch patch = upstream(cached).patchFor(topics.modelCopy("retired", "default", "m"), new byte[0]);
        assertThat(patch).as("a patch that takes 'retired' off status.nodes").isNotNull();
        assertThat(nodes(patch)).extracting(ModelCopy::node).containsExactly("edge0");
    }

    /**
     * Each entry may carry a 32 KiB message (ReportChecks' bound is kube's for a condition, not for a list
     * item), so the status MAX_COPIES_LISTED is meant to keep "well under etcd's 1.5 MiB" reaches 32 MiB with
     * ~50 hostile or chatty nodes already past the limit: every later write for the model fails and is retried.
     */
    @Test
    void theListedCopiesStayUnderEtcdsLimit() {
        ModelStatus status = new ModelStatus();
        List<ModelCopy> nodes = new ArrayList<>();
        String message = "x".repeat(ReportChecks.MAX_MESSAGE_BYTES);
        for (int i = 0; i < 60; i++) {
            ModelCopyReport checked = ReportChecks.modelCopy(new ModelCopyReport("default", "m", "uid-m", 1, ModelCopy.UNREADABLE, null, null,
                null, message, NOW.toString()), NOW, 1000);
            status = after(status, ModelStatusPatches.modelCopy(status, new ModelSpec("/data/m.onnx", "onnx"), TargetNodes.named(new ModelSpec("/data/m.onnx", "onnx")), "edge" + i, checked, NOW));
        }
        assertThat(Json.bytes(status).length).as("bytes of status").isLessThan(1_500_000);
    }

    private static ModelStatus after(ModelStatus before, Optional<Map<String, Object>> patch) {
        var merged = Json.MAPPER.<com.fasterxml.jackson.databind.node.ObjectNode>valueToTree(before);
        merged.setAll(Json.MAPPER.<com.fasterxml.jackson.databind.node.ObjectNode>valueToTree(patch.orElseThrow().get("status")));
        return Json.MAPPER.convertValue(merged, ModelStatus.class);
    }

    /** "Present" with no digest is refused at the door, and one listed without a digest does not count as verified. */
    @Test
    void aPresentCopyWithoutADigestIsNotVerified() {
        ModelSpec spec = new ModelSpec("/data/m.onnx", "onnx");
        spec.setSha256(DIGEST);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportChecks.modelCopy(new ModelCopyReport("default", "m", "uid-m", 1,
            ModelCopy.PRESENT, 10L, null, null, null, NOW.toString()), NOW, 1000)).isInstanceOf(io.edgeai.sync.mqtt.RejectedMessage.class);
        ModelStatus listed = new ModelStatus();
        listed.setNodes(List.of(new ModelCopy("edge0", ModelCopy.PRESENT, 10L, null, null, null, NOW.toString())));
        ModelStatus status = after(listed, ModelStatusPatches.modelCopy(listed, spec, TargetNodes.named(spec), "edge1", new ModelCopyReport("default", "m", "uid-m", 1,
            ModelCopy.PRESENT, 10L, null, DIGEST, null, NOW.toString()), NOW));
        assertThat(StatusPatches.find(status.getConditions(), StatusPatches.READY).getStatus()).isNotEqualTo("True");
    }
}
