package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Refusals;
import io.edgeai.sync.mqtt.RejectedMessage;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the reports waiting in the {@link StatusInbox}, each judged by {@link StatusUpstream} and
 * written by {@link StatusWriter}, until none waits. Several writers run at once (the status-write
 * route's consumers), each taking the next report fairly. A refused report is logged (at a bounded
 * rate) and dropped; a write that failed for a reason that may pass (the API server unreachable, a
 * 5xx, a cache not listed yet) waits again, and this writer backs off before it takes the next.
 */
public final class StatusWrites {
    private static final Logger LOG = LoggerFactory.getLogger(StatusWrites.class);
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final StatusInbox inbox;
    private final BooleanSupplier leading;
    private final StatusUpstream upstream;
    private final StatusWriter writer;
    private final Refusals refusals;
    private final KubernetesEvents events;
    private final java.util.concurrent.atomic.LongAdder written = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder unchanged = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();

    /**
     * @param leading whether this replica leads: one that lost the lease drops what waits, unwritten
     * @param events  told of every change of a Ready condition written, and of every refused report
     *                that names a resource
     */
    public StatusWrites(StatusInbox inbox, BooleanSupplier leading, StatusUpstream upstream, StatusWriter writer, Refusals refusals,
                        KubernetesEvents events) {
        this.events = events;
        this.inbox = inbox;
        this.leading = leading;
        this.upstream = upstream;
        this.writer = writer;
        this.refusals = refusals;
    }

    /** Reports judged since start, by outcome: written, unchanged (nothing to write), refused, failed (to be tried again). */
    public long reports(String outcome) {
        return switch (outcome) {
            case "written" -> written.sum();
            case "unchanged" -> unchanged.sum();
            case "refused" -> refused.sum();
            case "failed" -> failed.sum();
            default -> throw new IllegalArgumentException(outcome);
        };
    }

    private void write(StatusInbox.Report report) {
        StatusUpstream.StatusPatch patch = upstream.patchFor(report.topic(), report.payload());
        if (patch != null) {
            upstream.wrote(patch, writer.apply(patch));
            written.increment();
            if (patch.readyChanged() != null) {
                events.readyChanged(patch.readyChanged());
            }
        } else {
            unchanged.increment();
        }
    }

    /** Called once per wake-up the inbox asked for: writes until nothing waits. */
    public void drain() throws InterruptedException {
        inbox.wokeUp();
        long backoff = 0;
        Optional<StatusInbox.Report> next;
        while ((next = inbox.next()).isPresent()) {
            StatusInbox.Report report = next.get();
            boolean retry = false;
            try {
                if (!leading.getAsBoolean()) {
                    continue; // the leader has it from the broker, which retains every status
                }
                Object lock = upstream.writeLock(report.topic());
                if (lock == null) {
                    write(report);
                } else {
                    synchronized (lock) {
                        write(report);
                    }
                }
                backoff = 0;
            } catch (RejectedMessage rejected) {
                refused.increment();
                refusals.refused("status-write", rejected.getMessage());
                if (rejected instanceof RefusedReport onResource) {
                    events.record(onResource.resource(), KubernetesEvents.WARNING, RefusedReport.EVENT_REASON, onResource.getMessage());
                }
            } catch (RuntimeException e) {
                failed.increment();
                retry = true;
                backoff = backoff == 0 ? 100 : Math.min(2 * backoff, MAX_BACKOFF_MILLIS);
                if (backoff == MAX_BACKOFF_MILLIS || backoff == 100) {
                    LOG.warn("cannot write the status of {} yet ({}); it waits, next try in {} ms", report.topic(), e.getMessage(), backoff);
                }
            } finally {
                inbox.done(report, retry);
            }
            if (retry) {
                TimeUnit.MILLISECONDS.sleep(backoff);
            }
        }
    }
}
