package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.DatasetStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DatasetDownstreamTest {
    private final Map<String, List<String>> onNode = Map.of("edge0", List.of("ns/a"), "edge1", List.of("ns/b", "ns/moved"));
    private final DatasetDownstream downstream = new DatasetDownstream(new Topics("edgeai"), node -> onNode.getOrDefault(node, List.of()),
        (ns, name) -> java.util.Optional.empty(), () -> 1234L, RetainedSnapshot.none());

    static Dataset dataset(String name, String node, long generation, String uid) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).withGeneration(generation).withUid(uid).build());
        dataset.setSpec(new DatasetSpec("/data/" + name, "txt", node));
        return dataset;
    }

    private static List<String> topics(List<Object> messages) {
        return messages.stream().map(m -> m instanceof Outgoing o ? o.topic() + (o.isTombstone() ? " (tombstone)" : "")
            : "manifest of " + ((ManifestDue) m).node()).toList();
    }

    @Test
    void anAddedDatasetGoesToItsNodeWithoutAManifest() {
        List<Object> out = downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, dataset("a", "edge0", 1, "u1")));

        assertThat(topics(out)).containsExactly("edgeai/nodes/edge0/desired/datasets/ns/a");
        DesiredDataset desired = Json.read(((Outgoing) out.get(0)).payload(), DesiredDataset.class, "test");
        assertThat(desired).isEqualTo(new DesiredDataset("ns", "a", "u1", 1, new DatasetSpec("/data/a", "txt", "edge0"), 1234L));
        Manifests manifests = manifests(() -> 1235L, List.of("edge0"), 0);
        Outgoing manifest = manifests.compute(ManifestDue.datasetsOf("edge0")).get(0);
        assertThat(manifest.topic()).isEqualTo("edgeai/nodes/edge0/desired/manifest");
        assertThat(Json.read(manifest.payload(), Manifest.class, "test")).isEqualTo(new Manifest(List.of("ns/a"), 1235L));
    }

    @Test
    void aStatusOnlyUpdateSendsNothing() {
        Dataset before = dataset("a", "edge0", 1, "u1");
        before.getMetadata().setResourceVersion("7");
        Dataset after = dataset("a", "edge0", 1, "u1");
        after.getMetadata().setResourceVersion("8");
        after.setStatus(new DatasetStatus());
        after.getStatus().setNumberOfSamples(5L);
        assertThat(downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, after))).isEmpty();
    }

    @Test
    void aResyncResendsTheDesiredState() {
        Dataset before = dataset("a", "edge0", 1, "u1");
        before.getMetadata().setResourceVersion("7");
        Dataset after = dataset("a", "edge0", 1, "u1");
        after.getMetadata().setResourceVersion("7");
        assertThat(topics(downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, after))))
            .containsExactly("edgeai/nodes/edge0/desired/datasets/ns/a");
    }

    @Test
    void aSpecUpdateResendsTheDesiredStateOnly() {
        Dataset after = dataset("a", "edge0", 2, "u1");
        after.getSpec().setFormat("csv");
        List<Object> out = downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, dataset("a", "edge0", 1, "u1"), after));
        assertThat(topics(out)).containsExactly("edgeai/nodes/edge0/desired/datasets/ns/a");
    }

    @Test
    void aMoveRemovesFromTheOldNodeAndAddsToTheNew() {
        List<Object> out = downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED,
            dataset("moved", "edge0", 1, "u1"), dataset("moved", "edge1", 2, "u1")));
        assertThat(topics(out)).containsExactly(
            "edgeai/nodes/edge0/desired/datasets/ns/moved (tombstone)", "manifest of edge0",
            "edgeai/nodes/edge1/desired/datasets/ns/moved");
    }

    @Test
    void aDeleteSendsATombstoneAndTheManifest() {
        List<Object> out = downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.DELETED, dataset("gone", "edge0", 1, "u1"), null));
        assertThat(topics(out)).containsExactly("edgeai/nodes/edge0/desired/datasets/ns/gone (tombstone)", "manifest of edge0");
    }

    @Test
    void everyNodeGetsOneCurrentManifestOnResyncAndAWaitingOneIsNotQueuedTwice() {
        Manifests manifests = manifests(() -> 1L, List.of("edge1", "edge0", "edge1"), 0);
        assertThat(manifests.all()).containsExactly(ManifestDue.datasetsOf("edge0"), ManifestDue.datasetsOf("edge1"), ManifestDue.models());
        assertThat(Json.read(manifests.compute(ManifestDue.datasetsOf("edge1")).get(0).payload(), Manifest.class, "test").items())
            .containsExactly("ns/b", "ns/moved");

        assertThat(manifests.enqueue(ManifestDue.datasetsOf("edge0"))).isTrue();
        assertThat(manifests.enqueue(ManifestDue.datasetsOf("edge0"))).as("already waiting").isFalse();
        assertThat(manifests.enqueue(ManifestDue.datasetsOf("edge1"))).isTrue();
        manifests.compute(ManifestDue.datasetsOf("edge0"));
        assertThat(manifests.enqueue(ManifestDue.datasetsOf("edge0"))).as("computed, so due again").isTrue();
    }

    /** Issue 7, goal 3: a burst of deletes on a node waits out the delay and gives one manifest. */
    @Test
    void aManifestWaitsItsDelayFromWhenItWasFirstAskedFor() {
        Manifests manifests = manifests(() -> 1L, List.of("edge0"), 60_000);
        assertThat(manifests.waitMillis(ManifestDue.datasetsOf("edge0"))).as("not queued").isZero();
        assertThat(manifests.enqueue(ManifestDue.datasetsOf("edge0"))).isTrue();
        long first = manifests.waitMillis(ManifestDue.datasetsOf("edge0"));
        assertThat(first).isBetween(55_000L, 60_000L);
        assertThat(manifests.enqueue(ManifestDue.datasetsOf("edge0"))).isFalse();
        assertThat(manifests.waitMillis(ManifestDue.datasetsOf("edge0"))).as("a second ask does not extend the wait").isLessThanOrEqualTo(first);
        manifests.compute(ManifestDue.datasetsOf("edge0"));
        assertThat(manifests.waitMillis(ManifestDue.datasetsOf("edge0"))).isZero();
    }

    private Manifests manifests(java.util.function.LongSupplier clock, List<String> nodes, long delayMillis) {
        ModelDownstream noModels = new ModelDownstream(new Topics("edgeai"), java.util.stream.Stream::of, node -> java.util.stream.Stream.of(),
            (ns, name) -> java.util.Optional.empty(), clock, RetainedSnapshot.none(), ModelTargets.withoutNodes());
        return new Manifests(new Topics("edgeai"), clock, downstream, noModels, () -> nodes, () -> true, delayMillis);
    }

    @Test
    void aNodeNameThatCannotBeATopicLevelIsRefused() {
        assertThatThrownBy(() -> downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, dataset("x", "edge/#", 1, "u"))))
            .isInstanceOf(RejectedMessage.class).hasMessageContaining("no valid node");
    }

    /** Issue 7, goal 4: a restarted cloud lists everything again; what the broker holds unchanged is not sent. */
    @Test
    void anAddedDatasetTheBrokerHoldsUnchangedIsNotSentAgain() {
        Dataset same = dataset("same", "edge0", 1, "u1");
        Dataset changed = dataset("changed", "edge0", 2, "u2");
        byte[] retainedSame = ((Outgoing) downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, same)).get(0)).payload();
        byte[] retainedOld = ((Outgoing) downstream.messagesFor(
            new ResourceEvent<>(ResourceEvent.Type.ADDED, null, dataset("changed", "edge0", 1, "u2"))).get(0)).payload();
        RetainedSnapshot snapshot = new RetainedSnapshot(() -> List.of(
            new RetainedReader.Retained("edgeai/nodes/edge0/desired/datasets/ns/same", retainedSame),
            new RetainedReader.Retained("edgeai/nodes/edge0/desired/datasets/ns/changed", retainedOld)), stamp -> true);
        DatasetDownstream restarted = new DatasetDownstream(new Topics("edgeai"), node -> onNode.getOrDefault(node, List.of()),
            (ns, name) -> java.util.Optional.empty(), () -> 99_999L, snapshot);

        assertThat(restarted.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, same))).as("held unchanged").isEmpty();
        assertThat(topics(restarted.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, changed))))
            .as("a newer generation").containsExactly("edgeai/nodes/edge0/desired/datasets/ns/changed");
        assertThat(restarted.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, same))).as("each entry answers once").hasSize(1);
    }
}
