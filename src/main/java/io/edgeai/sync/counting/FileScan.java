package io.edgeai.sync.counting;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Streams a byte range of a file through a {@link Scanner} with positional reads into a reused direct
 * buffer: no whole-file read, no per-line objects, and nothing on the heap that grows with the file.
 * Large line files are cut at line feeds into ranges that are scanned in parallel and summed.
 */
public final class FileScan {
    static final int BUFFER_BYTES = 1 << 20;
    static final long PARALLEL_MIN_BYTES = 64L << 20;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));

    private final ExecutorService helpers;
    private final int parallelism;
    private final long parallelMinBytes;
    private final java.util.concurrent.atomic.LongAdder bytesScanned = new java.util.concurrent.atomic.LongAdder();

    /** @param helpers runs the extra ranges of a parallel scan; {@code parallelism} 1 never uses it */
    public FileScan(ExecutorService helpers, int parallelism) {
        this(helpers, parallelism, PARALLEL_MIN_BYTES);
    }

    FileScan(ExecutorService helpers, int parallelism, long parallelMinBytes) {
        this.helpers = helpers;
        this.parallelism = Math.max(1, parallelism);
        this.parallelMinBytes = parallelMinBytes;
    }

    /** Scans {@code [from, to)} of the channel starting in {@code state}. */
    public ScanState scan(FileChannel channel, long from, long to, ScanState state, Format format) throws IOException {
        ScanState scanned = parallelism > 1 && format.splittableAtLineFeeds() && to - from >= parallelMinBytes
            ? scanInParallel(channel, from, to, state, format)
            : scanRange(channel, from, to, state, format.scanner());
        bytesScanned.add(to - from);
        return scanned;
    }

    /** Bytes scanned since start: what counting has cost in reads (an append costs its own bytes). */
    public long bytesScanned() {
        return bytesScanned.sum();
    }

    static ScanState scanRange(FileChannel channel, long from, long to, ScanState state, Scanner scanner) throws IOException {
        ByteBuffer buffer = BUFFERS.get();
        long position = from;
        while (position < to) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), to - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                break; // the file shrank under us: the caller sees a changed size next time
            }
            buffer.flip();
            state = scanner.scan(buffer, state);
            position += read;
        }
        return state;
    }

    /**
     * Each range after the first starts just after a line feed, so every range begins a fresh line and
     * the counts simply add up; the last range's open line is the file's open line.
     */
    private ScanState scanInParallel(FileChannel channel, long from, long to, ScanState state, Format format) throws IOException {
        List<Long> cuts = new ArrayList<>();
        cuts.add(from);
        long step = (to - from) / parallelism;
        for (int i = 1; i < parallelism; i++) {
            long cut = nextLineStart(channel, Math.max(from + i * step, cuts.get(cuts.size() - 1)), to);
            if (cut >= to) {
                break;
            }
            if (cut > cuts.get(cuts.size() - 1)) {
                cuts.add(cut);
            }
        }
        cuts.add(to);
        List<Future<ScanState>> rest = new ArrayList<>();
        for (int i = 1; i < cuts.size() - 1; i++) {
            long start = cuts.get(i);
            long end = cuts.get(i + 1);
            rest.add(helpers.submit(() -> scanRange(channel, start, end, ScanState.START, format.scanner())));
        }
        ScanState total = scanRange(channel, cuts.get(0), cuts.get(1), state, format.scanner());
        for (Future<ScanState> part : rest) {
            ScanState piece = await(part);
            total = new ScanState(total.terminated() + piece.terminated(), piece.openHasContent(), false);
        }
        return total;
    }

    /** The position just after the first line feed at or after {@code at}, or {@code to} if none. */
    private static long nextLineStart(FileChannel channel, long at, long to) throws IOException {
        ByteBuffer probe = ByteBuffer.allocate(64 * 1024);
        for (long position = at; position < to; ) {
            probe.clear();
            int read = channel.read(probe, position);
            if (read <= 0) {
                return to;
            }
            for (int i = 0; i < read; i++) {
                if (probe.get(i) == '\n') {
                    return position + i + 1;
                }
            }
            position += read;
        }
        return to;
    }

    private static ScanState await(Future<ScanState> part) throws IOException {
        try {
            return part.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while counting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("counting failed", e.getCause());
        }
    }
}
