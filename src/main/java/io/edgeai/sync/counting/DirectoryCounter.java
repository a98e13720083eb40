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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the regular, non-hidden files in a directory tree. Hidden means a name that starts with a dot;
 * hidden directories are not entered; symbolic links are not followed and are not regular files.
 *
 * <p>A directory's entries change only together with its modification time, so per directory it keeps
 * that time, its number of files and the names of its subdirectories. A recount lists only the
 * directories whose time moved and merely stats the others: adding a file to one subdirectory of a
 * million-file tree costs one listing. The walk is iterative (no recursion depth limit) and never holds
 * a whole listing; the cache is bounded and dropped, not grown, past {@link #MAX_CACHED_DIRECTORIES}.
 */
public final class DirectoryCounter {
    static final int MAX_CACHED_DIRECTORIES = 200_000;
    /** A directory changed this recently may change again within the same timestamp tick: relist it. */
    private static final long RACY_NANOS = 2_000_000_000L;

    private record Listing(FileTime modified, long files, List<String> subdirectories) {
    }

    private final Map<Path, Listing> cache = new ConcurrentHashMap<>();

    /** What one walk found and how much of the tree it had to list. */
    public record Walked(long files, long directoriesListed, long directoriesReused) {
    }

    public Walked count(Path root) throws IOException {
        BasicFileAttributes rootAttributes = Files.readAttributes(root, BasicFileAttributes.class);
        if (!rootAttributes.isDirectory()) {
            throw new NotDirectoryException(root.toString());
        }
        long startedNanos = System.currentTimeMillis() * 1_000_000L;
        long files = 0;
        long listed = 0;
        long reused = 0;
        Deque<Path> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Path directory = pending.pop();
            FileTime modified;
            try {
                modified = Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastModifiedTime();
            } catch (NoSuchFileException gone) {
                cache.remove(directory);
                continue; // removed while we walked: it holds nothing now
            }
            Listing listing = cache.get(directory);
            if (listing != null && listing.modified.equals(modified)) {
                reused++;
            } else {
                listing = list(directory, modified);
                listed++;
                if (modified.to(java.util.concurrent.TimeUnit.NANOSECONDS) < startedNanos - RACY_NANOS) {
                    remember(directory, listing);
                } else {
                    cache.remove(directory);
                }
            }
            files += listing.files;
            for (String name : listing.subdirectories) {
                pending.push(directory.resolve(name));
            }
        }
        return new Walked(files, listed, reused);
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

    private static Listing list(Path directory, FileTime modified) throws IOException {
        long files = 0;
        List<String> subdirectories = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
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
                } else if (attributes.isDirectory()) {
                    subdirectories.add(name.toString());
                }
            }
        } catch (NoSuchFileException | NotDirectoryException gone) {
            return new Listing(modified, 0, List.of());
        }
        return new Listing(modified, files, List.copyOf(subdirectories));
    }
}
