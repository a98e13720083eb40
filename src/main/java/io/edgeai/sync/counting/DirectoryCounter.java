package io.edgeai.sync.counting;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts the regular, non-hidden files in a directory tree. Hidden means a name that starts with a dot;
 * hidden directories are not entered; symbolic links are not followed and are not regular files.
 *
 * <p>A directory's entries change only together with its modification time, so per directory it keeps
 * that time, its number of files and the names of its subdirectories. A recount lists only the
 * directories whose time moved and merely stats the others: adding a file to one subdirectory of a
 * million-file tree costs one listing. The walk is iterative (no recursion depth limit), may run on
 * several threads, and never holds a whole listing; the cache is bounded and dropped, not grown, past
 * {@link #MAX_CACHED_DIRECTORIES}. The cache does not depend on change events, so it stays valid even
 * when events were missed.
 */
public final class DirectoryCounter {
    static final int MAX_CACHED_DIRECTORIES = 200_000;
    /** A directory changed this recently may change again within the same timestamp tick: relist it. */
    private static final long RACY_NANOS = 2_000_000_000L;

    /**
     * A directory's entries as of its modification time and its change time (which, unlike the
     * modification time, no one can set back: tar and rsync restore the one, not the other);
     * {@code identity} tells a replaced directory apart. {@code bytes} is its regular files' sizes when
     * it was listed, {@code names} an order-free hash of its entries' names and kinds, and of each
     * file's identity and size.
     */
    private record Listing(Object identity, FileTime modified, Object changed, long files, long bytes, long names, List<Path> subdirectories) {
    }

    private final Map<Path, Listing> cache = new ConcurrentHashMap<>();

    /**
     * What one walk found and how much of the tree it had to list.
     *
     * @param bytes    the regular files' sizes, each as of when its directory was last listed (a file that
     *                 grows in place changes no directory: a walk that relists everything catches it)
     * @param revision changes when a file or directory is added, removed or renamed anywhere in the tree
     */
    public record Walked(long files, long bytes, String revision, long directoriesListed, long directoriesReused) {
    }

    private final ExecutorService helpers;
    private final int parallelism;
    private final ConfinedFiles confined;

    /** A walk on the calling thread only. */
    public DirectoryCounter() {
        this(null, 1, ConfinedFiles.anywhere());
    }

    /**
     * @param helpers  runs {@code parallelism - 1} extra walkers that share the directories still to visit
     * @param confined how directories are opened: only real directories, only under its roots
     */
    public DirectoryCounter(ExecutorService helpers, int parallelism, ConfinedFiles confined) {
        this.helpers = helpers;
        this.parallelism = helpers == null ? 1 : Math.max(1, parallelism);
        this.confined = confined;
    }

    public Walked count(Path root) throws IOException {
        return count(root, false);
    }

    /** @param relist list every directory again, whatever the cache says (the slow safety pass) */
    public Walked count(Path root, boolean relist) throws IOException {
        BasicFileAttributes rootAttributes = confined.attributes(root);
        if (!rootAttributes.isDirectory()) {
            throw new NotDirectoryException(root.toString());
        }
        Walk walk = new Walk(root, System.currentTimeMillis() * 1_000_000L, relist);
        List<Future<?>> extra = new ArrayList<>();
        for (int i = 1; i < parallelism; i++) {
            extra.add(helpers.submit(walk::run));
        }
        walk.run();
        for (Future<?> walker : extra) {
            try {
                walker.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while walking " + root, e);
            } catch (ExecutionException e) {
                throw new IOException("walking " + root + " failed", e.getCause());
            }
        }
        if (walk.failure.get() != null) {
            throw walk.failure.get();
        }
        return new Walked(walk.files.sum(), walk.bytes.sum(), String.format("%016x", Revision.mix(walk.revision.sum())), walk.listed.sum(),
            walk.reused.sum());
    }

    /**
     * One count's shared state: the directories still to visit and the totals. Walkers take
     * directories until none is pending and none is being visited (a visit may add more).
     */
    private final class Walk {
        final Deque<Path> pending = new ConcurrentLinkedDeque<>();
        final AtomicInteger unfinished = new AtomicInteger(1);
        final LongAdder files = new LongAdder();
        final LongAdder bytes = new LongAdder();
        /** A sum over directories (walkers finish them in any order) of each one's path and names. */
        final LongAdder revision = new LongAdder();
        final LongAdder listed = new LongAdder();
        final LongAdder reused = new LongAdder();
        final AtomicReference<IOException> failure = new AtomicReference<>();
        final long startedNanos;
        final boolean relist;

        final Path root;
        final byte[] rootBytes;

        Walk(Path root, long startedNanos, boolean relist) {
            this.root = root;
            this.rootBytes = ConfinedFiles.bytesOf(root);
            this.startedNanos = startedNanos;
            this.relist = relist;
            pending.push(root);
        }

        void run() {
            while (unfinished.get() > 0 && failure.get() == null) {
                Path directory = pending.poll();
                if (directory == null) {
                    LockSupport.parkNanos(50_000); // another walker is listing; it may add directories
                    continue;
                }
                try {
                    visit(directory);
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, new IOException("walking " + directory + " failed", e));
                } finally {
                    unfinished.decrementAndGet();
                }
            }
        }

        private void visit(Path directory) throws IOException {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException gone) {
                cache.remove(directory);
                return; // removed while we walked: it holds nothing now
            }
            if (!attributes.isDirectory()) {
                cache.remove(directory);
                return; // replaced by a link or a file since its parent was listed: links are not followed
            }
            Listing listing = cache.get(directory);
            Object changed = changeTime(directory);
            if (!relist && listing != null && listing.modified.equals(attributes.lastModifiedTime())
                && java.util.Objects.equals(listing.changed, changed) && java.util.Objects.equals(listing.identity, attributes.fileKey())) {
                reused.increment();
            } else {
                try {
                    listing = list(directory, changed);
                } catch (ConfinedFiles.NotRegularFileException | ConfinedFiles.OutsideRootsException swapped) {
                    if (directory.equals(root)) {
                        throw swapped;
                    }
                    cache.remove(directory);
                    return; // swapped for a link (or something else) between the check above and the open
                }
                listed.increment();
                if (listing.modified.to(TimeUnit.NANOSECONDS) < startedNanos - RACY_NANOS) {
                    remember(directory, listing);
                } else {
                    cache.remove(directory);
                }
            }
            files.add(listing.files);
            bytes.add(listing.bytes);
            byte[] path = ConfinedFiles.bytesOf(directory); // its bytes: names that do not decode stay apart
            revision.add(new Revision().add(java.util.Arrays.copyOfRange(path, Math.min(rootBytes.length, path.length), path.length))
                .add(listing.names).value());
            unfinished.addAndGet(listing.subdirectories.size());
            for (Path name : listing.subdirectories) {
                pending.push(directory.resolve(name)); // a name keeps its bytes, whatever the locale can decode
            }
        }
    }

    /** A directory entry's name as the kernel has it (its {@code toString()} is lossy for bytes that do not decode). */
    private static byte[] nameBytes(Path directory, Path name) {
        String text = name.toString();
        boolean ascii = true;
        for (int i = 0; i < text.length() && ascii; i++) {
            ascii = text.charAt(i) < 0x80;
        }
        if (ascii) {
            return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII); // the common case, without a path built
        }
        byte[] path = ConfinedFiles.bytesOf(directory.resolve(name));
        int slash = path.length - 1;
        while (slash >= 0 && path[slash] != '/') {
            slash--;
        }
        return java.util.Arrays.copyOfRange(path, slash + 1, path.length);
    }

    public void forget(Path root) {
        cache.keySet().removeIf(path -> path.startsWith(root));
    }

    private void remember(Path directory, Listing listing) {
        if (cache.size() >= MAX_CACHED_DIRECTORIES) {
            cache.clear();
        }
        cache.put(directory, listing);
    }

    /** Lists a directory opened through {@link ConfinedFiles}: the one listed is the one checked. */
    /** The change time, read before listing: a change made during the listing shows as a newer one next time. */
    private static Object changeTime(Path directory) {
        try {
            return Files.getAttribute(directory, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null; // not a Unix file system, or gone: the listing is not trusted on a change time
        }
    }

    private Listing list(Path directory, Object changed) throws IOException {
        long files = 0;
        long bytes = 0;
        long names = 0;
        List<Path> subdirectories = new ArrayList<>();
        BasicFileAttributes opened;
        try (ConfinedFiles.OpenDirectory open = confined.openDirectory(directory)) {
            opened = open.attributes();
            DirectoryStream<Path> entries = open.entries();
            // on Linux the stream is secure: entries are stat'ed relative to the open directory
            // (fstatat), which spares the kernel a walk down the whole path for every file
            SecureDirectoryStream<Path> secure = entries instanceof SecureDirectoryStream<Path> s ? s : null;
            for (Path entry : entries) {
                Path name = entry.getFileName();
                if (name.toString().startsWith(".")) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes = secure != null
                        ? secure.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes()
                        : Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (attributes.isRegularFile()) {
                    files++;
                    bytes += attributes.size();
                    // and which file, of what size: a file replaced by a rename over it changes the revision
                    names += new Revision().add(nameBytes(directory, name)).add('f').add(java.util.Objects.hashCode(attributes.fileKey()))
                        .add(attributes.size()).value();
                } else if (attributes.isDirectory()) {
                    subdirectories.add(name);
                    names += new Revision().add(nameBytes(directory, name)).add('d').value();
                }
            }
        } catch (NoSuchFileException | NotDirectoryException gone) {
            return new Listing(null, FileTime.fromMillis(0), null, 0, 0, 0, List.of());
        }
        return new Listing(opened.fileKey(), opened.lastModifiedTime(), changed, files, bytes, names, List.copyOf(subdirectories));
    }
}
