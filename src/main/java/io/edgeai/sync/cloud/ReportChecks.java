package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.ModelCopyReport;
import io.edgeai.sync.mqtt.Messages.ModelReport;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelMetric;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * What the cloud accepts from a node's report before it writes it: the limits kube-apiserver puts on
 * a status (a condition's reason and message), values that make sense (counts at or above zero, a
 * generation the resource has reached), and times that are dates not too far ahead, else replaced by
 * the cloud's own. Anything else is refused with the reason, and never written.
 */
final class ReportChecks {
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    /** kube-apiserver's limit on {@code Condition.message}. */
    static final int MAX_MESSAGE_BYTES = 32 * 1024;
    private static final java.util.regex.Pattern REVISION = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final java.util.regex.Pattern SHA256 = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");
    /** kube-apiserver's rule and limit for {@code Condition.reason}. */
    static final Pattern REASON = Pattern.compile("[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?");
    static final int MAX_REASON_LENGTH = 1024;
    static final int MAX_METRICS = 100;
    static final int MAX_METRIC_KEY = 253;
    static final int MAX_METRIC_VALUE = 1024;

    private ReportChecks() {
    }

    /** The report as it may be written, for a resource now at {@code generation}. */
    static DatasetReport dataset(DatasetReport report, long generation, Instant now, long maxAheadMillis) {
        String what = "dataset status for " + report.namespace() + "/" + report.name();
        requireUid(report.uid(), what);
        if (report.observedGeneration() < 0 || report.observedGeneration() > generation) {
            throw new RejectedMessage(what + " observed generation " + report.observedGeneration() + ", the resource is at " + generation);
        }
        if (report.numberOfSamples() != null && report.numberOfSamples() < 0) {
            throw new RejectedMessage(what + " has a negative count " + report.numberOfSamples());
        }
        if (report.readiness() == null) {
            throw new RejectedMessage(what + " has no readiness");
        }
        if (report.readiness().ready() && report.numberOfSamples() == null) {
            throw new RejectedMessage(what + " is ready without a count");
        }
        String reason = report.readiness().reason();
        if (reason == null || reason.length() > MAX_REASON_LENGTH || !REASON.matcher(reason).matches()) {
            throw new RejectedMessage(what + " has a reason that is not a CamelCase word: " + abbreviate(reason));
        }
        checkMessage(report.readiness().message(), what);
        checkNotNegative(what, report.sizeBytes(), report.files());
        if (report.revision() != null && !REVISION.matcher(report.revision()).matches()) {
            throw new RejectedMessage(what + " has a revision that is not 1 to 64 letters, digits, '.', '_' or '-': " + abbreviate(report.revision()));
        }
        return new DatasetReport(report.namespace(), report.name(), report.uid(), report.observedGeneration(), report.numberOfSamples(),
            saneTime(report.updateTime(), now, maxAheadMillis), report.readiness(), report.sizeBytes(), report.files(), report.revision());
    }

    static ModelReport model(ModelReport report, Instant now, long maxAheadMillis) {
        String what = "model metrics for " + report.namespace() + "/" + report.name();
        requireUid(report.uid(), what);
        if (report.metrics() != null) {
            if (report.metrics().size() > MAX_METRICS) {
                throw new RejectedMessage(what + " has " + report.metrics().size() + " metrics; at most " + MAX_METRICS + " are kept");
            }
            for (ModelMetric metric : report.metrics()) {
                if (metric == null || metric.key() == null || metric.key().isEmpty() || metric.key().length() > MAX_METRIC_KEY
                    || metric.value() == null || metric.value().length() > MAX_METRIC_VALUE) {
                    throw new RejectedMessage(what + " has a metric without a key, without a value, or too long");
                }
            }
        }
        return new ModelReport(report.namespace(), report.name(), report.uid(), report.metrics(),
            saneTime(report.updateTime(), now, maxAheadMillis));
    }

    /** A copy report's phase is one the cloud knows, its digest SHA-256 hex, its numbers not negative, its message bounded. */
    static ModelCopyReport modelCopy(ModelCopyReport report, Instant now, long maxAheadMillis) {
        String what = "model copy for " + report.namespace() + "/" + report.name();
        requireUid(report.uid(), what);
        if (report.phase() == null || !ModelCopy.PHASES.contains(report.phase())) {
            throw new RejectedMessage(what + " has phase " + abbreviate(report.phase()) + ", not one of " + ModelCopy.PHASES);
        }
        boolean read = ModelCopy.PRESENT.equals(report.phase()) || ModelCopy.CHECKSUM_MISMATCH.equals(report.phase());
        if (read && report.sha256() == null) {
            throw new RejectedMessage(what + " is " + report.phase() + " without the digest it was judged by");
        }
        if (report.sha256() != null && !SHA256.matcher(report.sha256()).matches()) {
            throw new RejectedMessage(what + " has a digest that is not 64 hex digits: " + abbreviate(report.sha256()));
        }
        checkNotNegative(what, report.sizeBytes(), report.files(), report.generation());
        checkMessage(report.message(), what);
        return new ModelCopyReport(report.namespace(), report.name(), report.uid(), report.generation(), report.phase(), report.sizeBytes(),
            report.files(), report.sha256() == null ? null : report.sha256().toLowerCase(java.util.Locale.ROOT), report.message(),
            saneTime(report.updateTime(), now, maxAheadMillis));
    }

    /** A message at most {@value #MAX_MESSAGE_BYTES} bytes long, or none. */
    private static void checkMessage(String message, String what) {
        if (message != null && message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new RejectedMessage(what + " has a message over " + MAX_MESSAGE_BYTES + " bytes");
        }
    }

    /** Sizes, counts and generations are not negative (null: not given). */
    private static void checkNotNegative(String what, Long... numbers) {
        for (Long number : numbers) {
            if (number != null && number < 0) {
                throw new RejectedMessage(what + " has a negative size, file count or generation: " + number);
            }
        }
    }

    /** An RFC 3339 time no later than {@code maxAhead} from now, else now. */
    static String saneTime(String reported, Instant now, long maxAheadMillis) {
        if (reported == null) {
            return now.toString();
        }
        try {
            Instant time = Instant.parse(reported);
            return time.isAfter(now.plusMillis(maxAheadMillis)) ? now.toString() : time.toString();
        } catch (DateTimeParseException e) {
            return now.toString();
        }
    }

    private static void requireUid(String uid, String what) {
        if (uid == null || uid.isBlank()) {
            throw new RejectedMessage(what + " names no resource uid");
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "none" : text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
