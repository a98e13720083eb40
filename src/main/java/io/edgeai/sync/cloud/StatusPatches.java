package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.Readiness;
import io.edgeai.sync.resources.DatasetStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
            if (condition != null && type.equals(condition.getType())) {
                return condition;
            }
        }
        return null;
    }

    static Condition condition(String type, String status, String reason, String message, long generation, Condition previous,
                                       Instant now) {
        String since = previous != null && status.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
            ? previous.getLastTransitionTime()
            : now.truncatedTo(ChronoUnit.SECONDS).toString(); // as Kubernetes' own conditions: one string per second, shared in the cache
        return new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build();
    }

    static boolean same(Condition a, Condition b) {
        return a != null && b != null && Objects.equals(a.getStatus(), b.getStatus()) && Objects.equals(a.getReason(), b.getReason())
            && Objects.equals(a.getMessage(), b.getMessage()) && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration());
    }
}
