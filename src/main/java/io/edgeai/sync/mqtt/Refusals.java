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
    private final java.util.List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Refusals(int perWindow) {
        this(perWindow, System::nanoTime);
    }

    Refusals(int perWindow, LongSupplier nanoTime) {
        this.budget = new LogBudget(perWindow, nanoTime);
    }

    /** @return whether this refusal was logged in full */
    public boolean refused(String where, String reason) {
        total.increment();
        reason = oneLine(reason);
        for (java.util.function.Consumer<String> listener : listeners) {
            listener.accept(where + ": " + reason);
        }
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

    /**
     * The reason as one line: it may quote what a peer sent (Jackson quotes the value it could not
     * read), and a line feed there would let a peer write log lines of its own.
     */
    static String oneLine(String reason) {
        if (reason == null) {
            return null;
        }
        StringBuilder line = new StringBuilder(reason.length());
        reason.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                line.append(String.format("\\u%04x", c));
            } else {
                line.appendCodePoint(c);
            }
        });
        return line.toString();
    }

    /** Hears every refusal, logged or not, as {@code where: reason} in one line. */
    public void listen(java.util.function.Consumer<String> listener) {
        listeners.add(listener);
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
