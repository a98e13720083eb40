package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.RejectedMessage;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A status report refused although it names a resource that exists (from a node that does not own
 * it, for an earlier incarnation): besides the log line, the resource gets a Warning Event, so its
 * owner sees from kubectl that something reports for it.
 */
public final class RefusedReport extends RejectedMessage {
    public static final String EVENT_REASON = "StatusRefused";

    private final transient HasMetadata resource;

    public RefusedReport(String reason, HasMetadata resource) {
        super(reason);
        this.resource = resource;
    }

    public HasMetadata resource() {
        return resource;
    }
}
