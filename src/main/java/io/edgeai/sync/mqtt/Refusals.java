package io.edgeai.sync.mqtt;

import io.edgeai.sync.LogBudget;
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

    private final LogBudget budget;
    private final java.util.concurrent.atomic.LongAdder total = new java.util.concurrent.atomic.LongAdder();

    public Refusals(int perWindow) {
        this(perWindow, System::nanoTime);
    }

    Refusals(int perWindow, LongSupplier nanoTime) {
        this.budget = new LogBudget(perWindow, nanoTime);
    }

    /** @return whether this refusal was logged in full */
    public boolean refused(String where, String reason) {
        total.increment();
        long skipped = budget.take();
        if (skipped < 0) {
            return false;
        }
        if (skipped > 0) {
            LOG.warn("dropped by {}: {} (and {} more refusals not logged, over {} a minute)", where, reason, skipped, budget.perWindow());
        } else {
            LOG.warn("dropped by {}: {}", where, reason);
        }
        return true;
    }

    /** Refusals since start, logged or not. */
    public long total() {
        return total.sum();
    }

    /** Refusals counted but not logged yet. */
    public long unlogged() {
        return budget.unlogged();
    }
}
