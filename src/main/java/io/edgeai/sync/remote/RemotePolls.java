package io.edgeai.sync.remote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * When each remote dataset is polled next. Every one is polled once a period, each at its own moment
 * in the period (from a hash of its key), so a thousand datasets on one endpoint spread their
 * requests over the period instead of sending them in one burst; a poll that falls behind (the node
 * was busy) is not made up for with a burst either.
 */
public final class RemotePolls {
    /** The least time between two polls of one dataset that a store's notifications ask for. */
    static final long NOTIFIED_GAP_MILLIS = 1_000;

    private final long periodNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Long> dueAt = new HashMap<>();
    private final Map<String, Long> polledAt = new HashMap<>();

    public RemotePolls(long periodMillis, LongSupplier nanoTime) {
        if (periodMillis <= 0) {
            throw new IllegalArgumentException("the remote poll period must be positive, not " + periodMillis);
        }
        this.periodNanos = periodMillis * 1_000_000;
        this.nanoTime = nanoTime;
    }

    /** Polls this dataset from now on, first at its own moment in the coming period (it was just counted). */
    public synchronized void schedule(String key) {
        dueAt.computeIfAbsent(key, k -> nanoTime.getAsLong() + 1 + Math.floorMod(mix(k), periodNanos));
    }

    /**
     * Polls this dataset at the next tick (the store said it changed), or a second after its last poll
     * if that was less than a second ago, then once a period from then on. A stream of notifications
     * for one dataset (a camera writing into a prefix) costs at most one poll a second: a poll of a
     * prefix lists all of it. A dataset not polled here is left alone.
     */
    public synchronized boolean pollSoon(String key) {
        Long due = dueAt.get(key);
        if (due == null) {
            return false;
        }
        long now = nanoTime.getAsLong();
        Long polled = polledAt.get(key);
        long earliest = polled == null || now - polled >= NOTIFIED_GAP_MILLIS * 1_000_000 ? now : polled + NOTIFIED_GAP_MILLIS * 1_000_000;
        dueAt.put(key, due - earliest <= 0 ? due : earliest);
        return true;
    }

    /** {@link #pollSoon(String)} for each of these (key, URL) that one of the objects falls in (BucketEvents.covers); how many. */
    public int pollSoon(Map<String, String> urls, List<String> objects) {
        if (objects.isEmpty()) {
            return 0;
        }
        int soon = 0;
        for (Map.Entry<String, String> polled : urls.entrySet()) {
            if (objects.stream().anyMatch(object -> BucketEvents.covers(polled.getValue(), object)) && pollSoon(polled.getKey())) {
                soon++;
            }
        }
        return soon;
    }

    public synchronized void forget(String key) {
        dueAt.remove(key);
        polledAt.remove(key);
    }

    /** The datasets whose poll is due now; each is next due a period after this one was. */
    public synchronized List<String> due() {
        long now = nanoTime.getAsLong();
        List<String> due = new ArrayList<>();
        for (Map.Entry<String, Long> entry : dueAt.entrySet()) {
            if (entry.getValue() - now <= 0) {
                due.add(entry.getKey());
                polledAt.put(entry.getKey(), now);
                long next = entry.getValue() + periodNanos;
                entry.setValue(next - now <= 0 ? now + periodNanos : next);
            }
        }
        return due;
    }

    public synchronized int size() {
        return dueAt.size();
    }

    private static long mix(String key) {
        long x = key.hashCode() * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }
}
