package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.ModelReport;
import io.edgeai.sync.mqtt.Messages.Readiness;
import io.edgeai.sync.resources.DatasetStatus;
import io.edgeai.sync.resources.ModelStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds JSON merge patches for the status subresource, and only when they would change something
 * (diff before write). A dataset's {@code Ready} condition keeps its {@code lastTransitionTime} while
 * its status stays the same; {@code updateTime} alone never causes a write.
 */
public final class StatusPatches {
    public static final String READY = "Ready";

    private StatusPatches() {
    }

    /** The {@code {"status": {...}}} patch that brings {@code current} to what the report says, if any. */
    public static Optional<Map<String, Object>> dataset(DatasetStatus current, DatasetReport report, Instant now) {
        DatasetStatus was = current == null ? new DatasetStatus() : current;
        Condition previous = was.getConditions().stream().filter(c -> READY.equals(c.getType())).findFirst().orElse(null);
        Condition ready = readyCondition(report.readiness(), report.observedGeneration(), previous, now);
        boolean unchanged = Objects.equals(was.getNumberOfSamples(), report.numberOfSamples())
            && Objects.equals(was.getObservedGeneration(), report.observedGeneration())
            && previous != null && sameCondition(previous, ready);
        if (unchanged) {
            return Optional.empty();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("numberOfSamples", report.numberOfSamples()); // null removes a count we no longer stand by
        if (report.updateTime() != null) {
            status.put("updateTime", report.updateTime());
        }
        status.put("observedGeneration", report.observedGeneration());
        status.put("conditions", List.of(ready));
        return Optional.of(Map.of("status", status));
    }

    public static Optional<Map<String, Object>> model(ModelStatus current, ModelReport report) {
        ModelStatus was = current == null ? new ModelStatus() : current;
        List<?> metrics = report.metrics() == null ? List.of() : report.metrics();
        if (Objects.equals(was.getMetrics(), metrics)) {
            return Optional.empty();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("metrics", metrics);
        status.put("updateTime", report.updateTime());
        return Optional.of(Map.of("status", status));
    }

    static Condition readyCondition(Readiness readiness, long generation, Condition previous, Instant now) {
        String status = readiness.ready() ? "True" : "False";
        String since = previous != null && status.equals(previous.getStatus()) && previous.getLastTransitionTime() != null
            ? previous.getLastTransitionTime()
            : now.toString();
        return new ConditionBuilder()
            .withType(READY)
            .withStatus(status)
            .withReason(readiness.reason())
            .withMessage(readiness.message())
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build();
    }

    private static boolean sameCondition(Condition a, Condition b) {
        return Objects.equals(a.getStatus(), b.getStatus()) && Objects.equals(a.getReason(), b.getReason())
            && Objects.equals(a.getMessage(), b.getMessage()) && Objects.equals(a.getObservedGeneration(), b.getObservedGeneration());
    }
}
