package io.edgeai.sync.cloud;

import io.edgeai.sync.edge.Reasons;
import io.edgeai.sync.resources.Dataset;
import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The cloud's own Prometheus metrics, beside Camel's per-route ones: datasets by the reason of their
 * Ready condition (what an operator alerts on: NodeOffline, PathNotFound, ...), nodes online, status
 * reports by outcome, Events waiting to be written.
 */
final class CloudMetrics {
    /** Every reason a dataset's Ready can have, and "None" for a dataset with no Ready yet. */
    static final List<String> REASONS = List.of(Reasons.COUNTED, Reasons.NOT_FOUND, Reasons.OUTSIDE_DATA_ROOTS, Reasons.NOT_REGULAR,
        Reasons.UNREADABLE, Reasons.UNKNOWN_FORMAT, Reasons.UNSUPPORTED_URL, Reasons.ENDPOINT_NOT_CONFIGURED, Reasons.UNAUTHORIZED,
        Reasons.UNREACHABLE, StatusPatches.NODE_OFFLINE, StatusPatches.NODE_NOT_FOUND, StatusPatches.PENDING, "None");
    private static final long CENSUS_MILLIS = 5_000;

    private final Supplier<Stream<Dataset>> datasets;
    private Map<String, Long> census = Map.of();
    private long censusAt = Long.MIN_VALUE / 2;

    private CloudMetrics(Supplier<Stream<Dataset>> datasets) {
        this.datasets = datasets;
    }

    static void register(MeterRegistry registry, Supplier<Stream<Dataset>> datasets, Presence presence, StatusWrites writes,
                         KubernetesEvents events) {
        CloudMetrics metrics = new CloudMetrics(datasets);
        for (String reason : REASONS) {
            // a supplier, not a weakly held object: nothing else holds the census
            Gauge.builder("edgeai.datasets", () -> metrics.count(reason)).tag("reason", reason)
                .description("Datasets by the reason of their Ready condition").register(registry);
        }
        Gauge.builder("edgeai.nodes.online", presence, Presence::onlineNodes).description("Edge nodes whose flag says online")
            .register(registry);
        for (String outcome : List.of("written", "unchanged", "refused", "failed")) {
            FunctionCounter.builder("edgeai.status.reports", writes, w -> w.reports(outcome)).tag("outcome", outcome)
                .description("Status reports judged: written, unchanged, refused, failed (tried again)").register(registry);
        }
        Gauge.builder("edgeai.events.backlog", events, KubernetesEvents::backlog).description("Kubernetes Events waiting to be made")
            .register(registry);
    }

    /** Counted from the cache at most once per census period, whatever the scrape rate. */
    private synchronized long count(String reason) {
        long now = System.currentTimeMillis();
        if (now - censusAt >= CENSUS_MILLIS) {
            Map<String, Long> counted = new HashMap<>();
            datasets.get().forEach(dataset -> counted.merge(reasonOf(dataset), 1L, Long::sum));
            census = counted;
            censusAt = now;
        }
        return census.getOrDefault(reason, 0L);
    }

    private static String reasonOf(Dataset dataset) {
        Condition ready = StatusPatches.find(dataset.getStatus(), StatusPatches.READY);
        return ready == null || ready.getReason() == null ? "None" : ready.getReason();
    }
}
