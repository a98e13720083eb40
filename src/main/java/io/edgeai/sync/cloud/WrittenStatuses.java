package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Json;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The statuses this cloud wrote, until its resource cache shows them. The cache follows the API
 * server's watch and lags behind our own writes by a little; judging a report against it alone could
 * skip a write that is needed (a count going 10, 11, 10: the second 10 looks unchanged against a cache
 * that still says 10, and 11 would stay). A write is trusted over the cache until the cache reaches
 * the resourceVersion the write returned, or for {@link #TRUST_NANOS} at most. A write is forgotten
 * as soon as the cache shows it, and one the cache never shows (the object was changed again by
 * someone else, or deleted) once it is no longer trusted, so that what is kept here is the writes of
 * the last moments, not one per object ever written.
 */
final class WrittenStatuses {
    static final long TRUST_NANOS = 30_000_000_000L;
    private static final long SWEEP_NANOS = 1_000_000_000L;

    /** @param uid the incarnation written to: a resource made again under its name starts afresh */
    private record Written(String resourceVersion, Object status, long atNanos, String uid) {
    }

    private final Map<String, Written> written = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final AtomicLong lastSweep;

    WrittenStatuses(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastSweep = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * @param resourceVersion what the API server answered to the write (null if it did not say)
     * @param cachedNow       the object in the cache as the answer came, or null: its watch event often
     *                        comes first, and a write the cache already shows is not remembered at all
     */
    void wrote(StatusUpstream.StatusPatch patch, String resourceVersion, HasMetadata cachedNow) {
        long now = nanoTime.getAsLong();
        String key = key(patch.kind(), patch.namespace(), patch.name());
        if (resourceVersion != null && cachedNow != null && resourceVersion.equals(cachedNow.getMetadata().getResourceVersion())) {
            written.remove(key); // the cache shows this write, so it is past every earlier one too
        } else {
            written.put(key, new Written(resourceVersion, patch.statusAfter() != null ? patch.statusAfter() : patch.body().get("status"), now,
                patch.uid()));
        }
        sweep(now);
    }

    /** The cache now holds {@code cached}: a write it shows is forgotten. */
    void cached(HasMetadata cached) {
        String key = key(cached.getClass(), cached.getMetadata().getNamespace(), cached.getMetadata().getName());
        Written last = written.get(key);
        if (last != null && last.resourceVersion != null && last.resourceVersion.equals(cached.getMetadata().getResourceVersion())) {
            written.remove(key, last);
        }
        sweep(nanoTime.getAsLong()); // writes no longer trusted go on a watch event too, not only on the next write
    }

    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last > SWEEP_NANOS && lastSweep.compareAndSet(last, now) && !written.isEmpty()) {
            written.values().removeIf(write -> now - write.atNanos > TRUST_NANOS);
        }
    }

    /** Writes remembered now. */
    int size() {
        return written.size();
    }

    /** The status to judge a report against: the last one written, unless the cache has caught up with it. */
    <S> S current(HasMetadata cached, S cachedStatus, Class<S> type) {
        String key = key(cached.getClass(), cached.getMetadata().getNamespace(), cached.getMetadata().getName());
        Written last = written.get(key);
        if (last == null) {
            return cachedStatus;
        }
        boolean caughtUp = last.resourceVersion != null && Objects.equals(last.resourceVersion, cached.getMetadata().getResourceVersion());
        boolean another = last.uid != null && cached.getMetadata().getUid() != null && !last.uid.equals(cached.getMetadata().getUid());
        if (caughtUp || another || nanoTime.getAsLong() - last.atNanos > TRUST_NANOS) {
            written.remove(key, last);
            return cachedStatus;
        }
        return Json.MAPPER.convertValue(last.status, type);
    }

    private static String key(Class<?> kind, String namespace, String name) {
        return kind.getSimpleName() + "/" + namespace + "/" + name;
    }
}
