package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.Desired;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Compares the desired state retained on the broker with the resources that exist, and corrects the
 * broker. It receives every retained desired-state message when the cloud subscribes (and each one it
 * publishes later), so a dataset or model deleted while the cloud was down gets its tombstone and a
 * fresh manifest after the restart (a manifest that lists only what still exists stands), and one changed while its message could not be published (the
 * broker was down) is sent as it is now; messages that agree with the resources produce nothing.
 */
public final class DesiredStateReconciler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DesiredStateReconciler.class);
    private final Topics topics;
    private final BooleanSupplier synced;
    private final DatasetDownstream datasets;
    private final ModelDownstream models;
    private final IssueClock clock;

    /**
     * @param datasets and {@code models} say what each node, and every node, should hold now
     * @param clock    continues above the stamps found retained (a previous run's)
     */
    public DesiredStateReconciler(Topics topics, BooleanSupplier synced, DatasetDownstream datasets, ModelDownstream models,
                                  IssueClock clock) {
        this.topics = topics;
        this.synced = synced;
        this.datasets = datasets;
        this.models = models;
        this.clock = clock;
    }

    public List<Object> corrections(String topic, byte[] payload) {
        if (payload == null || payload.length == 0) {
            return List.of(); // a tombstone: nothing retained to correct
        }
        Topics.Ref ref = topics.parse(topic).orElseThrow(() -> new RejectedMessage("not a desired-state topic: " + topic));
        observeStamp(topic, payload);
        if (!synced.getAsBoolean()) {
            throw new IllegalStateException("the resource cache has not listed yet; cannot judge " + topic);
        }
        return switch (ref.kind()) {
            case DESIRED_DATASET -> datasets.onNode(ref.node(), ref.namespace(), ref.name())
                .map(dataset -> same(Json.read(payload, DesiredDataset.class, "retained dataset"), dataset.getMetadata(), dataset.getSpec())
                    ? List.<Object>of()
                    : List.<Object>of(datasets.desired(dataset)))
                .orElse(currentFor(topic));
            case NODE_MANIFEST -> stillTrue(listed(payload), datasets.datasetsOn(ref.node())) ? List.of() : currentFor(topic);
            case DESIRED_MODEL -> models.lookup(ref.namespace(), ref.name())
                .map(model -> same(Json.read(payload, DesiredModel.class, "retained model"), model.getMetadata(), model.getSpec())
                    ? List.<Object>of()
                    : List.<Object>of(models.desired(model)))
                .orElse(currentFor(topic));
            case MODELS_MANIFEST -> stillTrue(listed(payload), models.allModels()) ? List.of() : currentFor(topic);
            default -> List.of();
        };
    }

    /** What a desired-state topic must hold now, as messages to publish (a tombstone for what is gone). */
    public List<Object> currentFor(String topic) {
        Topics.Ref ref = topics.parse(topic).orElseThrow(() -> new RejectedMessage("not a desired-state topic: " + topic));
        return switch (ref.kind()) {
            case DESIRED_DATASET -> datasets.onNode(ref.node(), ref.namespace(), ref.name())
                .map(dataset -> List.<Object>of(datasets.desired(dataset)))
                .orElse(List.of(Outgoing.tombstone(topic), ManifestDue.datasetsOf(ref.node())));
            case NODE_MANIFEST -> List.of(ManifestDue.datasetsOf(ref.node()));
            case DESIRED_MODEL -> models.lookup(ref.namespace(), ref.name())
                .map(model -> List.<Object>of(models.desired(model)))
                .orElse(List.of(Outgoing.tombstone(topic), ManifestDue.models()));
            case MODELS_MANIFEST -> List.of(ManifestDue.models());
            default -> throw new RejectedMessage("not a desired-state topic: " + topic);
        };
    }

    /**
     * A manifest needs no correction while everything it lists still exists: what was added since is
     * stamped after it, and edges hold that unlisted (docs/protocol.md).
     */
    private static boolean stillTrue(List<String> listed, List<String> existing) {
        return new java.util.HashSet<>(existing).containsAll(listed);
    }

    private static boolean same(Desired retained, ObjectMeta meta, Object spec) {
        return Objects.equals(retained.uid(), meta.getUid()) && retained.generation() == DatasetDownstream.generation(meta.getGeneration())
            && Objects.equals(specOf(retained), spec);
    }

    private static Object specOf(Desired desired) {
        return desired instanceof DesiredDataset dataset ? dataset.spec() : ((DesiredModel) desired).spec();
    }

    /** Every stamp the broker holds raises the clock, so what this run issues orders after it. */
    private void observeStamp(String topic, byte[] payload) {
        Stamped stamped = Json.read(payload, Stamped.class, "retained desired state");
        if (!clock.observe(stamped.issuedAt())) {
            LOG.warn("{} is stamped {} ms ahead of this cloud's clock: not trusted to order anything (edges bound it too)",
                topic, stamped.issuedAt() - System.currentTimeMillis());
        }
    }

    /** Any desired-state payload, read for its stamp only. */
    record Stamped(long issuedAt) {
    }

    private static List<String> listed(byte[] payload) {
        Manifest manifest = Json.read(payload, Manifest.class, "retained manifest");
        return manifest.items() == null ? List.of() : manifest.items();
    }
}
