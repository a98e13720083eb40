package io.edgeai.sync.cloud;

import java.util.function.LongSupplier;

/**
 * The cloud's {@code issuedAt} stamps: wall-clock milliseconds that never go backwards within a
 * process (a step of the system clock backwards only slows them down), and that continue above the
 * stamps a previous run left retained on the broker, as long as those are not further ahead of this
 * clock than {@code maxAhead}: a stamp from a clock that was far off is not trusted to order anything.
 */
public final class IssueClock implements LongSupplier {
    private final LongSupplier wall;
    private final long maxAheadMillis;
    private long last;

    public IssueClock(LongSupplier wall, long maxAheadMillis) {
        this.wall = wall;
        this.maxAheadMillis = maxAheadMillis;
    }

    /** A stamp greater than every one issued or observed before. */
    @Override
    public synchronized long getAsLong() {
        last = Math.max(wall.getAsLong(), last + 1);
        return last;
    }

    /**
     * Takes a stamp seen on the broker into account.
     *
     * @return false when it lies too far ahead of this clock to be trusted (and is ignored)
     */
    public synchronized boolean observe(long stamp) {
        if (stamp > wall.getAsLong() + maxAheadMillis) {
            return false;
        }
        last = Math.max(last, stamp);
        return true;
    }
}
