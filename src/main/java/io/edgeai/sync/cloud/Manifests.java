package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.ResourceNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Computes and orders the manifests. An edge drops what it holds that a manifest does not list and
 * was issued before it, so a manifest must never be stamped later than the resource cache it lists:
 * it is stamped first and listed after (see docs/protocol.md). Manifests are computed and published
 * on one thread (the {@code manifest-publish} route), so a node receives its manifests in the order
 * of their stamps.
 *
 * <p>A manifest is only needed to take something away (a delete, a move to another node), and it is
 * a safety net behind the tombstone, so it waits {@code delay} after it was first asked for, and a
 * manifest already waiting is not queued twice: a burst of deletes on a node gives one manifest, not
 * one per delete, each listing all the rest.
 */
public final class Manifests {
    private final Topics topics;
    private final LongSupplier clock;
    private final DatasetDownstream datasets;
    private final ModelDownstream models;
    private final Supplier<List<String>> nodesWithDatasets;
    private final BooleanSupplier synced;
    private final long delayNanos;
    /** Models manifests a tombstone asked for since they were last computed, by topic: the models follow them. */
    private final java.util.Set<String> withModels = ConcurrentHashMap.newKeySet();
    /** Manifests waiting for their turn, by topic, with when they were first asked for. */
    private final Map<String, Long> queued = new ConcurrentHashMap<>();

    /**
     * @param synced waits (bounded) until the resource cache has listed everything: a manifest listed
     *               from a half-filled cache (one namespace listed, another not yet) would make nodes
     *               drop datasets that exist
     * @param delayMillis how long a manifest waits before it is computed, so that a burst gives one
     */
    public Manifests(Topics topics, LongSupplier clock, DatasetDownstream datasets, ModelDownstream models,
                     Supplier<List<String>> nodesWithDatasets, BooleanSupplier synced, long delayMillis) {
        this.synced = synced;
        this.topics = topics;
        this.clock = clock;
        this.datasets = datasets;
        this.models = models;
        this.nodesWithDatasets = nodesWithDatasets;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
    }

    /** Whether this manifest must be queued: false when it is queued already and not yet computed. */
    public boolean enqueue(ManifestDue due) {
        if (due.withModels()) {
            withModels.add(keyOf(due)); // even if queued already: the tombstone that asked was handed to the broker before this
        }
        return queued.putIfAbsent(keyOf(due), System.nanoTime()) == null;
    }

    /**
     * How long this manifest still waits before it is computed. Every manifest waits the same delay
     * and they are taken in the order they were queued, so waiting for the first never delays another
     * past its own time.
     */
    public long waitMillis(ManifestDue due) {
        Long since = queued.get(keyOf(due));
        return since == null ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(since + delayNanos - System.nanoTime()));
    }

    /**
     * The manifest as of now: taken off the queue first, stamped, then listed; a node's models
     * manifest is followed by the models it lists ({@link ModelDownstream#manifestOn} says why).
     */
    public List<Outgoing> compute(ManifestDue due) {
        queued.remove(keyOf(due));
        if (!synced.getAsBoolean()) {
            throw new IllegalStateException("the resource cache has not listed yet; the manifest of " + keyOf(due) + " will be retried");
        }
        return switch (due.kind()) {
            case NODE_MANIFEST -> {
                long issuedAt = clock.getAsLong();
                yield List.of(Outgoing.json(due.topic(topics), new Manifest(datasets.datasetsOn(due.node()), issuedAt)));
            }
            case NODE_MODELS_MANIFEST -> models.manifestOn(due.node(), withModels.remove(keyOf(due)));
            default -> List.of(models.sharedManifest());
        };
    }

    /**
     * Every manifest (re-sent once per resync period): each node that holds datasets, each node that a
     * model names, and the models meant for every node.
     */
    public List<ManifestDue> all() {
        List<ManifestDue> all = new ArrayList<>();
        nodesWithDatasets.get().stream().filter(ResourceNames::valid).distinct().sorted().map(ManifestDue::datasetsOf).forEach(all::add);
        models.namedNodes().stream().map(ManifestDue::modelsListOf).forEach(all::add);
        all.add(ManifestDue.models());
        return all;
    }

    private String keyOf(ManifestDue due) {
        return due.topic(topics);
    }
}
