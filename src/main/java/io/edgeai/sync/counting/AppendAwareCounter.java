package io.edgeai.sync.counting;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Counts a file's samples, and after an append counts only the appended bytes.
 *
 * <p>Per file it remembers what it counted: the file's identity (device and inode), size, modification
 * time, the scan state at the end and a CRC32C of the last {@value #WINDOW_BYTES} counted bytes. When the
 * same file only grew and that window is unchanged, the scan resumes from the remembered state. A
 * truncation, a rewrite, a replacement by rename or a changed window falls back to a full count. An
 * edit before the window that keeps the file's length growing is not seen by this check; the edge's
 * safety recount ({@link #countFully}) is what catches it.
 */
public final class AppendAwareCounter {
    static final int WINDOW_BYTES = 4096;

    private final FileScan fileScan;
    private final ConfinedFiles files;
    private final Map<Path, Checkpoint> checkpoints = new ConcurrentHashMap<>();

    public AppendAwareCounter(FileScan fileScan) {
        this(fileScan, ConfinedFiles.anywhere());
    }

    /** @param files how files are opened: only regular files, only under its roots */
    public AppendAwareCounter(FileScan fileScan, ConfinedFiles files) {
        this.fileScan = fileScan;
        this.files = files;
    }

    /**
     * What one count found and how it got there.
     *
     * @param size     the file's size when counted
     * @param revision changes when the counted content does: derived from the file's identity, its size,
     *                 the CRC of its last 4 KiB and the count, so a touch leaves it as it is (see {@link Revision})
     */
    public record Counted(long samples, boolean incremental, long bytesScanned, long size, String revision) {
    }

    private record Checkpoint(Format format, Object fileKey, long size, FileTime modified, ScanState state, long windowCrc) {
    }

    public Counted count(Path file, Format format) throws IOException {
        return count(file, format, false);
    }

    /** Counts every byte again, whatever the checkpoint says, and refreshes it. */
    public Counted countFully(Path file, Format format) throws IOException {
        return count(file, format, true);
    }

    public void forget(Path file) {
        checkpoints.remove(file);
    }

    private Counted count(Path file, Format format, boolean full) throws IOException {
        try (ConfinedFiles.OpenFile open = files.openFile(file)) {
            FileChannel channel = open.channel();
            BasicFileAttributes attributes = open.attributes();
            long size = channel.size();
            Checkpoint last = full ? null : checkpoints.get(file);
            if (last != null && resumable(last, format, attributes, size, channel)) {
                if (size == last.size) {
                    return counted(last, true, 0);
                }
                ScanState state = fileScan.scan(channel, last.size, size, last.state, format);
                return counted(remember(file, format, attributes, size, state, channel), true, size - last.size);
            }
            ScanState state = fileScan.scan(channel, 0, size, ScanState.START, format);
            return counted(remember(file, format, attributes, size, state, channel), false, size);
        }
    }

    private static boolean resumable(Checkpoint last, Format format, BasicFileAttributes now, long size, FileChannel channel)
            throws IOException {
        if (last.format != format || !Objects.equals(last.fileKey, now.fileKey()) || size < last.size) {
            return false;
        }
        if (size == last.size && !last.modified.equals(now.lastModifiedTime())) {
            return false; // same length, written again: something before the end changed
        }
        return windowCrc(channel, last.size) == last.windowCrc;
    }

    private Checkpoint remember(Path file, Format format, BasicFileAttributes attributes, long size, ScanState state, FileChannel channel)
            throws IOException {
        Checkpoint checkpoint = new Checkpoint(format, attributes.fileKey(), size, attributes.lastModifiedTime(), state, windowCrc(channel, size));
        checkpoints.put(file, checkpoint);
        return checkpoint;
    }

    private static Counted counted(Checkpoint checkpoint, boolean incremental, long scanned) {
        long samples = checkpoint.format.samples(checkpoint.state);
        String revision = new Revision().add(String.valueOf(checkpoint.fileKey)).add(checkpoint.size).add(checkpoint.windowCrc).add(samples).hex();
        return new Counted(samples, incremental, scanned, checkpoint.size, revision);
    }

    /** CRC32C of the {@value #WINDOW_BYTES} bytes (or fewer) just before {@code end}. */
    private static long windowCrc(FileChannel channel, long end) throws IOException {
        long start = Math.max(0, end - WINDOW_BYTES);
        ByteBuffer window = ByteBuffer.allocate((int) (end - start));
        while (window.hasRemaining()) {
            if (channel.read(window, start + window.position()) < 0) {
                return -1; // shorter than it was: cannot match a real CRC, which is never negative
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(window.flip());
        return crc.getValue();
    }
}
