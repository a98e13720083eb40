package io.edgeai.sync.cloud;

import static io.edgeai.sync.cloud.StatusPatches.READY;

import io.edgeai.sync.mqtt.Messages.ModelCopyReport;
import io.edgeai.sync.mqtt.Messages.ModelReport;
import io.edgeai.sync.resources.ModelCopies;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import io.edgeai.sync.resources.ModelStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Merge patches for a Model's status, and only when they would change something: the metrics a node
 * forwarded, and each node's copy (the list, its counts and the Ready condition). The conditions are
 * built as {@link StatusPatches} builds a dataset's.
 */
public final class ModelStatusPatches {
    /** At most this many nodes' copies are listed in a model's status (an object must stay well under etcd's 1.5 MiB). */
    public static final int MAX_COPIES_LISTED = 1000;
    /** A listed copy's message is cut to this many characters, for the same reason. */
    private static final int MAX_COPY_MESSAGE = 256;
    /** Nodes named per phase in the Ready condition's message. */
    private static final int NAMED_PER_PHASE = 5;
    /** Copies that cannot be used (a missing one is neither available nor failed). */
    private static final Set<String> FAILED = Set.of(ModelCopy.CHECKSUM_MISMATCH, ModelCopy.UNREADABLE, ModelCopy.OUTSIDE_DATA_ROOTS);

    private ModelStatusPatches() {
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

    /** The patch that takes the metrics off when the node they came from cleared them; empty if they came from another. */
    public static Optional<Map<String, Object>> metricsGone(ModelStatus current, String node) {
        if (current == null || !node.equals(current.getMetricsNode())) {
            return Optional.empty();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("metrics", null);
        status.put("metricsNode", null);
        return Optional.of(Map.of("status", status));
    }

    /**
     * The patch that puts a node's report of its copy into the model's status: its entry in
     * {@code nodes}, the {@code copies} counts, {@code available} as {@code 2/3}, and the Ready
     * condition, True when every node that reported holds a copy (matching {@code spec.sha256} if it
     * is set). The digest is judged here against the spec as it is now, so a report made for an
     * earlier {@code sha256} counts for what it is. Empty when nothing changes.
     */
    public static Optional<Map<String, Object>> modelCopy(ModelStatus current, ModelSpec spec, TargetNodes targets, String node,
                                                          ModelCopyReport report, Instant now) {
        ModelStatus was = current == null ? new ModelStatus() : current;
        if (!targets.includes(node)) {
            // not (or no longer) meant for this node: it is taken off the list, not put on it
            return modelCopyGone(current, spec, targets, node, report.generation(), now);
        }
        ModelCopy copy = judged(new ModelCopy(node, report.phase(), report.sizeBytes(), report.files(), report.sha256(),
            abbreviated(report.message()), report.updateTime()), spec);
        java.util.TreeMap<String, ModelCopy> byNode = listed(was, spec, targets);
        ModelCopy previous = byNode.get(node);
        if (previous == null && byNode.size() >= MAX_COPIES_LISTED) {
            throw new io.edgeai.sync.mqtt.RejectedMessage("model " + report.namespace() + "/" + report.name() + " lists " + MAX_COPIES_LISTED
                + " nodes' copies already; the copy on " + node + " is not listed");
        }
        if (previous != null && sameCopy(previous, copy)) {
            copy = previous; // the same copy, reported again: keep when it was seen
        }
        byNode.put(node, copy);
        return copiesPatch(was, spec, targets, byNode, report.generation(), now);
    }

    /** The patch that takes a node's copy off the model's status (its report was cleared); empty if it is not listed. */
    public static Optional<Map<String, Object>> modelCopyGone(ModelStatus current, ModelSpec spec, TargetNodes targets, String node,
                                                              long generation, Instant now) {
        ModelStatus was = current == null ? new ModelStatus() : current;
        java.util.TreeMap<String, ModelCopy> byNode = listed(was, spec, targets);
        byNode.remove(node);
        return copiesPatch(was, spec, targets, byNode, generation, now);
    }

    /** The patch that counts a model's copies again against the nodes it is meant for now (they changed with no report); empty when nothing changes. */
    public static Optional<Map<String, Object>> copiesRecounted(ModelStatus current, ModelSpec spec, TargetNodes targets, long generation,
                                                                Instant now) {
        ModelStatus was = current == null ? new ModelStatus() : current;
        return copiesPatch(was, spec, targets, listed(was, spec, targets), generation, now);
    }

    /** A copy's message, as listed: short, so that 1,000 nodes' copies stay well under etcd's limit on an object. */
    private static String abbreviated(String message) {
        return message == null || message.length() <= MAX_COPY_MESSAGE ? message : message.substring(0, MAX_COPY_MESSAGE - 1) + "…";
    }

    /** The copies listed, judged against the spec as it is now: those of nodes the model is no longer meant for are left out. */
    private static java.util.TreeMap<String, ModelCopy> listed(ModelStatus was, ModelSpec spec, TargetNodes targets) {
        java.util.TreeMap<String, ModelCopy> byNode = new java.util.TreeMap<>();
        for (ModelCopy listed : was.getNodes()) {
            if (targets.includes(listed.node())) {
                byNode.put(listed.node(), judged(listed, spec));
            }
        }
        return byNode;
    }

    private static Optional<Map<String, Object>> copiesPatch(ModelStatus was, ModelSpec spec, TargetNodes targets,
                                                             java.util.TreeMap<String, ModelCopy> byNode, long generation, Instant now) {
        List<ModelCopy> nodes = List.copyOf(byNode.values());
        // a model meant for some nodes counts every one of them, reported or not; else every node that reported
        List<String> unreported = targets.isEvery() ? List.of()
            : targets.names().stream().filter(target -> !byNode.containsKey(target)).sorted().toList();
        ModelCopies copies = new ModelCopies(count(nodes, ModelCopy.PRESENT),
            (int) nodes.stream().filter(c -> FAILED.contains(c.phase())).count(), nodes.size() + unreported.size());
        Condition ready = modelReady(nodes, unreported, copies, spec, !targets.isEvery(), generation, StatusPatches.find(was.getConditions(), READY), now);
        String available = copies.available() + "/" + copies.total();
        boolean staleMetrics = was.getMetricsNode() != null && !targets.includes(was.getMetricsNode());
        if (nodes.equals(was.getNodes()) && copies.equals(was.getCopies()) && available.equals(was.getAvailable())
            && StatusPatches.same(StatusPatches.find(was.getConditions(), READY), ready) && !staleMetrics) {
            return Optional.empty();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        if (staleMetrics) {
            // the metrics came from a node the model is no longer meant for
            status.put("metrics", null);
            status.put("metricsNode", null);
        }
        status.put("nodes", nodes);
        status.put("copies", copies);
        status.put("available", available);
        status.put("conditions", List.of(ready));
        return Optional.of(Map.of("status", status));
    }

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
        return copy.withPhase(ModelCopy.CHECKSUM_MISMATCH, ModelCopy.mismatch(copy.sha256(), expected));
    }

    private static boolean sameCopy(ModelCopy a, ModelCopy b) {
        return Objects.equals(a.phase(), b.phase()) && Objects.equals(a.sizeBytes(), b.sizeBytes()) && Objects.equals(a.files(), b.files())
            && Objects.equals(a.sha256(), b.sha256()) && Objects.equals(a.message(), b.message());
    }

    private static int count(List<ModelCopy> nodes, String phase) {
        return (int) nodes.stream().filter(c -> phase.equals(c.phase())).count();
    }

    private static Condition modelReady(List<ModelCopy> nodes, List<String> unreported, ModelCopies copies, ModelSpec spec, boolean targeted,
                                        long generation, Condition previous, Instant now) {
        boolean checked = spec != null && spec.getSha256() != null;
        if (copies.total() == 0) {
            return StatusPatches.condition(READY, "False", "NoTargetNodes",
                targeted ? "no node is meant for this model (spec.nodeNames, spec.nodeSelector)" : "no node reports a copy of this model",
                generation, previous, now);
        }
        if (copies.available() == copies.total()) {
            return StatusPatches.condition(READY, "True", "Available", (targeted ? "every node the model is meant for" : "every node that reported")
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
        return StatusPatches.condition(READY, "False", reason, message.toString(), generation, previous, now);
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
}
