package io.edgeai.sync.counting;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Counts a dataset's samples: files by format (incrementally after appends), directories by their files. */
public final class SampleCounter implements AutoCloseable {
    /**
     * A dataset counted: its samples, its size in bytes, its regular files (a directory's; null for a
     * file) and its {@link Revision}.
     */
    public record Count(long samples, long sizeBytes, Long files, String revision) {
    }

    private final ExecutorService helpers;
    private final FileScan scan;
    private final AppendAwareCounter files;
    private final DirectoryCounter directories;

    private final ConfinedFiles confined;

    /** @param confined how files and directories are opened (the data roots on an edge node) */
    public SampleCounter(int parallelism, ConfinedFiles confined) {
        this.confined = confined;
        helpers = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "sample-count-helper");
            thread.setDaemon(true);
            return thread;
        });
        scan = new FileScan(helpers, parallelism);
        files = new AppendAwareCounter(scan, confined);
        directories = new DirectoryCounter(helpers, parallelism, confined);
    }

    /**
     * @param verify count every byte of a file again instead of trusting its append checkpoint, list
     *               every directory again instead of trusting its cached listing
     * @throws UnknownFormatException the path is a file and {@code format} is not one we count
     * @throws ConfinedFiles.NotRegularFileException neither a regular file nor a directory (never opened)
     * @throws ConfinedFiles.OutsideRootsException   leads outside the roots (never opened)
     * @throws IOException            missing, unreadable or vanished while counting
     */
    public Count count(Path path, String format, boolean verify) throws IOException, UnknownFormatException {
        // a plain stat only picks the way; each way opens through ConfinedFiles, which checks the object
        // it opened (a second confined open here would double the cost of counting an append)
        BasicFileAttributes kind = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (kind.isDirectory()) {
            DirectoryCounter.Walked walked = directories.count(path, verify);
            return new Count(walked.files(), walked.bytes(), walked.files(), walked.revision());
        }
        if (!kind.isRegularFile()) {
            confined.attributes(path); // says why it is refused, before the format is looked at
        }
        Format known = Format.parse(format).orElseThrow(() -> new UnknownFormatException(format));
        AppendAwareCounter.Counted counted = verify ? files.countFully(path, known) : files.count(path, known);
        return new Count(counted.samples(), counted.size(), null, counted.revision());
    }

    /** Bytes of files scanned since start (directories are listed, not read). */
    public long bytesScanned() {
        return scan.bytesScanned();
    }

    public void forget(Path path) {
        files.forget(path);
        directories.forget(path);
    }

    @Override
    public void close() {
        helpers.shutdownNow();
    }
}
