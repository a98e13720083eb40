package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ModelStatus;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes statuses say what is known of the nodes ({@link Presence}): when a node's flag changes, each of
 * its datasets is judged again through the status inbox (so it is never written twice at once with a
 * report); every check period, any dataset whose Ready disagrees with its node's presence is judged
 * again too (a node not seen within the grace period, a change missed), and each Model's
 * {@code liveNodes} is brought to the number of the nodes it is meant for that are online, and the
 * copies of a model meant for some nodes to those nodes (labels change without a report).
 */
public final class PresenceStatuses {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceStatuses.class);
    /** A node flapping its flag costs a few lines a minute, not one per flip. */
    private final io.edgeai.sync.LogBudget changesLogged = new io.edgeai.sync.LogBudget(20);

    private final Presence presence;
    private final Topics topics;
    private final StatusInbox inbox;
    private final StatusUpstream upstream;
    private final Function<String, Stream<Dataset>> datasetsOn;
    private final Supplier<Stream<Dataset>> datasets;
    private final Supplier<Stream<Model>> models;
    private final ModelTargets targets;
    private final java.util.function.BooleanSupplier nodesListed;
    private final StatusWriter writer;
    private final io.edgeai.sync.mqtt.Refusals refusals;

    public PresenceStatuses(Presence presence, Topics topics, StatusInbox inbox, StatusUpstream upstream,
                            Function<String, Stream<Dataset>> datasetsOn, Supplier<Stream<Dataset>> datasets,
                            Supplier<Stream<Model>> models, ModelTargets targets, java.util.function.BooleanSupplier nodesListed,
                            StatusWriter writer, io.edgeai.sync.mqtt.Refusals refusals) {
        this.refusals = refusals;
        this.targets = targets;
        this.nodesListed = nodesListed;
        this.presence = presence;
        this.topics = topics;
        this.inbox = inbox;
        this.upstream = upstream;
        this.datasetsOn = datasetsOn;
        this.datasets = datasets;
        this.models = models;
        this.writer = writer;
    }

    /**
     * A node's online flag arrived; when it changed what is known of the node, its datasets are
     * judged again.
     *
     * @return whether a status writer must be woken
     */
    public boolean heard(String topic, byte[] payload) {
        return changed(presence.heard(topic, payload));
    }

    /** A node's flag as the periodic re-read that began at {@code readSince} found it ({@link Presence#reread}). */
    public boolean reread(String topic, byte[] payload, long readSince) {
        return changed(presence.reread(topic, payload, readSince));
    }

    /** When a re-read begins, on the presence clock. */
    public long now() {
        return presence.now();
    }

    private boolean changed(String node) {
        if (node == null) {
            return false;
        }
        logChange(node);
        boolean wake = false;
        for (Dataset dataset : (Iterable<Dataset>) datasetsOn.apply(node)::iterator) {
            wake |= rejudge(node, dataset);
        }
        return wake;
    }

    private void logChange(String node) {
        long skipped = changesLogged.take();
        if (skipped >= 0) {
            String state = presence.state(node, 0).name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            if (skipped > 0) {
                LOG.info("node {} is {} (and {} more presence changes not logged, over {} a minute)", node, state, skipped,
                    changesLogged.perWindow());
            } else {
                LOG.info("node {} is {}", node, state);
            }
        }
    }

    /**
     * Level-triggered: every dataset whose Ready disagrees with its node's presence is judged again,
     * and every Model's live node count is written where it is off.
     *
     * @return whether a status writer must be woken
     */
    public boolean check() {
        boolean wake = false;
        for (Dataset dataset : (Iterable<Dataset>) datasets.get()::iterator) {
            String node = DatasetDownstream.nodeOf(dataset);
            if (node != null && upstream.presenceStale(dataset, node)) {
                wake |= rejudge(node, dataset);
            }
        }
        if (!nodesListed.getAsBoolean()) {
            return wake; // the nodes a model is meant for are not known yet: nothing to judge them by
        }
        int everyNode = presence.onlineNodes();
        for (Model model : (Iterable<Model>) models.get()::iterator) {
            TargetNodes meantFor = targets.of(model.getSpec());
            int live = meantFor.isEvery() ? everyNode : presence.onlineNodes(meantFor);
            if (model.getStatus() == null || !Objects.equals(model.getStatus().getLiveNodes(), live)) {
                writeLiveNodes(model, live);
            }
            if (!meantFor.isEvery()) {
                wake |= copiesStale(model, meantFor);
            }
        }
        return wake;
    }

    /**
     * A model meant for some nodes whose status lists a node it is no longer meant for, or counts
     * another number of nodes than it is meant for (a Node's labels changed, a Node went, and no
     * report followed): its copies are counted again through the inbox, one model at a time with its
     * reports. Counting takes nothing off that is still meant, so a status that lags the cache costs
     * a write that changes nothing.
     *
     * @return whether a status writer must be woken
     */
    private boolean copiesStale(Model model, TargetNodes meantFor) {
        ModelStatus status = model.getStatus();
        java.util.Set<String> listed = status == null ? java.util.Set.of()
            : status.getNodes().stream().map(io.edgeai.sync.resources.ModelCopy::node).collect(java.util.stream.Collectors.toSet());
        int total = status == null || status.getCopies() == null ? 0 : status.getCopies().total();
        boolean stale = total != meantFor.names().size() || listed.stream().anyMatch(node -> !meantFor.includes(node));
        // the inbox keeps reports by node: a node of the model's, listed or meant
        java.util.Optional<String> node = stale ? java.util.stream.Stream.concat(listed.stream(), meantFor.names().stream()).sorted().findFirst()
            : java.util.Optional.empty();
        return node.map(name -> inbox.recount(name, topics.modelCopy(name, model.getMetadata().getNamespace(), model.getMetadata().getName())))
            .orElse(false);
    }

    private boolean rejudge(String node, Dataset dataset) {
        return inbox.rejudge(node, topics.datasetStatus(node, dataset.getMetadata().getNamespace(), dataset.getMetadata().getName()));
    }

    private void writeLiveNodes(Model model, int live) {
        try {
            writer.apply(new StatusUpstream.StatusPatch(Model.class, model.getMetadata().getNamespace(), model.getMetadata().getName(),
                Map.of("status", Map.of("liveNodes", live))));
        } catch (io.edgeai.sync.mqtt.RejectedMessage refused) {
            refusals.refused("node-presence-check", refused.getMessage());
        } catch (RuntimeException e) {
            // the API server is away (the informers say so once): the next check tries again
            LOG.debug("live nodes of model {} not written: {}", DatasetDownstream.key(model), e.getMessage());
        }
    }
}
