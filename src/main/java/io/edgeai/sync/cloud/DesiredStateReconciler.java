package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compares the desired state retained on the broker with the resources that exist, and corrects the
 * broker. It receives every retained desired-state message when the cloud subscribes (and each one it
 * publishes later), so a dataset or model deleted while the cloud was down gets its tombstone and a
 * fresh manifest after the restart; messages that agree with the resources produce nothing.
 */
public final class DesiredStateReconciler {
    private final Topics topics;
    private final BooleanSupplier synced;
    private final BiPredicate<String, String> datasetOnNode;
    private final Function<String, List<String>> datasetsOnNode;
    private final BiPredicate<String, String> modelExists;
    private final Supplier<List<String>> allModels;
    private final DatasetDownstream datasets;
    private final ModelDownstream models;

    /**
     * @param datasetOnNode whether {@code ns/name} is a dataset of that node now
     * @param modelExists   whether the model {@code (ns, name)} exists now
     */
    public DesiredStateReconciler(Topics topics, BooleanSupplier synced, BiPredicate<String, String> datasetOnNode,
                                  Function<String, List<String>> datasetsOnNode, BiPredicate<String, String> modelExists,
                                  Supplier<List<String>> allModels, DatasetDownstream datasets, ModelDownstream models) {
        this.topics = topics;
        this.synced = synced;
        this.datasetOnNode = datasetOnNode;
        this.datasetsOnNode = datasetsOnNode;
        this.modelExists = modelExists;
        this.allModels = allModels;
        this.datasets = datasets;
        this.models = models;
    }

    public List<Outgoing> corrections(String topic, byte[] payload) {
        if (payload == null || payload.length == 0) {
            return List.of(); // a tombstone: nothing retained to correct
        }
        Topics.Ref ref = topics.parse(topic).orElseThrow(() -> new RejectedMessage("not a desired-state topic: " + topic));
        if (!synced.getAsBoolean()) {
            throw new IllegalStateException("the resource cache has not listed yet; cannot judge " + topic);
        }
        return switch (ref.kind()) {
            case DESIRED_DATASET -> datasetOnNode.test(ref.node(), ref.namespace() + "/" + ref.name())
                ? List.of()
                : List.of(Outgoing.tombstone(topic), datasets.manifest(ref.node()));
            case NODE_MANIFEST -> listed(payload).equals(datasetsOnNode.apply(ref.node())) ? List.of() : List.of(datasets.manifest(ref.node()));
            case DESIRED_MODEL -> modelExists.test(ref.namespace(), ref.name()) ? List.of() : List.of(Outgoing.tombstone(topic), models.manifest());
            case MODELS_MANIFEST -> listed(payload).equals(allModels.get()) ? List.of() : List.of(models.manifest());
            default -> List.of();
        };
    }

    private static List<String> listed(byte[] payload) {
        Manifest manifest = Json.read(payload, Manifest.class, "retained manifest");
        return manifest.items() == null ? List.of() : manifest.items().stream().sorted().toList();
    }
}
