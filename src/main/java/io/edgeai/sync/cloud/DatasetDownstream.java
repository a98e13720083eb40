package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.ResourceNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Turns a Dataset event into what its edge node must be told: the desired state on the node's own
 * topic ({@link Outgoing}), and, when a dataset is taken from a node, its tombstone and the node's
 * manifest ({@link ManifestDue}, computed later in order by {@link Manifests}). A move to another
 * node removes it from the old node and adds it to the new one. Status-only updates produce nothing; an
 * informer resync (the same resourceVersion again) re-sends the desired state, so a message lost to a
 * long broker outage is repaired within one resync period (retained messages make this idempotent).
 */
public final class DatasetDownstream {
    private final Topics topics;
    private final Function<String, List<String>> datasetsOnNode;
    private final BiFunction<String, String, Optional<Dataset>> lookup;
    private final LongSupplier clock;
    private final RetainedSnapshot retained;

    /**
     * @param datasetsOnNode node name to the sorted {@code namespace/name} keys it should hold now
     * @param lookup         namespace and name to the dataset as it is now
     * @param retained       what the broker held at start-up: an added dataset it holds unchanged is not sent again
     */
    public DatasetDownstream(Topics topics, Function<String, List<String>> datasetsOnNode,
                             BiFunction<String, String, Optional<Dataset>> lookup, LongSupplier clock, RetainedSnapshot retained) {
        this.topics = topics;
        this.datasetsOnNode = datasetsOnNode;
        this.lookup = lookup;
        this.clock = clock;
        this.retained = retained;
    }

    /** The dataset as it is now, if it exists and belongs to that node. */
    public Optional<Dataset> onNode(String node, String namespace, String name) {
        return lookup.apply(namespace, name).filter(dataset -> node.equals(nodeOf(dataset)));
    }

    public List<Object> messagesFor(ResourceEvent<Dataset> event) {
        List<Object> out = new ArrayList<>();
        switch (event.type()) {
            case ADDED -> {
                Outgoing desired = place(event.after(), out);
                if (retained.holds(desired)) {
                    out.clear(); // listed again (a restart): the broker holds it unchanged
                }
            }
            case DELETED -> remove(event.before(), out);
            case UPDATED -> {
                Dataset before = event.before();
                Dataset after = event.after();
                if (isResync(before, after)) {
                    if (ResourceNames.valid(nodeOf(after))) {
                        out.add(desired(after));
                    }
                    return out;
                }
                if (sameDesiredState(before, after)) {
                    return out; // a status patch or a resync: the edge already has this
                }
                if (Objects.equals(nodeOf(before), nodeOf(after))) {
                    out.add(desired(after));
                } else {
                    if (ResourceNames.valid(nodeOf(before))) {
                        remove(before, out);
                    }
                    place(after, out);
                }
            }
        }
        return out;
    }

    /**
     * Adds the dataset's desired state to {@code out} and returns it. No manifest: the object is stamped
     * after the node's latest manifest, so the edge holds it without being listed (docs/protocol.md);
     * a manifest is only needed to take something away.
     */
    private Outgoing place(Dataset dataset, List<Object> out) {
        String node = nodeOf(dataset);
        if (!ResourceNames.valid(node)) {
            throw new RejectedMessage("dataset " + key(dataset) + " names no valid node (spec.nodeName='" + node + "')");
        }
        Outgoing desired = desired(dataset);
        out.add(desired);
        return desired;
    }

    private void remove(Dataset dataset, List<Object> out) {
        String node = nodeOf(dataset);
        if (!ResourceNames.valid(node)) {
            return; // it was never sent anywhere
        }
        out.add(Outgoing.tombstone(topics.desiredDataset(node, dataset.getMetadata().getNamespace(), dataset.getMetadata().getName())));
        out.add(ManifestDue.datasetsOf(node));
    }

    Outgoing desired(Dataset dataset) {
        var meta = dataset.getMetadata();
        DesiredDataset body = new DesiredDataset(meta.getNamespace(), meta.getName(), meta.getUid(), generation(meta.getGeneration()),
            dataset.getSpec(), clock.getAsLong());
        return Outgoing.json(topics.desiredDataset(nodeOf(dataset), meta.getNamespace(), meta.getName()), body);
    }

    /** The sorted {@code namespace/name} keys of the datasets a node should hold now. */
    public List<String> datasetsOn(String node) {
        return datasetsOnNode.apply(node);
    }

    private static boolean sameDesiredState(Dataset before, Dataset after) {
        return Objects.equals(before.getMetadata().getUid(), after.getMetadata().getUid())
            && Objects.equals(before.getSpec(), after.getSpec())
            && Objects.equals(before.getMetadata().getGeneration(), after.getMetadata().getGeneration());
    }

    static boolean isResync(io.fabric8.kubernetes.api.model.HasMetadata before, io.fabric8.kubernetes.api.model.HasMetadata after) {
        String version = after.getMetadata().getResourceVersion();
        return version != null && version.equals(before.getMetadata().getResourceVersion());
    }

    static String nodeOf(Dataset dataset) {
        return dataset.getSpec() == null ? null : dataset.getSpec().getNodeName();
    }

    static String key(io.fabric8.kubernetes.api.model.HasMetadata resource) {
        return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }

    static long generation(Long generation) {
        return generation == null ? 0 : generation;
    }
}
