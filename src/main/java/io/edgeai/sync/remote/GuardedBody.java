package io.edgeai.sync.remote;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A response body that cannot hold a counting thread for ever. The HTTP client's timeout covers the
 * response's headers only; a server (or a network) that then stalls, or trickles a byte now and
 * then, would keep the read going as long as it likes. A watchdog closes the body, which ends the
 * read with an IOException, when nothing came for {@code idle}, or when, past {@code idle}, it came
 * slower than {@value #MIN_BYTES_PER_SECOND} bytes a second on average.
 */
final class GuardedBody extends FilterInputStream {
    static final long MIN_BYTES_PER_SECOND = 64 * 1024;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(run -> {
        Thread thread = new Thread(run, "edge-http-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final long started = System.nanoTime();
    private final long idleNanos;
    private final AtomicLong lastRead = new AtomicLong(started);
    private final AtomicLong bytes = new AtomicLong();
    private final ScheduledFuture<?> watch;
    private volatile String stalled;

    GuardedBody(InputStream body, Duration idle) {
        super(body);
        this.idleNanos = idle.toNanos();
        long tick = Math.max(10, idle.toMillis() / 4);
        this.watch = WATCHDOG.scheduleWithFixedDelay(this::check, tick, tick, TimeUnit.MILLISECONDS);
    }

    private void check() {
        long now = System.nanoTime();
        long elapsed = now - started;
        if (now - lastRead.get() > idleNanos) {
            stop("nothing came for " + Duration.ofNanos(idleNanos).toMillis() + " ms");
        } else if (elapsed > idleNanos && bytes.get() * 1_000_000_000L / elapsed < MIN_BYTES_PER_SECOND) {
            stop("it came at " + bytes.get() * 1_000_000_000L / elapsed + " bytes a second, under " + MIN_BYTES_PER_SECOND);
        }
    }

    private void stop(String why) {
        stalled = why;
        watch.cancel(false);
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is all that is asked: the reader's next read fails
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException e) {
            throw cutOff(e);
        }
        if (stalled != null) {
            throw cutOff(null);
        }
        if (n > 0) {
            bytes.addAndGet(n);
            lastRead.set(System.nanoTime());
        }
        return n;
    }

    /** The failure as the reader sees it: why the watchdog cut the body off, if it did. */
    private IOException cutOff(IOException failure) {
        if (stalled == null) {
            return failure;
        }
        return new IOException("the body was cut off: " + stalled, failure);
    }

    @Override
    public void close() throws IOException {
        watch.cancel(false);
        super.close();
    }
}
