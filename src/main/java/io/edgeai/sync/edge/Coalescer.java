package io.edgeai.sync.edge;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Runs a task per key at once when it is asked for, then at most once per {@code delay} (leading and
 * trailing edge), never twice at once for the same key, and once more after the last request: a file
 * appended to once is recounted right away, one appended to thousands of times a second is recounted
 * a bounded number of times, and the final count is exact once the writes pause.
 *
 * <p>A pool of {@code threads} bounds the work. A task that runs longer than {@code slowAfter} (a
 * huge file, a hung mount) gives its place back: the pool grows by one thread while it runs, so the
 * other keys always have {@code threads} threads, up to {@link #MAX_SLOW_PER_THREAD} slow tasks per
 * thread; past that, slow tasks hold their threads (logged once each time the limit is reached).
 */
public final class Coalescer implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Coalescer.class);
    static final int MAX_SLOW_PER_THREAD = 8;

    private enum Phase { WAITING, RUNNING, RUNNING_AGAIN_AFTER }

    /** @param started when the run began ({@link System#nanoTime}), 0 while waiting; {@code slow} once it gave its thread back */
    private record Entry(Phase phase, boolean verify, long started, boolean slow) {
        Entry with(Phase next, boolean nextVerify) {
            return new Entry(next, nextVerify, started, slow);
        }
    }

    private final String name;
    private final int threads;
    private final ScheduledThreadPoolExecutor pool;
    private final ScheduledExecutorService watchdog;
    private final long delayNanos;
    private final long slowAfterNanos;
    private final BiConsumer<String, Boolean> task;
    private long coalesced;
    private final Map<String, Entry> entries = new HashMap<>();
    /** When each key's last run started ({@link System#nanoTime}), while that is within {@code delay}. */
    private final Map<String, Long> lastStarted = new HashMap<>();
    private int slowRunning;

    /**
     * @param name      names the pool's threads in logs
     * @param slowAfter how long a run may take before it no longer counts against {@code threads}
     * @param task      receives the key and whether a full (non-incremental) pass was asked for
     */
    public Coalescer(String name, int threads, Duration delay, Duration slowAfter, BiConsumer<String, Boolean> task) {
        this.name = name;
        this.threads = threads;
        this.pool = new ScheduledThreadPoolExecutor(threads, daemon(name));
        pool.setRemoveOnCancelPolicy(true);
        this.delayNanos = delay.toNanos();
        this.slowAfterNanos = slowAfter.toNanos();
        this.task = task;
        // on its own thread: it must run when every pool thread is stuck
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon(name + "-watchdog"));
        long period = Math.max(1, slowAfter.toMillis() / 2);
        watchdog.scheduleWithFixedDelay(this::releaseSlowRuns, period, period, TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    public synchronized void request(String key, boolean verify) {
        Entry entry = entries.get(key);
        if (entry == null) {
            entries.put(key, new Entry(Phase.WAITING, verify, 0, false));
            schedule(key);
        } else {
            coalesced++;
            Phase next = entry.phase == Phase.WAITING ? Phase.WAITING : Phase.RUNNING_AGAIN_AFTER;
            entries.put(key, entry.with(next, entry.verify || verify));
        }
    }

    /** Now, if the key's last run started a {@code delay} ago or more; else when that delay is over. */
    private void schedule(String key) {
        Long started = lastStarted.get(key);
        long wait = started == null ? 0 : Math.max(0, started + delayNanos - System.nanoTime());
        pool.schedule(() -> run(key), wait, TimeUnit.NANOSECONDS);
    }

    private void run(String key) {
        boolean verify;
        synchronized (this) {
            verify = entries.get(key).verify;
            long now = System.nanoTime();
            entries.put(key, new Entry(Phase.RUNNING, false, now, false));
            lastStarted.put(key, now);
        }
        try {
            task.accept(key, verify);
        } catch (RuntimeException e) {
            LOG.error("task for {} failed", key, e); // the next request runs it again
        } finally {
            synchronized (this) {
                Entry after = entries.remove(key);
                if (after.slow) {
                    slowRunning--;
                    pool.setCorePoolSize(threads + Math.min(slowRunning, threads * MAX_SLOW_PER_THREAD));
                }
                if (after.phase == Phase.RUNNING_AGAIN_AFTER) {
                    entries.put(key, new Entry(Phase.WAITING, after.verify, 0, false));
                    schedule(key);
                }
            }
        }
    }

    /**
     * Runs that have taken longer than {@code slowAfter} give their thread's place back to the others;
     * start times older than {@code delay} are forgotten (they hold back no run).
     */
    private synchronized void releaseSlowRuns() {
        long now = System.nanoTime();
        lastStarted.values().removeIf(started -> now - started >= delayNanos);
        for (Map.Entry<String, Entry> running : entries.entrySet()) {
            Entry entry = running.getValue();
            if (entry.phase != Phase.WAITING && !entry.slow && now - entry.started > slowAfterNanos) {
                running.setValue(new Entry(entry.phase, entry.verify, entry.started, true));
                slowRunning++;
                if (slowRunning <= threads * MAX_SLOW_PER_THREAD) {
                    pool.setCorePoolSize(threads + slowRunning);
                    LOG.info("{} for {} has run over {} ms; the others get a thread of their own meanwhile",
                        name, running.getKey(), TimeUnit.NANOSECONDS.toMillis(slowAfterNanos));
                } else if (slowRunning == threads * MAX_SLOW_PER_THREAD + 1) {
                    LOG.warn("{}: {} slow runs at once; further ones hold their threads", name, slowRunning);
                }
            }
        }
    }

    /** Requests that joined one already waiting or running, and so cost no run of their own. */
    public synchronized long coalesced() {
        return coalesced;
    }

    /** Whether nothing is waiting or running: the counts published are final. */
    public synchronized boolean idle() {
        return entries.isEmpty();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        pool.shutdownNow();
    }
}
