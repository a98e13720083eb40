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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Compares the desired state the broker retained when the cloud started with the resources that
 * exist, and corrects the broker, once the resource cache has listed ({@link #atStart}). What a
 * listed resource answers for is sent again only if it changed ({@link RetainedSnapshot#holds}); the
 * rest is judged here: an object of a dataset or model deleted or moved while the cloud was down gets
 * its tombstone and a fresh manifest, a manifest that lists something that no longer exists is sent
 * again, and a node whose manifest the broker does not hold gets one. This used to be a live
 * subscription to every desired-state topic, which made the cloud hear (and parse) each message it
 * published: half of its work during a fan-out.
 */
public final class DesiredStateReconciler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DesiredStateReconciler.class);
    private final Topics topics;
    private final BooleanSupplier synced;
    private final DatasetDownstream datasets;
    private final ModelDownstream models;
    private final RetainedSnapshot retained;
    private final Supplier<List<ManifestDue>> allManifests;

    /**
     * @param datasets     and {@code models} say what each node, and every node, should hold now
     * @param retained     what the broker held at start-up
     * @param allManifests the manifest of every node that holds datasets, and the models'
     */
    public DesiredStateReconciler(Topics topics, BooleanSupplier synced, DatasetDownstream datasets, ModelDownstream models,
                                  RetainedSnapshot retained, Supplier<List<ManifestDue>> allManifests) {
        this.topics = topics;
        this.synced = synced;
        this.datasets = datasets;
        this.models = models;
        this.retained = retained;
        this.allManifests = allManifests;
    }

    /**
     * The corrections to send, once the resource cache has listed and the broker could be read: it
     * waits for both, however long (until the cloud stops).
     */
    public List<Object> atStart() throws InterruptedException {
        Optional<List<RetainedReader.Retained>> unanswered = Optional.empty();
        while (unanswered.isEmpty()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("stopped before the retained desired state was judged");
            }
            if (synced.getAsBoolean()) {
                unanswered = retained.unanswered(this::claimedByAResource);
                if (unanswered.isEmpty()) {
                    TimeUnit.SECONDS.sleep(2);
                }
            }
        }
        Set<Object> out = new LinkedHashSet<>(); // a manifest asked for twice goes once
        Set<String> judged = new HashSet<>();
        for (RetainedReader.Retained message : unanswered.get()) {
            try {
                out.addAll(corrections(message.topic(), message.payload()));
                judged.add(message.topic());
            } catch (RejectedMessage e) {
                LOG.warn("retained {} cannot be judged ({}); left as it is", message.topic(), e.getMessage());
            }
        }
        for (ManifestDue due : allManifests.get()) {
            if (!judged.contains(due.topic(topics))) { // the broker holds no manifest there, or one that does not parse
                out.add(due);
            }
        }
        LOG.info("desired state reconciled with what the broker retained: {} message(s) to send", out.size());
        return List.copyOf(out);
    }

    /** Whether a listed resource answers for this topic (it is the object topic of one that exists there). */
    private boolean claimedByAResource(String topic) {
        return topics.parse(topic).map(ref -> switch (ref.kind()) {
            case DESIRED_DATASET -> datasets.onNode(ref.node(), ref.namespace(), ref.name()).isPresent();
            case DESIRED_MODEL, NODE_MODEL -> models.at(ref).isPresent();
            default -> false;
        }).orElse(false);
    }

    public List<Object> corrections(String topic, byte[] payload) {
        if (payload == null || payload.length == 0) {
            return List.of(); // a tombstone: nothing retained to correct
        }
        Topics.Ref ref = topics.parse(topic).orElseThrow(() -> new RejectedMessage("not a desired-state topic: " + topic));
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
            case DESIRED_MODEL, NODE_MODEL -> models.at(ref)
                .map(model -> same(Json.read(payload, DesiredModel.class, "retained model"), model.getMetadata(), model.getSpec())
                    ? List.<Object>of()
                    : List.<Object>of(models.desiredAt(model, ref)))
                .orElse(currentFor(topic));
            case MODELS_MANIFEST -> stillTrue(listed(payload), models.forEveryNode()) ? List.of() : currentFor(topic);
            case NODE_MODELS_MANIFEST -> stillTrue(listed(payload), models.meantForNode(ref.node())) ? List.of() : currentFor(topic);
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
            case DESIRED_MODEL, NODE_MODEL -> models.at(ref)
                .map(model -> List.<Object>of(models.desiredAt(model, ref)))
                .orElse(List.of(Outgoing.tombstone(topic), ref.node() == null ? ManifestDue.models() : ManifestDue.modelsOf(ref.node())));
            case MODELS_MANIFEST -> List.of(ManifestDue.models());
            case NODE_MODELS_MANIFEST -> List.of(ManifestDue.modelsListOf(ref.node()));
            default -> throw new RejectedMessage("not a desired-state topic: " + topic);
        };
    }

    /**
     * A manifest needs no correction while everything it lists still exists: what was added since is
     * stamped after it, and edges hold that unlisted (docs/protocol.md).
     */
    private static boolean stillTrue(List<String> listed, List<String> existing) {
        return new HashSet<>(existing).containsAll(listed);
    }

    private static boolean same(Desired retained, ObjectMeta meta, Object spec) {
        return Objects.equals(retained.uid(), meta.getUid()) && retained.generation() == DatasetDownstream.generation(meta.getGeneration())
            && Objects.equals(specOf(retained), spec);
    }

    private static Object specOf(Desired desired) {
        return desired instanceof DesiredDataset dataset ? dataset.spec() : ((DesiredModel) desired).spec();
    }

    private static List<String> listed(byte[] payload) {
        Manifest manifest = Json.read(payload, Manifest.class, "retained manifest");
        return manifest.items() == null ? List.of() : manifest.items();
    }
}
