package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.ResourceNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Computes and orders the manifests. An edge drops what it holds that a manifest does not list and
 * was issued before it, so a manifest must never be stamped later than the resource cache it lists:
 * it is stamped first and listed after (see docs/protocol.md). Manifests are computed and published
 * on one thread (the {@code manifest-publish} route), so a node receives its manifests in the order
 * of their stamps, and a manifest already waiting for its turn is not queued twice: a burst of
 * changes on a node gives one manifest, listed when its turn comes.
 */
public final class Manifests {
    private static final String MODELS = "";

    private final Topics topics;
    private final LongSupplier clock;
    private final DatasetDownstream datasets;
    private final ModelDownstream models;
    private final Supplier<List<String>> nodesWithDatasets;
    private final BooleanSupplier synced;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /**
     * @param synced waits (bounded) until the resource cache has listed everything: a manifest listed
     *               from a half-filled cache (one namespace listed, another not yet) would make nodes
     *               drop datasets that exist
     */
    public Manifests(Topics topics, LongSupplier clock, DatasetDownstream datasets, ModelDownstream models,
                     Supplier<List<String>> nodesWithDatasets, BooleanSupplier synced) {
        this.synced = synced;
        this.topics = topics;
        this.clock = clock;
        this.datasets = datasets;
        this.models = models;
        this.nodesWithDatasets = nodesWithDatasets;
    }

    /** Whether this manifest must be queued: false when it is queued already and not yet computed. */
    public boolean enqueue(ManifestDue due) {
        return queued.add(keyOf(due));
    }

    /** The manifest as of now: taken off the queue first, stamped, then listed. */
    public Outgoing compute(ManifestDue due) {
        queued.remove(keyOf(due));
        if (!synced.getAsBoolean()) {
            throw new IllegalStateException("the resource cache has not listed yet; the manifest of " + keyOf(due) + " will be retried");
        }
        long issuedAt = clock.getAsLong();
        if (due.node() == null) {
            return Outgoing.json(topics.modelsManifest(), new Manifest(models.allModels(), issuedAt));
        }
        return Outgoing.json(topics.nodeManifest(due.node()), new Manifest(datasets.datasetsOn(due.node()), issuedAt));
    }

    /** Every manifest: each node that holds datasets, and the models (re-sent once per resync period). */
    public List<ManifestDue> all() {
        List<ManifestDue> all = new ArrayList<>();
        nodesWithDatasets.get().stream().filter(ResourceNames::valid).distinct().sorted().map(ManifestDue::datasetsOf).forEach(all::add);
        all.add(ManifestDue.models());
        return all;
    }

    private static String keyOf(ManifestDue due) {
        return due.node() == null ? MODELS : due.node();
    }
}
