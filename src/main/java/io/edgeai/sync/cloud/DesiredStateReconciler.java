package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Compares the desired state retained on the broker with the resources that exist, and corrects the
 * broker. It receives every retained desired-state message when the cloud subscribes (and each one it
 * publishes later), so a dataset or model deleted while the cloud was down gets its tombstone and a
 * fresh manifest after the restart; messages that agree with the resources produce nothing.
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
            case DESIRED_DATASET -> datasets.datasetsOn(ref.node()).contains(ref.namespace() + "/" + ref.name())
                ? List.of()
                : List.of(Outgoing.tombstone(topic), ManifestDue.datasetsOf(ref.node()));
            case NODE_MANIFEST -> listed(payload).equals(datasets.datasetsOn(ref.node())) ? List.of() : List.of(ManifestDue.datasetsOf(ref.node()));
            case DESIRED_MODEL -> models.allModels().contains(ref.namespace() + "/" + ref.name())
                ? List.of()
                : List.of(Outgoing.tombstone(topic), ManifestDue.models());
            case MODELS_MANIFEST -> listed(payload).equals(models.allModels()) ? List.of() : List.of(ManifestDue.models());
            default -> List.of();
        };
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
        return manifest.items() == null ? List.of() : manifest.items().stream().sorted().toList();
    }
}
