package io.edgeai.sync.edge;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs a task per key at most once per {@code delay}, never twice at once for the same key, and once
 * more after the last request: a file appended to thousands of times a second is recounted a bounded
 * number of times, and the final count is exact once the writes pause. A fixed pool bounds the work,
 * and one key's long task holds up only the thread it runs on.
 */
public final class Coalescer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Coalescer.class);
    private enum Phase { WAITING, RUNNING, RUNNING_AGAIN_AFTER }

    private record Entry(Phase phase, boolean verify) {
    }

    private final ScheduledExecutorService pool;
    private final long delayMillis;
    private final BiConsumer<String, Boolean> task;
    private final Map<String, Entry> entries = new HashMap<>();

    /**
     * @param name names the pool's threads in logs
     * @param task receives the key and whether a full (non-incremental) pass was asked for
     */
    public Coalescer(String name, int threads, Duration delay, BiConsumer<String, Boolean> task) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(threads, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.pool = executor;
        this.delayMillis = delay.toMillis();
        this.task = task;
    }

    public synchronized void request(String key, boolean verify) {
        Entry entry = entries.get(key);
        if (entry == null) {
            entries.put(key, new Entry(Phase.WAITING, verify));
            pool.schedule(() -> run(key), delayMillis, TimeUnit.MILLISECONDS);
        } else {
            Phase next = entry.phase == Phase.WAITING ? Phase.WAITING : Phase.RUNNING_AGAIN_AFTER;
            entries.put(key, new Entry(next, entry.verify || verify));
        }
    }

    private void run(String key) {
        boolean verify;
        synchronized (this) {
            verify = entries.get(key).verify;
            entries.put(key, new Entry(Phase.RUNNING, false));
        }
        try {
            task.accept(key, verify);
        } catch (RuntimeException e) {
            LOG.error("task for {} failed", key, e); // the next request runs it again
        } finally {
            synchronized (this) {
                Entry after = entries.remove(key);
                if (after.phase == Phase.RUNNING_AGAIN_AFTER) {
                    entries.put(key, new Entry(Phase.WAITING, after.verify));
                    pool.schedule(() -> run(key), delayMillis, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** Whether nothing is waiting or running: the counts published are final. */
    public synchronized boolean idle() {
        return entries.isEmpty();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
