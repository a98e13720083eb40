package io.edgeai.sync.cloud;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * A token bucket, as client-go and controller-runtime limit their requests: {@code qps} a second on
 * average, up to {@code burst} at once. A qps of 0 or less means no limit.
 */
public final class RateLimiter {
    private final double perNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private double tokens;
    private long last;

    public RateLimiter(double qps, int burst) {
        this(qps, burst, System::nanoTime);
    }

    RateLimiter(double qps, int burst, LongSupplier nanoTime) {
        this.perNano = qps / 1e9;
        this.burst = Math.max(1, burst);
        this.nanoTime = nanoTime;
        this.tokens = this.burst;
        this.last = nanoTime.getAsLong();
    }

    /** Waits until a request may go. */
    public void acquire() {
        long wait;
        while ((wait = reserve()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** Takes a token if there is one (0), else says how long until there is one. */
    synchronized long reserve() {
        if (perNano <= 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) ((1 - tokens) / perNano));
    }
}
