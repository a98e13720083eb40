package io.edgeai.sync.edge;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Judges this node's copy of a model: where the spec says it lies, whether it is there and readable,
 * its size and its SHA-256, against {@code spec.sha256} when there is one. A file is opened as every
 * data file is (regular, under the data roots, no links followed) and hashed by streaming, at most
 * {@code bytesPerSecond} (a multi-GB model must not starve the node's disk), and only when it changed:
 * a digest is kept with the file's identity, size and modification time and reused while they hold.
 * A directory model's digest is that of its {@code sha256sum} listing: one line
 * {@code <hex digest>  <relative path>\n} per regular file, hidden names left out, sorted by path.
 */
public final class ModelCopyCheck {
    private static final int CHUNK = 1 << 20;

    /** A file as it was when its digest was computed. */
    private record Checkpoint(Object fileKey, long size, long modifiedNanos) {
        static Checkpoint of(BasicFileAttributes attributes) {
            return new Checkpoint(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
        }
    }

    private record Digest(Checkpoint checkpoint, String hex) {
    }

    /** What the node found, before it is named and timed. */
    public record Found(String phase, Long sizeBytes, Long files, String sha256, String message) {
        ModelCopy copy(String node, String updateTime) {
            return new ModelCopy(node, phase, sizeBytes, files, sha256, message, updateTime);
        }
    }

    private final DataRoots roots;
    private final ConfinedFiles confined;
    private final long bytesPerSecond;
    private final Map<Path, Digest> digests = new ConcurrentHashMap<>();
    private final LongAdder hashedBytes = new LongAdder();

    /** @param bytesPerSecond how fast a model may be read to hash it; 0 for no bound */
    public ModelCopyCheck(DataRoots roots, ConfinedFiles confined, long bytesPerSecond) {
        this.roots = roots;
        this.confined = confined;
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Bytes read to compute digests since start (a file that did not change is not read again). */
    public long hashedBytes() {
        return hashedBytes.sum();
    }

    public Found check(ModelSpec spec) throws InterruptedException {
        DataRoots.Resolution resolution = roots.resolve(spec.getModelUrl());
        if (resolution instanceof DataRoots.Refused refused) {
            String phase = Reasons.OUTSIDE_DATA_ROOTS.equals(refused.reason()) ? ModelCopy.OUTSIDE_DATA_ROOTS : ModelCopy.UNREADABLE;
            return new Found(phase, null, null, null, refused.message());
        }
        Path path = ((DataRoots.Allowed) resolution).path();
        Found found;
        try {
            BasicFileAttributes attributes = confined.attributes(path);
            found = attributes.isDirectory() ? directory(path) : new Found(ModelCopy.PRESENT, attributes.size(), null, file(path), null);
        } catch (NoSuchFileException e) {
            return new Found(ModelCopy.MISSING, null, null, null, path + " does not exist");
        } catch (ConfinedFiles.OutsideRootsException e) {
            return new Found(ModelCopy.OUTSIDE_DATA_ROOTS, null, null, null, e.getMessage());
        } catch (AccessDeniedException e) {
            return new Found(ModelCopy.UNREADABLE, null, null, null, "permission denied: " + e.getFile());
        } catch (IOException e) {
            return new Found(ModelCopy.UNREADABLE, null, null, null, e.getMessage());
        }
        String expected = spec.getSha256();
        if (expected != null && !expected.equalsIgnoreCase(found.sha256())) {
            return new Found(ModelCopy.CHECKSUM_MISMATCH, found.sizeBytes(), found.files(), found.sha256(),
                "the copy's SHA-256 is " + found.sha256() + ", spec.sha256 is " + expected);
        }
        return found;
    }

    /** Forgets the digests of files at or under {@code path} (a model gone from this node). */
    void forget(Path path) {
        digests.keySet().removeIf(file -> file.startsWith(path));
    }

    /** Forgets the digests of the model at this URL, if it names a path. */
    void forget(String modelUrl) {
        DataRoots.pathOf(modelUrl).ifPresent(this::forget);
    }

    private String file(Path path) throws IOException, InterruptedException {
        try (ConfinedFiles.OpenFile open = confined.openFile(path)) {
            Checkpoint now = Checkpoint.of(open.attributes());
            Digest known = digests.get(path);
            if (known != null && known.checkpoint().equals(now)) {
                return known.hex();
            }
            String hex = HexFormat.of().formatHex(hash(open));
            digests.put(path, new Digest(now, hex));
            return hex;
        }
    }

    private byte[] hash(ConfinedFiles.OpenFile open) throws IOException, InterruptedException {
        MessageDigest sha256 = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long started = System.nanoTime();
        long read = 0;
        int n;
        while ((n = open.channel().read(buffer.clear())) >= 0) {
            sha256.update(buffer.array(), 0, n);
            read += n;
            hashedBytes.add(n);
            if (bytesPerSecond > 0) {
                // ahead of the allowed rate: wait until the bytes read so far are due
                long dueNanos = read * 1_000_000_000L / bytesPerSecond - (System.nanoTime() - started);
                if (dueNanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(dueNanos);
                }
            }
        }
        return sha256.digest();
    }

    /** A directory model: its regular files' total size and count, and the digest of their listing. */
    private Found directory(Path root) throws IOException, InterruptedException {
        List<String[]> listing = new ArrayList<>(); // relative path, digest
        long size = 0;
        Deque<Path> pending = new ArrayDeque<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            Path directory = pending.poll();
            try (ConfinedFiles.OpenDirectory open = confined.openDirectory(directory)) {
                for (Path entry : open.entries()) {
                    String name = entry.getFileName().toString();
                    if (name.startsWith(".")) {
                        continue;
                    }
                    Path child = directory.resolve(name);
                    BasicFileAttributes attributes;
                    try {
                        attributes = confined.attributes(child);
                    } catch (ConfinedFiles.NotRegularFileException | NoSuchFileException e) {
                        continue; // links, devices and files gone since the listing are no part of a model
                    }
                    if (attributes.isDirectory()) {
                        pending.add(child);
                    } else {
                        listing.add(new String[] {root.relativize(child).toString(), file(child)});
                        size += attributes.size();
                    }
                }
            }
        }
        listing.sort((a, b) -> Arrays.compareUnsigned(a[0].getBytes(StandardCharsets.UTF_8), b[0].getBytes(StandardCharsets.UTF_8)));
        MessageDigest sha256 = sha256();
        for (String[] line : listing) {
            sha256.update((line[1] + "  " + line[0] + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new Found(ModelCopy.PRESENT, size, (long) listing.size(), HexFormat.of().formatHex(sha256.digest()), null);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
