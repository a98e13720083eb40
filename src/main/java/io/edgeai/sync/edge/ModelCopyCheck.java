package io.edgeai.sync.edge;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.remote.HttpObjects;
import io.edgeai.sync.remote.RemoteDatasets;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Judges this node's copy of a model: where the spec says it lies, whether it is there and readable,
 * its size and its SHA-256, against {@code spec.sha256} when there is one. A file is opened as every
 * data file is (regular, under the data roots, no links followed) and hashed by streaming, at most
 * {@code bytesPerSecond} for all checks together (a multi-GB model must not starve the node's disk),
 * and only when it changed: a digest is kept with the file's identity, size, modification time and
 * change time (which no one can set back) and reused while they hold. A directory model's digest is
 * that of its {@code sha256sum} listing: one line {@code <hex digest>  <relative path>\n} per regular
 * file, hidden names left out, sorted by the path's bytes. A data root itself is no model.
 */
public final class ModelCopyCheck {
    private static final int CHUNK = 1 << 20;
    /** A directory model of more files than this is refused: its listing is held in memory. */
    static final int MAX_FILES = 100_000;

    /** A file as it was when its digest was computed. */
    private record Checkpoint(Object fileKey, long size, long modifiedNanos, Object changed) {
        static Checkpoint of(BasicFileAttributes attributes, Object changed) {
            return new Checkpoint(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), changed);
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
    private final RemoteDatasets remote;
    private final ConfinedFiles confined;
    private final long bytesPerSecond;
    private final Map<Path, Digest> digests = new ConcurrentHashMap<>();
    private final LongAdder hashedBytes = new LongAdder();
    /** When the reads so far, of every check, are paid for at {@code bytesPerSecond}. */
    private final AtomicLong paidUntilNanos = new AtomicLong(System.nanoTime());

    /** @param bytesPerSecond how fast a model may be read to hash it; 0 for no bound */
    public ModelCopyCheck(DataRoots roots, ConfinedFiles confined, long bytesPerSecond) {
        this(roots, confined, bytesPerSecond, RemoteDatasets.none());
    }

    /** @param remote reads the models whose URL is {@code http(s)://} or {@code s3://} */
    public ModelCopyCheck(DataRoots roots, ConfinedFiles confined, long bytesPerSecond, RemoteDatasets remote) {
        this.remote = remote;
        this.roots = roots;
        this.confined = confined;
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Bytes read to compute digests since start (a file that did not change is not read again). */
    public long hashedBytes() {
        return hashedBytes.sum();
    }

    public Found check(ModelSpec spec) throws InterruptedException {
        if (RemoteDatasets.handles(spec.getModelUrl())) {
            return expected(spec, remote(spec.getModelUrl()));
        }
        DataRoots.Resolution resolution = roots.resolve(spec.getModelUrl());
        if (resolution instanceof DataRoots.Refused refused) {
            String phase = Reasons.OUTSIDE_DATA_ROOTS.equals(refused.reason()) ? ModelCopy.OUTSIDE_DATA_ROOTS : ModelCopy.UNREADABLE;
            return new Found(phase, null, null, null, refused.message());
        }
        Path path = ((DataRoots.Allowed) resolution).path();
        if (roots.roots().contains(path)) {
            // every node would read and hash everything it holds, and again on every change under it
            return new Found(ModelCopy.UNREADABLE, null, null, null, path + " is a data root, not a model");
        }
        Found found;
        try {
            BasicFileAttributes attributes = confined.attributes(path);
            found = attributes.isDirectory() ? directory(path) : new Found(ModelCopy.PRESENT, attributes.size(), null, file(path), null);
        } catch (ClosedByInterruptException e) {
            throw interrupted(e);
        } catch (NoSuchFileException e) {
            return new Found(ModelCopy.MISSING, null, null, null, path + " does not exist");
        } catch (ConfinedFiles.OutsideRootsException e) {
            return new Found(ModelCopy.OUTSIDE_DATA_ROOTS, null, null, null, e.getMessage());
        } catch (AccessDeniedException e) {
            return new Found(ModelCopy.UNREADABLE, null, null, null, "permission denied: " + e.getFile());
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(e); // stopping: the copy was not judged
            }
            return new Found(ModelCopy.UNREADABLE, null, null, null, e.getMessage());
        }
        return expected(spec, found);
    }

    /** What was found, or ChecksumMismatch when {@code spec.sha256} names another digest. */
    private static Found expected(ModelSpec spec, Found found) {
        String expected = spec.getSha256();
        if (ModelCopy.PRESENT.equals(found.phase()) && expected != null && !expected.equalsIgnoreCase(found.sha256())) {
            return new Found(ModelCopy.CHECKSUM_MISMATCH, found.sizeBytes(), found.files(), found.sha256(),
                ModelCopy.mismatch(found.sha256(), expected));
        }
        return found;
    }

    /**
     * A model in object storage or on a web server, as this node reads it: Present with its size and
     * SHA-256 (read again only when it changed), Missing when the store has no such object, Unreadable
     * (with the reason) when the node may not or cannot read it.
     */
    private Found remote(String url) throws InterruptedException {
        try {
            HttpObjects.Digested digested = remote.digest(url);
            return new Found(ModelCopy.PRESENT, digested.sizeBytes(), null, digested.sha256(), null);
        } catch (HttpObjects.Refused refused) {
            String phase = Reasons.NOT_FOUND.equals(refused.reason()) ? ModelCopy.MISSING : ModelCopy.UNREADABLE;
            return new Found(phase, null, null, null, refused.reason() + ": " + refused.getMessage());
        } catch (RuntimeException e) { // whatever the URL or the server did, the copy gets a phase saying so
            return new Found(ModelCopy.UNREADABLE, null, null, null, "cannot read " + url + ": " + e);
        }
    }

    private static InterruptedException interrupted(IOException cause) {
        InterruptedException interrupted = new InterruptedException("interrupted while reading a model");
        interrupted.initCause(cause);
        return interrupted;
    }

    /** Forgets the digests of files at or under {@code path} (a model gone from this node). */
    void forget(Path path) {
        digests.keySet().removeIf(file -> file.startsWith(path));
    }

    /** Forgets the digests of the model at this URL, if it names a path (and of what it resolves to, through links). */
    void forget(String modelUrl) {
        if (RemoteDatasets.handles(modelUrl)) {
            remote.forgetDigest(modelUrl);
            return;
        }
        DataRoots.pathOf(modelUrl).ifPresent(this::forget);
        if (roots.resolve(modelUrl) instanceof DataRoots.Allowed allowed) {
            forget(allowed.path());
        }
    }

    private String file(Path path) throws IOException, InterruptedException {
        try (ConfinedFiles.OpenFile open = confined.openFile(path)) {
            // the change time through the path, after the open: a write since the open shows as a newer
            // one, so the worst a swap can do is make the next check hash again
            Checkpoint now = Checkpoint.of(open.attributes(), Files.getAttribute(path, "unix:ctime", LinkOption.NOFOLLOW_LINKS));
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
        int n;
        while ((n = open.channel().read(buffer.clear())) >= 0) {
            sha256.update(buffer.array(), 0, n);
            hashedBytes.add(n);
            pace(n);
        }
        return sha256.digest();
    }

    /** Waits until {@code bytes} more are within the rate, shared by every check running at once. */
    private void pace(int bytes) throws InterruptedException {
        if (bytesPerSecond <= 0) {
            return;
        }
        long cost = (long) (bytes * 1e9 / bytesPerSecond);
        long now = System.nanoTime();
        long due = paidUntilNanos.accumulateAndGet(cost, (paid, add) -> Math.max(paid, now) + add);
        if (due > now) {
            TimeUnit.NANOSECONDS.sleep(due - now);
        }
    }

    /**
     * A directory model: its regular files' total size and count, and the digest of their listing.
     * What goes or turns into something else during the walk is left out, as it would be a moment later.
     */
    private Found directory(Path root) throws IOException, InterruptedException {
        List<byte[][]> listing = new ArrayList<>(); // relative path's bytes, digest's
        java.util.Set<Path> seen = new java.util.HashSet<>();
        byte[] rootBytes = ConfinedFiles.bytesOf(root);
        long size = 0;
        Deque<Path> pending = new ArrayDeque<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            Path directory = pending.poll();
            try (ConfinedFiles.OpenDirectory open = confined.openDirectory(directory)) {
                for (Path entry : open.entries()) {
                    Path name = entry.getFileName(); // its bytes, whether or not they decode
                    if (name.toString().startsWith(".")) {
                        continue;
                    }
                    Path child = directory.resolve(name);
                    try {
                        BasicFileAttributes attributes = confined.attributes(child);
                        if (attributes.isDirectory()) {
                            pending.add(child);
                            continue;
                        }
                        String hex = file(child);
                        if (listing.size() >= MAX_FILES) {
                            throw new IOException(root + " holds more than " + MAX_FILES + " files; a directory model is verified up to that");
                        }
                        byte[] path = ConfinedFiles.bytesOf(child);
                        listing.add(new byte[][] {Arrays.copyOfRange(path, rootBytes.length + 1, path.length), hex.getBytes(StandardCharsets.US_ASCII)});
                        seen.add(child);
                        size += attributes.size();
                    } catch (ConfinedFiles.NotRegularFileException | NoSuchFileException | ConfinedFiles.OutsideRootsException e) {
                        // links, devices, and what went or was swapped since the listing, are no part of a model
                    }
                }
            } catch (ConfinedFiles.NotRegularFileException | NoSuchFileException | ConfinedFiles.OutsideRootsException e) {
                if (directory.equals(root)) {
                    throw e;
                }
            }
        }
        digests.keySet().removeIf(file -> file.startsWith(root) && !seen.contains(file)); // files renamed or gone
        listing.sort((a, b) -> Arrays.compareUnsigned(a[0], b[0]));
        MessageDigest sha256 = sha256();
        for (byte[][] line : listing) {
            sha256.update(line[1]);
            sha256.update("  ".getBytes(StandardCharsets.US_ASCII));
            sha256.update(line[0]);
            sha256.update((byte) '\n');
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
