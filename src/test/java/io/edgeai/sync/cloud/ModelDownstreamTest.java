package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ModelSpec;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
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
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final ModelTargets targets = new ModelTargets(() -> nodes.values().stream(), name -> Optional.ofNullable(nodes.get(name)));
    private final ModelDownstream models = new ModelDownstream(topics, () -> cache.values().stream(),
        node -> cache.values().stream().filter(m -> m.getSpec().getNodeNames() != null && m.getSpec().getNodeNames().contains(node)),
        (ns, name) -> Optional.ofNullable(cache.get(ns + "/" + name)), clock, RetainedSnapshot.none(), targets);
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
        return Json.read(manifests.compute(due).get(0).payload(), Manifest.class, "test").items();
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
        manifests.enqueue(ManifestDue.modelsOf("edge0")); // asked for by a tombstone: the models follow it
        assertThat(describe(List.copyOf(manifests.compute(ManifestDue.modelsOf("edge0")))))
            .containsExactly("edgeai/nodes/edge0/desired/models/manifest", "edgeai/nodes/edge0/desired/models/ns/some");
        manifests.enqueue(ManifestDue.modelsListOf("edge0")); // the resync's: the manifest alone
        assertThat(describe(List.copyOf(manifests.compute(ManifestDue.modelsListOf("edge0")))))
            .containsExactly("edgeai/nodes/edge0/desired/models/manifest");
        assertThat(manifests.all()).contains(ManifestDue.modelsListOf("edge0"), ManifestDue.modelsListOf("edge2"), ManifestDue.models())
            .doesNotContain(ManifestDue.modelsListOf("edge1"));
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

    private static Node node(String name, String... labels) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(map).withResourceVersion(String.valueOf(System.nanoTime()))
            .endMetadata().build();
    }

    /** A Node as the informer caches it; what was resolved from the labels before is dropped, as CloudWiring's listener does. */
    private Node putNode(Node node) {
        nodes.put(node.getMetadata().getName(), node);
        targets.nodesChanged();
        return node;
    }

    private static Model selecting(String name, List<String> nodeNames, String... labels) {
        Model model = model(name, "u-" + name, nodeNames);
        Map<String, String> selector = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            selector.put(labels[i], labels[i + 1]);
        }
        model.getSpec().setNodeSelector(selector);
        return model;
    }

    /** Issue 13, item 1: spec.nodeSelector on the Node objects' labels; with nodeNames too, a node must be named and match. */
    @Test
    void aModelThatSelectsItsNodesByLabelGoesToTheNodesThatMatch() {
        putNode(node("edge0", "tier", "gpu", "zone", "a"));
        putNode(node("edge1", "tier", "gpu", "zone", "b"));
        putNode(node("edge2", "tier", "cpu"));
        Model gpu = put(selecting("gpu", null, "tier", "gpu"));
        Model gpuNamed = put(selecting("gpu-named", List.of("edge1", "edge2", "edge9"), "tier", "gpu"));

        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, gpu))))
            .containsExactly("edgeai/nodes/edge0/desired/models/ns/gpu", "edgeai/nodes/edge1/desired/models/ns/gpu");
        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, gpuNamed))))
            .as("named and matching; edge9 has no Node, so no labels").containsExactly("edgeai/nodes/edge1/desired/models/ns/gpu-named");
        assertThat(listed(ManifestDue.modelsOf("edge1"))).containsExactly("ns/gpu", "ns/gpu-named");
        assertThat(listed(ManifestDue.modelsOf("edge2"))).isEmpty();
        assertThat(listed(ManifestDue.models())).isEmpty();
        assertThat(targets.of(gpuNamed.getSpec()).names()).containsExactly("edge1");
        assertThat(targets.includes(gpu.getSpec(), "edge2")).isFalse();
        assertThat(targets.includes(gpu.getSpec(), "edge0")).isTrue();
    }

    @Test
    void aNodeWhoseLabelsComeToMatchGainsTheModelAndOneThatStopsLosesIt() {
        put(selecting("gpu", null, "tier", "gpu"));
        put(selecting("zone-a", List.of("edge0"), "zone", "a"));
        Node plain = putNode(node("edge0"));
        assertThat(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, plain))).isEmpty();

        Node labelled = putNode(node("edge0", "tier", "gpu", "zone", "a"));
        assertThat(describe(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, plain, labelled))))
            .containsExactly("edgeai/nodes/edge0/desired/models/ns/gpu", "edgeai/nodes/edge0/desired/models/ns/zone-a");

        Node heartbeat = putNode(node("edge0", "tier", "gpu", "zone", "a"));
        assertThat(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, labelled, heartbeat)))
            .as("the labels did not change: nothing to send").isEmpty();

        Node relabelled = putNode(node("edge0", "tier", "cpu", "zone", "a"));
        assertThat(describe(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, heartbeat, relabelled))))
            .containsExactly("edgeai/nodes/edge0/desired/models/ns/gpu (tombstone)", "edgeai/nodes/edge0/desired/models/manifest");
        assertThat(listed(ManifestDue.modelsOf("edge0"))).containsExactly("ns/zone-a");

        nodes.remove("edge0");
        targets.nodesChanged();
        assertThat(describe(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.DELETED, relabelled, null))))
            .containsExactly("edgeai/nodes/edge0/desired/models/ns/zone-a (tombstone)", "edgeai/nodes/edge0/desired/models/manifest");
        assertThat(listed(ManifestDue.modelsOf("edge0"))).isEmpty();

        Node other = putNode(node("edge1", "zone", "a"));
        assertThat(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, other)))
            .as("zone-a names only edge0").isEmpty();
    }

    @Test
    void aSelectorChangeMovesTheModelLikeANameListChange() {
        putNode(node("edge0", "tier", "gpu"));
        putNode(node("edge1", "tier", "cpu"));
        Model before = selecting("m", null, "tier", "gpu");
        Model after = put(updated(before, null));
        after.getSpec().setNodeSelector(Map.of("tier", "cpu"));

        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, after)))).containsExactly(
            "edgeai/nodes/edge1/desired/models/ns/m", "edgeai/nodes/edge0/desired/models/ns/m (tombstone)", "edgeai/nodes/edge0/desired/models/manifest");
    }

    /**
     * Found by a hostile review: a Node losing its label while the Model is deleted (or its selector
     * changes), both caches changed before either handler ran. Each handler, reading the other's cache
     * as it is now, concluded that nothing had been sent there; the node kept the model for good.
     */
    @Test
    void aDeleteOrSelectorChangeCrossingARelabelStillTakesTheModelFromTheNode() {
        Node labelled = putNode(node("edge0", "tier", "gpu", "zone", "a"));
        Model gpu = put(selecting("gpu", null, "tier", "gpu"));
        Model zoneA = put(selecting("zone", null, "zone", "a"));
        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, gpu)))).hasSize(1);
        assertThat(describe(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, zoneA)))).hasSize(1);

        Node plain = putNode(node("edge0", "zone", "c"));
        cache.remove("ns/gpu");
        Model zoneB = put(updated(zoneA, null));
        zoneB.getSpec().setNodeSelector(Map.of("zone", "b"));

        List<Object> out = new java.util.ArrayList<>(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.DELETED, gpu, null)));
        out.addAll(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, zoneA, zoneB)));
        out.addAll(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, labelled, plain)));
        assertThat(describe(out)).containsOnlyOnce("edgeai/nodes/edge0/desired/models/ns/gpu (tombstone)",
            "edgeai/nodes/edge0/desired/models/ns/zone (tombstone)").doesNotContain("edgeai/nodes/edge0/desired/models/ns/zone");
    }

    /** Found by a hostile review: judging N retained per-node topics of a selector model read every Node N times. */
    @Test
    void judgingEveryRetainedPerNodeTopicReadsTheNodesOnce() throws Exception {
        java.util.concurrent.atomic.AtomicLong visited = new java.util.concurrent.atomic.AtomicLong();
        ModelTargets counting = new ModelTargets(() -> nodes.values().stream().peek(node -> visited.incrementAndGet()),
            name -> Optional.ofNullable(nodes.get(name)));
        ModelDownstream downstream = new ModelDownstream(topics, () -> cache.values().stream(), node -> java.util.stream.Stream.of(),
            (ns, name) -> Optional.ofNullable(cache.get(ns + "/" + name)), clock, RetainedSnapshot.none(), counting);
        int n = 2_000;
        Model gpu = put(selecting("gpu", null, "tier", "gpu"));
        List<RetainedReader.Retained> retained = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            putNode(node("edge" + i, "tier", "gpu"));
            retained.add(new RetainedReader.Retained(topics.nodeModel("edge" + i, "ns", "gpu"),
                Json.bytes(new DesiredModel("ns", "gpu", gpu.getMetadata().getUid(), 1, gpu.getSpec(), 500))));
        }
        RetainedSnapshot snapshot = new RetainedSnapshot(() -> retained, stamp -> true).start();
        Manifests all = new Manifests(topics, clock, datasets, downstream, List::of, () -> true, 0);
        List<Object> out = new DesiredStateReconciler(topics, () -> true, datasets, downstream, snapshot, all::all).atStart();

        assertThat(out).as("every retained copy is as it should be: only the manifests the broker lacks are sent")
            .allMatch(ManifestDue.class::isInstance);
        assertThat(visited.get()).as("Node objects read").isLessThanOrEqualTo(2L * n);
    }

    /**
     * A node's models manifest that no longer lists a model noted as sent there notes it as dropped
     * (the node drops it for that manifest), and (found by a second hostile review) the notes of models
     * deleted while another replica led are forgotten at the resync.
     */
    @Test
    void aManifestNotesWhatItNoLongerListsAsDroppedAndTheResyncForgetsModelsThatAreGone() {
        Node labelled = putNode(node("edge0", "tier", "gpu"));
        Model gpu = put(selecting("gpu", null, "tier", "gpu"));
        models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, gpu));
        putNode(node("edge0")); // the label went; its Node event not judged yet
        assertThat(describe(List.copyOf(manifests.compute(ManifestDue.modelsListOf("edge0")))))
            .containsExactly("edgeai/nodes/edge0/desired/models/manifest"); // it no longer lists gpu: the node drops it
        assertThat(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, labelled, nodes.get("edge0"))))
            .as("noted as dropped with the manifest").isEmpty();

        putNode(labelled);
        models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, node("edge0"), labelled));
        cache.remove("ns/gpu"); // deleted while another replica led: never heard here
        models.namedNodes(); // the resync
        assertThat(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, labelled, node("edge0"))))
            .as("nothing noted of it any more").isEmpty();
    }

    /**
     * Found by the label-race stress test in CI: a node's models manifest computed between a Node
     * gaining a label and the judgement of that change listed the model it now selects and noted it
     * as sent there, without sending it; the judgement then saw it noted and sent nothing. The node
     * was told to keep a model it never received. What a manifest lists and notes, it sends.
     */
    @Test
    void aManifestThatListsAModelNotYetSentToTheNodeSendsIt() {
        Node plain = putNode(node("edge0", "tier", "cpu"));
        Model gpu = put(selecting("gpu", null, "tier", "gpu"));
        assertThat(models.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, gpu))).isEmpty();
        Node labelled = putNode(node("edge0", "tier", "gpu")); // the label came; its Node event not judged yet

        List<Object> out = new java.util.ArrayList<>(manifests.compute(ManifestDue.modelsListOf("edge0")));
        out.addAll(models.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, plain, labelled)));
        assertThat(describe(out)).containsExactly("edgeai/nodes/edge0/desired/models/manifest", "edgeai/nodes/edge0/desired/models/ns/gpu");
        assertThat(describe(List.copyOf(manifests.compute(ManifestDue.modelsListOf("edge0")))))
            .as("sent once: the resync's manifest alone").containsExactly("edgeai/nodes/edge0/desired/models/manifest");
    }
}
