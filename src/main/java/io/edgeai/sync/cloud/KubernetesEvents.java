package io.edgeai.sync.cloud;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventSeries;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes Events the cloud reports on its resources (events.k8s.io/v1, which {@code kubectl
 * describe} shows), aggregated as client-go's event recorder does: an event repeated with the same
 * type, reason and note on the same object is one Event whose {@code series} counts the repeats,
 * updated at most once per series interval, never one Event per repeat. Recording never calls the
 * API: the kubernetes-events route takes what is due ({@link #due}) and makes the calls, at most
 * {@code perSecond} a second; what exceeds the backlog is dropped and counted in one log line a minute.
 */
public final class KubernetesEvents {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);
    public static final String CONTROLLER = "edgeai.io/edgeai-sync-cloud";
    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    /** What the cloud was doing: events.k8s.io requires an action. */
    static final String ACTION = "SyncStatus";
    /** After this long without a repeat, the same event starts a new Event (as client-go's 10 minutes). */
    private static final long SERIES_WINDOW_MILLIS = 10 * 60_000;
    private static final int MAX_SERIES = 4096;
    private static final int MAX_BACKLOG = 1000;
    /** kube-apiserver refuses notes over 1 KiB, and reasons over 128 characters. */
    private static final int MAX_NOTE_BYTES = 1024;
    private static final int MAX_REASON = 128;
    /** New Events one object may have at once, and how often it gains one more (client-go's spam filter, tighter). */
    private static final int PER_OBJECT_BURST = 10;
    private static final long PER_OBJECT_REFILL_MILLIS = 60_000;
    private static final int MAX_NAME = 253;
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

    /**
     * One call for the kubernetes-events endpoint: the operation, namespace and name go in its headers,
     * the whole Event is the body (the endpoint takes an EventBuilder body as it is, series included).
     */
    public record Call(String operation, String namespace, String name, EventBuilder event) {
    }

    private static final class Series {
        final String name;
        final String namespace;
        final ObjectReference regarding;
        final String type;
        final String reason;
        final String note;
        final Instant first;
        int count = 1;
        Instant lastObserved;
        long lastPostedMillis;
        boolean created;
        boolean dirty;

        Series(String name, ObjectReference regarding, String type, String reason, String note, Instant first) {
            this.name = name;
            this.namespace = regarding.getNamespace();
            this.regarding = regarding;
            this.type = type;
            this.reason = reason;
            this.note = note;
            this.first = first;
            this.lastObserved = first;
        }
    }

    private final Supplier<Instant> clock;
    private final LongSupplier nanoTime;
    private final long seriesIntervalMillis;
    private final String instance;
    private final RateLimiter limiter;
    /** The series by object, type, reason and note, least recently repeated first. */
    private final LinkedHashMap<String, Series> series = new LinkedHashMap<>(16, 0.75f, true);
    /** New Events, oldest first. */
    private final ArrayDeque<Series> toCreate = new ArrayDeque<>();
    /** New Events each object may still make now, by uid, least recently used first: one object that flaps cannot crowd out the rest. */
    private final LinkedHashMap<String, RateLimiter> allowance = new LinkedHashMap<>(16, 0.75f, true);
    private long lastName;
    private long dropped;
    private long failed;
    private long lastWarnMillis = Long.MIN_VALUE / 2;

    /**
     * @param seriesIntervalMillis the least time between two updates of one Event's series
     * @param instance             this replica, as the Events' reportingInstance
     * @param perSecond            API calls a second, on average
     */
    public KubernetesEvents(Supplier<Instant> clock, LongSupplier nanoTime, long seriesIntervalMillis, String instance, double perSecond) {
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.seriesIntervalMillis = seriesIntervalMillis;
        this.instance = instance.length() > 128 ? instance.substring(0, 128) : instance;
        this.limiter = new RateLimiter(perSecond, (int) Math.max(1, perSecond * 10), nanoTime);
    }

    /** A resource's Ready condition turned: Normal when it is True or Pending, else a Warning. */
    public void readyChanged(StatusUpstream.ReadyChange change) {
        String status = change.after().getStatus();
        boolean fine = "True".equals(status) || StatusPatches.PENDING.equals(change.after().getReason());
        record(change.resource(), fine ? NORMAL : WARNING, change.after().getReason(), change.after().getMessage());
    }

    public synchronized void record(HasMetadata regarding, String type, String reason, String note) {
        Instant now = clock.get();
        String trimmed = truncate(note == null ? "" : note);
        reason = reason == null ? "" : reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        String key = regarding.getMetadata().getUid() + '\n' + type + '\n' + reason + '\n' + trimmed;
        Series known = series.get(key);
        if (known != null && now.toEpochMilli() - known.lastObserved.toEpochMilli() < SERIES_WINDOW_MILLIS) {
            known.count++;
            known.lastObserved = now;
            known.dirty = true;
            return;
        }
        if (!allowed(regarding.getMetadata().getUid())) {
            dropped++;
            return;
        }
        if (toCreate.size() >= MAX_BACKLOG) {
            series.values().remove(toCreate.poll());
            dropped++;
        }
        Series fresh = new Series(eventName(regarding.getMetadata().getName(), now), reference(regarding), type, reason, trimmed, now);
        series.put(key, fresh);
        toCreate.add(fresh);
        if (series.size() > MAX_SERIES) {
            Iterator<Series> oldest = series.values().iterator();
            Series evicted = oldest.next();
            oldest.remove();
            toCreate.remove(evicted);
        }
    }

    /** Takes one of the object's new Events, if it has one left (a token bucket per object, as the global one). */
    private boolean allowed(String uid) {
        RateLimiter left = allowance.computeIfAbsent(uid,
            u -> new RateLimiter(1e3 / PER_OBJECT_REFILL_MILLIS, PER_OBJECT_BURST, nanoTime));
        if (allowance.size() > MAX_SERIES) {
            Iterator<String> oldest = allowance.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return left.reserve() == 0;
    }

    /** The API calls due now, within the rate: new Events first, then series whose interval is over. */
    public synchronized List<Call> due() {
        long nowMillis = clock.get().toEpochMilli();
        List<Call> calls = new ArrayList<>();
        while (!toCreate.isEmpty() && limiter.reserve() == 0) {
            Series created = toCreate.poll();
            created.created = true;
            created.dirty = false;
            created.lastPostedMillis = nowMillis;
            calls.add(call("createEvent", created));
        }
        for (Series repeated : series.values()) {
            if (repeated.created && repeated.dirty && nowMillis - repeated.lastPostedMillis >= seriesIntervalMillis) {
                if (limiter.reserve() != 0) {
                    break;
                }
                repeated.dirty = false;
                repeated.lastPostedMillis = nowMillis;
                calls.add(call("updateEvent", repeated));
            }
        }
        warnIfDue(nowMillis);
        return calls;
    }

    /** The API refused or could not be reached: that Event is forgotten, so its next repeat makes a new one. */
    public synchronized void failed(Call call, String reason) {
        series.values().removeIf(s -> s.name.equals(call.name()));
        failed++;
        LOG.debug("event {} not written: {}", call.name(), reason);
    }

    /** Events waiting to be created. */
    public synchronized int backlog() {
        return toCreate.size();
    }

    private void warnIfDue(long nowMillis) {
        if ((dropped > 0 || failed > 0) && nowMillis - lastWarnMillis >= 60_000) {
            LOG.warn("{} Kubernetes event(s) dropped (more came than edgeai.cloud.events-per-second, or than one object may make) and {} not written"
                + " (the API server refused or was away) in the last minute", dropped, failed);
            lastWarnMillis = nowMillis;
            dropped = 0;
            failed = 0;
        }
    }

    private Call call(String operation, Series s) {
        EventBuilder event = new EventBuilder()
            .withNewMetadata().withName(s.name).withNamespace(s.namespace).endMetadata()
            .withEventTime(new MicroTime(MICROS.format(s.first)))
            .withType(s.type)
            .withReason(s.reason)
            .withNote(s.note)
            .withAction(ACTION)
            .withRegarding(s.regarding)
            .withReportingController(CONTROLLER)
            .withReportingInstance(instance);
        if (s.count > 1) {
            event.withSeries(new EventSeries(s.count, new MicroTime(MICROS.format(s.lastObserved))));
        }
        return new Call(operation, s.namespace, s.name, event);
    }

    private static ObjectReference reference(HasMetadata resource) {
        return new ObjectReferenceBuilder()
            .withApiVersion(resource.getApiVersion())
            .withKind(resource.getKind())
            .withNamespace(resource.getMetadata().getNamespace())
            .withName(resource.getMetadata().getName())
            .withUid(resource.getMetadata().getUid())
            .build();
    }

    /** {@code <object>.<hex>}, as kubectl names them, cut to fit a name; unique within this process. */
    private String eventName(String object, Instant now) {
        long stamp = Math.max(lastName + 1, now.getEpochSecond() * 1_000_000_000L + now.getNano());
        lastName = stamp;
        String suffix = "." + Long.toHexString(stamp);
        String base = object.length() + suffix.length() > MAX_NAME ? object.substring(0, MAX_NAME - suffix.length()) : object;
        while (base.endsWith(".") || base.endsWith("-")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + suffix;
    }

    private static String truncate(String note) {
        byte[] bytes = note.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_NOTE_BYTES) {
            return note;
        }
        String cut = new String(bytes, 0, MAX_NOTE_BYTES - 3, StandardCharsets.UTF_8);
        // a character split by the cut decodes as U+FFFD: drop it
        return (cut.endsWith("\uFFFD") ? cut.substring(0, cut.length() - 1) : cut) + "...";
    }
}
