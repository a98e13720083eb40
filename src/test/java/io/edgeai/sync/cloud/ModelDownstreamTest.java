package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ModelSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 1: a model goes only to the nodes it is meant for: the shared topic for a model
 * meant for every node, each named node's own topic otherwise, and it moves as its list changes.
 */
class ModelDownstreamTest {
    private final Topics topics = new Topics("edgeai");
    private final Map<String, Model> cache = new ConcurrentHashMap<>();
    private final IssueClock clock = new IssueClock(() -> 1_000, 600_000);
    private final ModelDownstream models = new ModelDownstream(topics, () -> cache.values().stream(),
        node -> cache.values().stream().filter(m -> m.getSpec().getNodeNames() != null && m.getSpec().getNodeNames().contains(node)),
        (ns, name) -> Optional.ofNullable(cache.get(ns + "/" + name)), clock, RetainedSnapshot.none());
    private final DatasetDownstream datasets = new DatasetDownstream(topics, node -> List.of(), (ns, name) -> Optional.empty(), clock,
        RetainedSnapshot.none());
    private final Manifests manifests = new Manifests(topics, clock, datasets, models, List::of, () -> true, 0);
    private final DesiredStateReconciler reconciler = new DesiredStateReconciler(topics, () -> true, datasets, models, RetainedSnapshot.none(),
        manifests::all);

    static Model model(String name, String uid, List<String> nodeNames) {
        Model model = new Model();
        model.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).withGeneration(1L).withUid(uid).withResourceVersion("1").build());
        model.setSpec(new ModelSpec("/data/models/" + name, "onnx"));
        model.getSpec().setNodeNames(nodeNames);
        return model;
    }

    private Model put(Model model) {
        cache.put(DatasetDownstream.key(model), model);
        return model;
    }

    private static Model updated(Model before, List<String> nodeNames) {
        Model after = model(before.getMetadata().getName(), before.getMetadata().getUid(), nodeNames);
        after.getMetadata().setResourceVersion(String.valueOf(Long.parseLong(before.getMetadata().getResourceVersion()) + 1));
        after.getMetadata().setGeneration(before.getMetadata().getGeneration() + 1);
        return after;
    }

    private static List<String> describe(List<Object> messages) {
        return messages.stream().map(m -> m instanceof Outgoing o ? o.topic() + (o.isTombstone() ? " (tombstone)" : "")
            : ((ManifestDue) m).topic(new Topics("edgeai"))).toList();
    }

    private List<String> listed(ManifestDue due) {
        return Json.read(manifests.compute(due).payload(), Manifest.class, "test").items();
    }

    @Test
    void aModelMeantForEveryNodeGoesOnceToTheSharedTopic() {
        Model model = put(model("all", "u1", null));

        List<Object> out = models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, model));

        assertThat(describe(out)).containsExactly("edgeai/models/desired/ns/all");
        assertThat(Json.read(((Outgoing) out.get(0)).payload(), DesiredModel.class, "test").spec()).isEqualTo(model.getSpec());
        assertThat(listed(ManifestDue.models())).containsExactly("ns/all");
        assertThat(models.namedNodes()).isEmpty();
    }

    @Test
    void aModelThatNamesItsNodesGoesToEachOfThoseAndNoOther() {
        put(model("all", "u1", null));
        Model named = put(model("some", "u2", List.of("edge0", "edge2")));

        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, named))))
            .containsExactly("edgeai/nodes/edge0/desired/models/ns/some", "edgeai/nodes/edge2/desired/models/ns/some");
        assertThat(listed(ManifestDue.models())).as("the shared manifest lists only what is meant for every node").containsExactly("ns/all");
        assertThat(listed(ManifestDue.modelsOf("edge0"))).containsExactly("ns/some");
        assertThat(listed(ManifestDue.modelsOf("edge1"))).isEmpty();
        assertThat(manifests.all()).contains(ManifestDue.modelsOf("edge0"), ManifestDue.modelsOf("edge2"), ManifestDue.models())
            .doesNotContain(ManifestDue.modelsOf("edge1"));
    }

    @Test
    void aModelMovesAsItsListChangesAndTheNodesItLeftAreToldSo() {
        Model before = model("some", "u2", List.of("edge0", "edge1"));
        Model after = put(updated(before, List.of("edge1", "edge2")));

        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, after)))).containsExactly(
            "edgeai/nodes/edge1/desired/models/ns/some", "edgeai/nodes/edge2/desired/models/ns/some",
            "edgeai/nodes/edge0/desired/models/ns/some (tombstone)", "edgeai/nodes/edge0/desired/models/manifest");
        assertThat(listed(ManifestDue.modelsOf("edge0"))).isEmpty();
    }

    @Test
    void aModelMovesBetweenTheSharedTopicAndTheNodesOwn() {
        Model shared = model("m", "u3", null);
        Model named = updated(shared, List.of("edge0"));
        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, shared, named)))).containsExactly(
            "edgeai/nodes/edge0/desired/models/ns/m", "edgeai/models/desired/ns/m (tombstone)", "edgeai/models/manifest");

        Model sharedAgain = updated(named, null);
        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, named, sharedAgain)))).containsExactly(
            "edgeai/models/desired/ns/m", "edgeai/nodes/edge0/desired/models/ns/m (tombstone)", "edgeai/nodes/edge0/desired/models/manifest");
    }

    @Test
    void aDeletedModelIsTakenFromEveryPlaceItWent() {
        Model named = model("some", "u2", List.of("edge0", "edge1"));
        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.DELETED, named, null)))).containsExactly(
            "edgeai/nodes/edge0/desired/models/ns/some (tombstone)", "edgeai/nodes/edge0/desired/models/manifest",
            "edgeai/nodes/edge1/desired/models/ns/some (tombstone)", "edgeai/nodes/edge1/desired/models/manifest");
        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.DELETED, model("all", "u1", null), null))))
            .containsExactly("edgeai/models/desired/ns/all (tombstone)", "edgeai/models/manifest");
    }

    @Test
    void aModelThatNamesNoNodeGoesNowhereAndAStatusPatchSendsNothing() {
        Model none = model("none", "u4", List.of());
        assertThat(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, none))).isEmpty();

        Model before = model("some", "u2", List.of("edge0"));
        Model statusOnly = model("some", "u2", List.of("edge0"));
        statusOnly.getMetadata().setResourceVersion("2");
        assertThat(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, statusOnly))).isEmpty();
        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, before))))
            .as("a resync sends it again").containsExactly("edgeai/nodes/edge0/desired/models/ns/some");
    }

    /** The retained state of per-node model topics is judged at start-up as the shared one is. */
    @Test
    void aRetainedCopyOnANodeTheModelNoLongerNamesIsClearedAndOnesStillNamedStand() {
        Model model = put(model("some", "u2", List.of("edge1")));
        Model asRetained = model("some", "u2", List.of("edge1"));
        byte[] onEdge1 = ((Outgoing) models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, asRetained)).get(0)).payload();

        assertThat(reconciler.corrections(topics.nodeModel("edge1", "ns", "some"), onEdge1)).isEmpty();
        assertThat(describe(reconciler.corrections(topics.nodeModel("edge0", "ns", "some"), onEdge1)))
            .containsExactly("edgeai/nodes/edge0/desired/models/ns/some (tombstone)", "edgeai/nodes/edge0/desired/models/manifest");
        assertThat(describe(reconciler.corrections(topics.desiredModel("ns", "some"), onEdge1)))
            .as("it names its nodes, so it is not on the shared topic").containsExactly("edgeai/models/desired/ns/some (tombstone)", "edgeai/models/manifest");
        assertThat(describe(reconciler.corrections(topics.nodeModelsManifest("edge0"), Json.bytes(new Manifest(List.of("ns/some"), 1)))))
            .as("lists a model no longer meant for edge0").containsExactly("edgeai/nodes/edge0/desired/models/manifest");
        assertThat(reconciler.corrections(topics.nodeModelsManifest("edge1"), Json.bytes(new Manifest(List.of("ns/some"), 1)))).isEmpty();

        model.getSpec().setFormat("pb"); // changed while the cloud was down
        assertThat(describe(reconciler.corrections(topics.nodeModel("edge1", "ns", "some"), onEdge1)))
            .containsExactly("edgeai/nodes/edge1/desired/models/ns/some");
        assertThat(describe(reconciler.currentFor(topics.nodeModel("edge1", "ns", "some")))).containsExactly("edgeai/nodes/edge1/desired/models/ns/some");
    }
}
