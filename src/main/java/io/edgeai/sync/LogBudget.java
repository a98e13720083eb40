package io.edgeai.sync;

import java.util.function.LongSupplier;

/**
 * At most {@code perWindow} log lines a minute for one kind of event; the rest are counted, and the
 * count is said with the next line logged. A flood costs a few lines a minute, and none of it is silent.
 */
public final class LogBudget {
    private static final long WINDOW_NANOS = 60_000_000_000L;

    private final int perWindow;
    private final LongSupplier nanoTime;
    private long windowStart;
    private int logged;
    private long unlogged;

    public LogBudget(int perWindow) {
        this(perWindow, System::nanoTime);
    }

    public LogBudget(int perWindow, LongSupplier nanoTime) {
        this.perWindow = perWindow;
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    public int perWindow() {
        return perWindow;
    }

    /**
     * Asks to log one line.
     *
     * @return -1 when the line is over the budget (it is counted instead); else how many lines went
     *         unlogged before it, to be said with it
     */
    public synchronized long take() {
        long now = nanoTime.getAsLong();
        if (now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            logged = 0;
        }
        if (logged >= perWindow) {
            unlogged++;
            return -1;
        }
        logged++;
        long skipped = unlogged;
        unlogged = 0;
        return skipped;
    }

    /** Lines counted but not said yet. */
    public synchronized long unlogged() {
        return unlogged;
    }
}
