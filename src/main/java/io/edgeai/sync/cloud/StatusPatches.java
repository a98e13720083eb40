package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.ModelCopyReport;
import io.edgeai.sync.mqtt.Messages.ModelReport;
import io.edgeai.sync.mqtt.Messages.Readiness;
import io.edgeai.sync.resources.DatasetStatus;
import io.edgeai.sync.resources.ModelCopies;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import io.edgeai.sync.resources.ModelStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Builds JSON merge patches for the status subresource, and only when they would change something
 * (diff before write). A dataset carries two conditions: {@code Counted}, the edge's own word on its
 * count, and {@code Ready}, what a user should go by: the same as {@code Counted} while the node is
 * online, {@code Unknown} with reason {@code NodeOffline} or {@code NodeNotFound} while it is not (the
 * last count stays). Keeping the edge's word apart lets Ready come back when the node does, with no
 * report to wait for. A condition keeps its {@code lastTransitionTime} while its status stays the
 * same; {@code updateTime} alone never causes a write.
 */
public final class StatusPatches {
    public static final String READY = "Ready";
    public static final String COUNTED = "Counted";
    public static final String NODE_OFFLINE = "NodeOffline";
    public static final String NODE_NOT_FOUND = "NodeNotFound";
    /** Ready after the node came back, until its count arrives. */
    public static final String PENDING = "Pending";
    private static final Set<String> PRESENCE_REASONS = Set.of(NODE_OFFLINE, NODE_NOT_FOUND, PENDING);

    /** What the cloud knows of a dataset's node. */
    public record NodeView(String node, Presence.State state, long graceMillis) {
    }

    private StatusPatches() {
    }

    /** The {@code {"status": {...}}} patch that brings {@code current} to what the report says, if any. */
    public static Optional<Map<String, Object>> dataset(DatasetStatus current, DatasetReport report, NodeView node, Instant now) {
        DatasetStatus was = current == null ? new DatasetStatus() : current;
        Condition previousCounted = counted(was);
        Readiness readiness = report.readiness();
        Condition counted = condition(COUNTED, readiness.ready() ? "True" : "False", readiness.reason(), readiness.message(),
            report.observedGeneration(), previousCounted, now);
        Condition previousReady = find(was, READY);
        Condition ready = ready(counted, node, report.observedGeneration(), previousReady, now);
        boolean unchanged = Objects.equals(was.getNumberOfSamples(), report.numberOfSamples())
            && Objects.equals(was.getSizeBytes(), report.sizeBytes()) && Objects.equals(was.getFiles(), report.files())
            && Objects.equals(was.getRevision(), report.revision())
            && Objects.equals(was.getObservedGeneration(), report.observedGeneration())
            && same(previousCounted, counted) && same(previousReady, ready) && find(was, COUNTED) != null;
        if (unchanged) {
            return Optional.empty();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("numberOfSamples", report.numberOfSamples()); // null removes a count we no longer stand by
        status.put("sizeBytes", report.sizeBytes());
        status.put("files", report.files());
        status.put("revision", report.revision());
        if (report.updateTime() != null) {
            status.put("updateTime", report.updateTime());
        }
        status.put("observedGeneration", report.observedGeneration());
        status.put("conditions", List.of(ready, counted));
        return Optional.of(Map.of("status", status));
    }

    /**
     * The patch that brings a dataset's Ready condition in line with what is known of its node, the
     * edge's last word and count unchanged; empty when Ready already says so.
     */
    public static Optional<Map<String, Object>> presence(DatasetStatus current, NodeView node, long generation, Instant now) {
        DatasetStatus was = current == null ? new DatasetStatus() : current;
        Condition counted = counted(was);
        Condition previous = find(was, READY);
        Condition ready = ready(counted, node, generation, previous, now);
        if (ready == null || same(previous, ready)) {
            return Optional.empty();
        }
        return Optional.of(Map.of("status", Map.of("conditions", counted == null ? List.of(ready) : List.of(ready, counted))));
    }

    /** The Ready condition for the edge's word and the node's presence; null when there is nothing to say. */
    static Condition ready(Condition counted, NodeView node, long generation, Condition previous, Instant now) {
        long observed = counted != null && counted.getObservedGeneration() != null ? counted.getObservedGeneration() : generation;
        String last = counted != null ? "; the count is from its last report" : "";
        return switch (node.state()) {
            case OFFLINE -> condition(READY, "Unknown", NODE_OFFLINE,
                "node " + node.node() + " is offline: its connection to the broker dropped" + last, observed, previous, now);
            case NOT_FOUND -> condition(READY, "Unknown", NODE_NOT_FOUND, "node " + node.node() + " has not been seen in "
                + node.graceMillis() / 1000 + " s: does spec.nodeName name an edge node that runs edgeai-sync?", observed, previous, now);
            case ONLINE, UNSEEN -> {
                if (counted != null) {
                    yield condition(READY, counted.getStatus(), counted.getReason(), counted.getMessage(), observed, previous, now);
                }
                // back from offline or not found before any count: say so rather than keep a stale reason
                boolean stale = previous != null && PRESENCE_REASONS.contains(previous.getReason()) && !PENDING.equals(previous.getReason());
                yield stale ? condition(READY, "Unknown", PENDING, "node " + node.node() + " is back; its count has not arrived yet",
                    observed, previous, now) : null;
            }
        };
    }

    /**
     * The edge's last word: its Counted condition, or in a status written before there was one, a
     * Ready condition that says what the edge said.
     */
    static Condition counted(DatasetStatus status) {
        Condition counted = find(status, COUNTED);
        if (counted != null) {
            return counted;
        }
        Condition ready = find(status, READY);
        if (ready == null || PRESENCE_REASONS.contains(ready.getReason())) {
            return null;
        }
        return new ConditionBuilder(ready).withType(COUNTED).build();
    }

    /** The Ready condition a patch of this class writes, or null. */
    static Condition readyIn(Map<String, Object> patch) {
        if (patch.get("status") instanceof Map<?, ?> status && status.get("conditions") instanceof List<?> conditions) {
            for (Object condition : conditions) {
                if (condition instanceof Condition c && READY.equals(c.getType())) {
                    return c;
                }
            }
        }
        return null;
    }

    /** The condition of that type, or null. */
    public static Condition find(DatasetStatus status, String type) {
        return status == null ? null : find(status.getConditions(), type);
    }

    /** The condition of that type, or null. */
    public static Condition find(List<Condition> conditions, String type) {
        for (Condition condition : conditions) {
            if (type.equals(condition.getType())) {
                return condition;
            }
        }
        return null;
    }

    /** The patch that writes the metrics a node forwarded, and which node that was. */
    public static Optional<Map<String, Object>> model(ModelStatus current, String node, ModelReport report) {
        ModelStatus was = current == null ? new ModelStatus() : current;
        List<?> metrics = report.metrics() == null ? List.of() : report.metrics();
        if (Objects.equals(was.getMetrics(), metrics) && Objects.equals(was.getMetricsNode(), node)) {
            return Optional.empty();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("metrics", metrics);
        status.put("metricsNode", node);
        status.put("updateTime", report.updateTime());
        return Optional.of(Map.of("status", status));
    }

    /** At most this many nodes' copies are listed in a model's status (an object must stay well under etcd's 1.5 MiB). */
    public static final int MAX_COPIES_LISTED = 1000;
    /** Nodes named per phase in the Ready condition's message. */
    private static final int NAMED_PER_PHASE = 5;

    /**
     * The patch that puts a node's report of its copy into the model's status: its entry in
     * {@code nodes}, the {@code copies} counts, {@code available} as {@code 2/3}, and the Ready
     * condition, True when every node that reported holds a copy (matching {@code spec.sha256} if it
     * is set). The digest is judged here against the spec as it is now, so a report made for an
     * earlier {@code sha256} counts for what it is. Empty when nothing changes.
     */
    public static Optional<Map<String, Object>> modelCopy(ModelStatus current, ModelSpec spec, String node, ModelCopyReport report, Instant now) {
        ModelStatus was = current == null ? new ModelStatus() : current;
        if (spec != null && !spec.targets(node)) {
            // not (or no longer) meant for this node: it is taken off the list, not put on it
            return modelCopyGone(current, spec, node, report.generation(), now);
        }
        ModelCopy copy = judged(new ModelCopy(node, report.phase(), report.sizeBytes(), report.files(), report.sha256(),
            abbreviated(report.message()), report.updateTime()), spec);
        java.util.TreeMap<String, ModelCopy> byNode = listed(was, spec);
        ModelCopy previous = byNode.get(node);
        if (previous == null && byNode.size() >= MAX_COPIES_LISTED) {
            throw new io.edgeai.sync.mqtt.RejectedMessage("model " + report.namespace() + "/" + report.name() + " lists " + MAX_COPIES_LISTED
                + " nodes' copies already; the copy on " + node + " is not listed");
        }
        if (previous != null && sameCopy(previous, copy)) {
            copy = previous; // the same copy, reported again: keep when it was seen
        }
        byNode.put(node, copy);
        return copiesPatch(was, spec, byNode, report.generation(), now);
    }

    /** The patch that takes a node's copy off the model's status (its report was cleared); empty if it is not listed. */
    public static Optional<Map<String, Object>> modelCopyGone(ModelStatus current, ModelSpec spec, String node, long generation, Instant now) {
        ModelStatus was = current == null ? new ModelStatus() : current;
        java.util.TreeMap<String, ModelCopy> byNode = listed(was, spec);
        byNode.remove(node);
        return copiesPatch(was, spec, byNode, generation, now);
    }

    /** A copy's message, as listed: short, so that 1,000 nodes' copies stay well under etcd's limit on an object. */
    private static String abbreviated(String message) {
        return message == null || message.length() <= MAX_COPY_MESSAGE ? message : message.substring(0, MAX_COPY_MESSAGE - 1) + "…";
    }

    private static final int MAX_COPY_MESSAGE = 256;

    /** The copies listed, judged against the spec as it is now: those of nodes the model is no longer meant for are left out. */
    private static java.util.TreeMap<String, ModelCopy> listed(ModelStatus was, ModelSpec spec) {
        java.util.TreeMap<String, ModelCopy> byNode = new java.util.TreeMap<>();
        for (ModelCopy listed : was.getNodes()) {
            if (spec == null || spec.targets(listed.node())) {
                byNode.put(listed.node(), judged(listed, spec));
            }
        }
        return byNode;
    }

    private static Optional<Map<String, Object>> copiesPatch(ModelStatus was, ModelSpec spec, java.util.TreeMap<String, ModelCopy> byNode,
                                                             long generation, Instant now) {
        List<ModelCopy> nodes = List.copyOf(byNode.values());
        // with spec.nodeNames, every one of them counts, reported or not; else every node that reported
        List<String> unreported = spec == null || spec.getNodeNames() == null ? List.of()
            : spec.getNodeNames().stream().filter(target -> !byNode.containsKey(target)).sorted().toList();
        ModelCopies copies = new ModelCopies(count(nodes, ModelCopy.PRESENT),
            (int) nodes.stream().filter(c -> FAILED.contains(c.phase())).count(), nodes.size() + unreported.size());
        Condition ready = modelReady(nodes, unreported, copies, spec, generation, find(was.getConditions(), READY), now);
        String available = copies.available() + "/" + copies.total();
        if (nodes.equals(was.getNodes()) && copies.equals(was.getCopies()) && available.equals(was.getAvailable())
            && same(find(was.getConditions(), READY), ready)) {
            return Optional.empty();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("nodes", nodes);
        status.put("copies", copies);
        status.put("available", available);
        status.put("conditions", List.of(ready));
        return Optional.of(Map.of("status", status));
    }

    private static final Set<String> FAILED = Set.of(ModelCopy.CHECKSUM_MISMATCH, ModelCopy.UNREADABLE, ModelCopy.OUTSIDE_DATA_ROOTS);

    /** A copy that was read, judged against {@code spec.sha256} as it is now. */
    private static ModelCopy judged(ModelCopy copy, ModelSpec spec) {
        boolean read = ModelCopy.PRESENT.equals(copy.phase()) || ModelCopy.CHECKSUM_MISMATCH.equals(copy.phase());
        String expected = spec == null ? null : spec.getSha256();
        if (!read) {
            return copy;
        }
        if (copy.sha256() == null) {
            return expected == null ? copy : copy.withPhase(ModelCopy.CHECKSUM_MISMATCH, "the copy's SHA-256 is not known");
        }
        if (expected == null || expected.equalsIgnoreCase(copy.sha256())) {
            return copy.withPhase(ModelCopy.PRESENT, null);
        }
        return copy.withPhase(ModelCopy.CHECKSUM_MISMATCH, "the copy's SHA-256 is " + copy.sha256() + ", spec.sha256 is " + expected);
    }

    private static boolean sameCopy(ModelCopy a, ModelCopy b) {
        return Objects.equals(a.phase(), b.phase()) && Objects.equals(a.sizeBytes(), b.sizeBytes()) && Objects.equals(a.files(), b.files())
            && Objects.equals(a.sha256(), b.sha256()) && Objects.equals(a.message(), b.message());
    }

    private static int count(List<ModelCopy> nodes, String phase) {
        return (int) nodes.stream().filter(c -> phase.equals(c.phase())).count();
    }

    private static Condition modelReady(List<ModelCopy> nodes, List<String> unreported, ModelCopies copies, ModelSpec spec, long generation,
                                        Condition previous, Instant now) {
        boolean checked = spec != null && spec.getSha256() != null;
        boolean targeted = spec != null && spec.getNodeNames() != null;
        if (copies.total() == 0) {
            return condition(READY, "False", "NoTargetNodes", targeted ? "spec.nodeNames is empty" : "no node reports a copy of this model",
                generation, previous, now);
        }
        if (copies.available() == copies.total()) {
            return condition(READY, "True", "Available", (targeted ? "every node in spec.nodeNames" : "every node that reported")
                + " holds the model (" + copies.total() + " of " + copies.total() + ")" + (checked ? ", matching spec.sha256" : ""),
                generation, previous, now);
        }
        String reason = count(nodes, ModelCopy.CHECKSUM_MISMATCH) > 0 ? ModelCopy.CHECKSUM_MISMATCH : "Partial";
        StringBuilder message = new StringBuilder(copies.available() + " of " + copies.total() + " copies available");
        for (String phase : ModelCopy.PHASES) {
            if (!phase.equals(ModelCopy.PRESENT)) {
                name(message, phase + " on ", nodes.stream().filter(c -> phase.equals(c.phase())).map(ModelCopy::node).toList());
            }
        }
        name(message, "not reported by ", unreported);
        return condition(READY, "False", reason, message.toString(), generation, previous, now);
    }

    /** Appends {@code what} and the first few nodes, and how many more there are. */
    private static void name(StringBuilder message, String what, List<String> nodes) {
        if (nodes.isEmpty()) {
            return;
        }
        message.append("; ").append(what).append(String.join(", ", nodes.subList(0, Math.min(NAMED_PER_PHASE, nodes.size()))));
        if (nodes.size() > NAMED_PER_PHASE) {
            message.append(" and ").append(nodes.size() - NAMED_PER_PHASE).append(" more");
        }
    }

    private static Condition condition(String type, String status, String reason, String message, long generation, Condition previous,
                                       Instant now) {
        String since = previous != null && status.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
            ? previous.getLastTransitionTime()
            : now.toString();
        return new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build();
    }

    private static boolean same(Condition a, Condition b) {
        return a != null && b != null && Objects.equals(a.getStatus(), b.getStatus()) && Objects.equals(a.getReason(), b.getReason())
            && Objects.equals(a.getMessage(), b.getMessage()) && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration());
    }
}
