package io.edgeai.sync.mqtt;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused messages with their reason, at a bounded rate: the first {@code perWindow} of each
 * window in full, then only how many more there were, said with the next refusal logged. A flood of
 * bad messages costs a few log lines a minute, and none of them is silent.
 */
public final class Refusals {
    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);
    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int perWindow;
    private final LongSupplier nanoTime;
    private long windowStart;
    private int logged;
    private long unlogged;

    public Refusals(int perWindow) {
        this(perWindow, System::nanoTime);
    }

    Refusals(int perWindow, LongSupplier nanoTime) {
        this.perWindow = perWindow;
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    /** @return whether this refusal was logged in full */
    public synchronized boolean refused(String where, String reason) {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            logged = 0;
        }
        if (logged >= perWindow) {
            unlogged++;
            return false;
        }
        logged++;
        if (unlogged > 0) {
            LOG.warn("dropped by {}: {} (and {} more refusals not logged, over {} a minute)", where, reason, unlogged, perWindow);
            unlogged = 0;
        } else {
            LOG.warn("dropped by {}: {}", where, reason);
        }
        return true;
    }

    /** Refusals counted but not logged yet. */
    public synchronized long unlogged() {
        return unlogged;
    }
}
