package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** What the broker retains, judged against the resources; what failed to publish, sent as it is now. */
class DesiredStateReconcilerTest {
    private final Topics topics = new Topics("edgeai");
    private final Map<String, Dataset> cache = new ConcurrentHashMap<>();
    private final IssueClock clock = new IssueClock(() -> 1_000, 600_000);
    private final DatasetDownstream datasets = new DatasetDownstream(topics,
        node -> cache.values().stream().filter(d -> node.equals(DatasetDownstream.nodeOf(d))).map(DatasetDownstream::key).sorted().toList(),
        (ns, name) -> Optional.ofNullable(cache.get(ns + "/" + name)), clock, RetainedSnapshot.none());
    private final ModelDownstream models = new ModelDownstream(topics, java.util.stream.Stream::of, node -> java.util.stream.Stream.of(), (ns, name) -> Optional.empty(), clock, RetainedSnapshot.none(), ModelTargets.withoutNodes());
    private final DesiredStateReconciler reconciler = reconciler(RetainedSnapshot.none());

    private DesiredStateReconciler reconciler(RetainedSnapshot retained) {
        Manifests manifests = new Manifests(topics, clock, datasets, models,
            () -> cache.values().stream().map(DatasetDownstream::nodeOf).toList(), () -> true, 0);
        return new DesiredStateReconciler(topics, () -> true, datasets, models, retained, manifests::all);
    }

    private static List<String> describe(List<Object> messages) {
        return messages.stream().map(m -> m instanceof Outgoing o
            ? o.topic() + (o.isTombstone() ? " (tombstone)" : " gen " + Json.read(o.payload(), DesiredDataset.class, "t").generation())
            : "manifest of " + ((ManifestDue) m).node()).toList();
    }

    private byte[] retained(String name, long generation) {
        Dataset dataset = DatasetDownstreamTest.dataset(name, "edge0", generation, "u-" + name);
        return datasets.desired(dataset).payload();
    }

    /** Issue 6, item 3: a spec update whose message never reached the broker is sent when the retained copy is judged. */
    @Test
    void aRetainedObjectOlderThanItsResourceIsSentAsItIsNow() {
        cache.put("ns/a", DatasetDownstreamTest.dataset("a", "edge0", 2, "u-a"));
        String topic = topics.desiredDataset("edge0", "ns", "a");

        assertThat(describe(reconciler.corrections(topic, retained("a", 2)))).isEmpty();
        assertThat(describe(reconciler.corrections(topic, retained("a", 1)))).containsExactly(topic + " gen 2");
    }

    @Test
    void aRetainedObjectOfADeletedOrMovedResourceIsClearedAndItsManifestResent() {
        cache.put("ns/moved", DatasetDownstreamTest.dataset("moved", "edge1", 2, "u-moved"));
        assertThat(describe(reconciler.corrections(topics.desiredDataset("edge0", "ns", "gone"), retained("gone", 1))))
            .containsExactly("edgeai/nodes/edge0/desired/datasets/ns/gone (tombstone)", "manifest of edge0");
        assertThat(describe(reconciler.corrections(topics.desiredDataset("edge0", "ns", "moved"), retained("moved", 1))))
            .containsExactly("edgeai/nodes/edge0/desired/datasets/ns/moved (tombstone)", "manifest of edge0");
        assertThat(describe(reconciler.corrections(topics.nodeManifest("edge0"), Json.bytes(new Manifest(List.of("ns/gone"), 1)))))
            .containsExactly("manifest of edge0");
    }

    /** Issue 7: adds send no manifest, so a retained manifest that lists only what still exists stands. */
    @Test
    void aRetainedManifestThatListsLessThanExistsStands() {
        cache.put("ns/a", DatasetDownstreamTest.dataset("a", "edge0", 1, "u-a"));
        cache.put("ns/b", DatasetDownstreamTest.dataset("b", "edge0", 1, "u-b"));
        assertThat(reconciler.corrections(topics.nodeManifest("edge0"), Json.bytes(new Manifest(List.of("ns/a"), 1)))).isEmpty();
        assertThat(reconciler.corrections(topics.nodeManifest("edge0"), Json.bytes(new Manifest(List.of(), 1)))).isEmpty();
        assertThat(describe(reconciler.corrections(topics.nodeManifest("edge0"), Json.bytes(new Manifest(List.of("ns/a", "ns/c"), 1)))))
            .as("lists a dataset that is gone").containsExactly("manifest of edge0");
    }

    /**
     * Issue 7: the reconciler judges the start-up snapshot instead of hearing every message the cloud
     * publishes. A listed resource answers for its own topic; the rest is judged, and a node the broker
     * holds no manifest for gets one. The retained stamps raise the clock before anything is stamped.
     */
    @Test
    void atStartWhatNoResourceAnswersForIsJudgedAndMissingManifestsAreSent() throws Exception {
        cache.put("ns/kept", DatasetDownstreamTest.dataset("kept", "edge0", 1, "u-kept"));
        cache.put("ns/other", DatasetDownstreamTest.dataset("other", "edge1", 1, "u-other"));
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        List<RetainedReader.Retained> broker = List.of(
            new RetainedReader.Retained(topics.desiredDataset("edge0", "ns", "kept"), stamped(retained("kept", 1), 5_000)),
            new RetainedReader.Retained(topics.desiredDataset("edge0", "ns", "gone"), stamped(retained("gone", 1), 7_000)),
            new RetainedReader.Retained(topics.nodeManifest("edge0"), Json.bytes(new Manifest(List.of("ns/kept", "ns/gone"), 7_000))),
            new RetainedReader.Retained(topics.modelsManifest(), Json.bytes(new Manifest(List.of(), 7_000))));
        RetainedSnapshot snapshot = new RetainedSnapshot(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new java.io.IOException("broker down at start-up");
            }
            return broker;
        }, clock::observe).start();
        snapshot.await();
        assertThat(clock.getAsLong()).as("nothing retained could be read yet").isLessThan(5_000);

        List<Object> out = reconciler(snapshot).atStart(); // reads again, now that the broker answers
        assertThat(reads).hasValue(2);
        assertThat(describe(out)).containsExactlyInAnyOrder(
            "edgeai/nodes/edge0/desired/datasets/ns/gone (tombstone)", "manifest of edge0", // gone, and listed by the manifest
            "manifest of edge1"); // the broker holds none for edge1; the models manifest lists nothing gone
        assertThat(clock.getAsLong()).as("above every retained stamp").isGreaterThan(7_000);
        assertThat(snapshot.holds(datasets.desired(cache.get("ns/kept"))))
            .as("the first read failed, so everything listed was sent: nothing of the second read is kept").isFalse();

        RetainedSnapshot readAtOnce = new RetainedSnapshot(() -> broker, clock::observe).start();
        assertThat(describe(reconciler(readAtOnce).atStart())).containsExactlyInAnyOrder(
            "edgeai/nodes/edge0/desired/datasets/ns/gone (tombstone)", "manifest of edge0", "manifest of edge1");
        assertThat(readAtOnce.holds(datasets.desired(cache.get("ns/kept")))).as("kept is left to its listed resource").isTrue();
    }

    private static byte[] stamped(byte[] payload, long issuedAt) {
        com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.valueToTree(
            Json.read(payload, java.util.Map.class, "test"));
        node.put("issuedAt", issuedAt);
        return Json.bytes(node);
    }

    @Test
    void whatFailedToPublishIsSentAgainAsTheResourcesAreThen() {
        List<Outgoing> published = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean brokerUp = new java.util.concurrent.atomic.AtomicBoolean();
        DesiredStateRepair repair = new DesiredStateRepair(reconciler, message -> brokerUp.get() && published.add(message));
        cache.put("ns/a", DatasetDownstreamTest.dataset("a", "edge0", 1, "u-a"));
        repair.publish(datasets.desired(cache.get("ns/a")));
        repair.publish(Outgoing.tombstone(topics.desiredDataset("edge0", "ns", "b")));
        assertThat(repair.pending()).isEqualTo(2);
        brokerUp.set(true);
        cache.put("ns/a", DatasetDownstreamTest.dataset("a", "edge0", 3, "u-a")); // changed again meanwhile
        cache.put("ns/b", DatasetDownstreamTest.dataset("b", "edge0", 1, "u-b")); // and created again

        assertThat(describe(repair.due())).containsExactlyInAnyOrder(
            "edgeai/nodes/edge0/desired/datasets/ns/a gen 3", "edgeai/nodes/edge0/desired/datasets/ns/b gen 1");
        assertThat(repair.pending()).isZero();
        assertThat(repair.due()).isEmpty();
    }
}
