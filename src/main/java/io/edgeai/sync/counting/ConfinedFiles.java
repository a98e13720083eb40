package io.edgeai.sync.counting;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only way counting opens anything: a regular file or a directory that really lies under one of
 * the roots, and nothing else, whatever the file system does between a check and the open.
 *
 * <p>On Linux a path is first opened with {@code O_PATH | O_NOFOLLOW}: that neither reads nor blocks
 * (a FIFO), never runs a device's open (a tape, a watchdog), and does not follow a link in the last
 * component. The kernel's name for what was opened ({@code /proc/self/fd/N}) must lie under a root,
 * which catches a parent directory swapped for a link, and the object must be a regular file or a
 * directory. Only then is it reopened for reading through {@code /proc/self/fd/N}, which reaches the
 * same inode whatever happens to the path meanwhile. Elsewhere (no {@code /proc}, another CPU) the
 * same checks run on the path before a no-follow open: not race-free, and said so in the log.
 */
public final class ConfinedFiles {
    private static final Logger LOG = LoggerFactory.getLogger(ConfinedFiles.class);
    private static final Native NATIVE = Native.load();

    private final List<Path> roots;
    /** How objects are opened: null checks paths before opening them (not race-free). */
    private final Native opener;

    /** @param roots real paths (no links) of the only directories anything may be opened under */
    public ConfinedFiles(List<Path> roots) {
        this(roots, NATIVE);
    }

    private ConfinedFiles(List<Path> roots, Native opener) {
        this.roots = List.copyOf(roots);
        this.opener = opener;
    }

    /**
     * The same rules checked on paths before a no-follow open, as where {@code /proc} or JNA is
     * missing: not race-free. Benchmarks use it as the reference for what race-freedom costs.
     */
    public static ConfinedFiles checkedOnPaths(List<Path> roots) {
        return new ConfinedFiles(roots, null);
    }

    /** No confinement beyond regular files and directories: for benchmarks and tools, never for the edge. */
    public static ConfinedFiles anywhere() {
        return new ConfinedFiles(List.of(Path.of("/")));
    }

    /** Whether opens here are race-free (checked on the object opened, not on its path). */
    public static boolean raceFree() {
        return NATIVE != null;
    }

    /** A path that exists but is not a regular file or directory (a FIFO, a device, a socket, a link). */
    public static final class NotRegularFileException extends FileSystemException {
        public NotRegularFileException(Path path, String kind) {
            super(path.toString(), null, "is " + kind + ", not a regular file or directory");
        }
    }

    /** A path that leads outside the roots once its links are followed. */
    public static final class OutsideRootsException extends FileSystemException {
        public OutsideRootsException(Path path, Path real) {
            super(path.toString(), null, "leads to " + real + ", outside the data roots");
        }
    }

    /** A regular file open for reading, and the attributes of that very file. */
    public record OpenFile(FileChannel channel, BasicFileAttributes attributes) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** Opens a regular file for reading. */
    public OpenFile openFile(Path path) throws IOException {
        try (Opened opened = new Opened(path)) {
            if (!opened.attributes.isRegularFile()) {
                throw new NotRegularFileException(path, opened.attributes.isDirectory() ? "a directory" : kind(opened.attributes));
            }
            return new OpenFile(FileChannel.open(opened.handle, StandardOpenOption.READ), opened.attributes);
        }
    }

    /**
     * A directory open for listing, and the attributes of that very directory (taken before the
     * listing, so a change during it shows as a newer modification time). Use the entries' names: the
     * paths the stream gives are not under the path asked for.
     */
    public record OpenDirectory(DirectoryStream<Path> entries, BasicFileAttributes attributes) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            entries.close();
        }
    }

    /** Opens a directory for listing. */
    public OpenDirectory openDirectory(Path path) throws IOException {
        try (Opened opened = new Opened(path)) {
            if (!opened.attributes.isDirectory()) {
                throw new NotRegularFileException(path, opened.attributes.isRegularFile() ? "a regular file, not a directory" : kind(opened.attributes));
            }
            return new OpenDirectory(Files.newDirectoryStream(opened.handle), opened.attributes);
        }
    }

    /** The attributes of the object at {@code path}, which must be a regular file or directory under a root. */
    public BasicFileAttributes attributes(Path path) throws IOException {
        try (Opened opened = new Opened(path)) {
            if (!opened.attributes.isRegularFile() && !opened.attributes.isDirectory()) {
                throw new NotRegularFileException(path, kind(opened.attributes));
            }
            return opened.attributes;
        }
    }

    /**
     * The bytes the kernel knows the path by. A name read from a directory may not decode in the
     * JVM's charset (Latin-1 bytes under UTF-8, anything but ASCII under the C locale): its
     * {@code toString()} is lossy, its URI is not (each byte percent-encoded).
     */
    public static byte[] bytesOf(Path path) {
        String text = path.toString();
        if (text.chars().allMatch(c -> c < 0x80)) {
            return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        String raw = path.toAbsolutePath().toUri().getRawPath();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(raw, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        byte[] all = bytes.toByteArray();
        int end = all.length > 1 && all[all.length - 1] == '/' ? all.length - 1 : all.length; // toUri marks directories
        return java.util.Arrays.copyOf(all, end);
    }

    /** An object opened without reading it: a handle path that reaches it, and its attributes. */
    private final class Opened implements AutoCloseable {
        final Path handle;
        final BasicFileAttributes attributes;
        private final int fd;

        Opened(Path path) throws IOException {
            if (opener == null) {
                fd = -1;
                attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isSymbolicLink()) {
                    throw new NotRegularFileException(path, "a symbolic link");
                }
                checkUnderRoots(path, path.toRealPath());
                handle = path;
                return;
            }
            fd = opener.openPath(path);
            try {
                handle = Path.of("/proc/self/fd/" + fd);
                checkUnderRoots(path, Files.readSymbolicLink(handle));
                // stat through the handle gives the opened object itself: a link opened with O_NOFOLLOW stays a link
                attributes = Files.readAttributes(handle, BasicFileAttributes.class);
            } catch (Throwable e) {
                opener.close(fd);
                throw e;
            }
        }

        @Override
        public void close() {
            if (fd >= 0) {
                opener.close(fd);
            }
        }
    }

    private void checkUnderRoots(Path path, Path real) throws OutsideRootsException {
        for (Path root : roots) {
            if (real.startsWith(root)) {
                return;
            }
        }
        throw new OutsideRootsException(path, real);
    }

    private static String kind(BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        return "a special file (FIFO, device or socket)";
    }

    /** {@code open(2)} with {@code O_PATH}, through JNA; null where that is not to be had. */
    private static final class Native {
        /** JNA direct mapping: a native method per call, no proxy (an open costs about a microsecond more, not tens). */
        static final class LibC {
            static native int open(byte[] path, int flags, int mode) throws LastErrorException;

            static native int close(int fd) throws LastErrorException;
        }

        private static final int O_PATH = 0x200000;
        private static final int O_CLOEXEC = 0x80000;
        private static final int ENOENT = 2;
        private static final int EPERM = 1;
        private static final int EACCES = 13;
        private static final int ENOTDIR = 20;

        private final int noFollow;

        private Native(int noFollow) {
            this.noFollow = noFollow;
        }

        static Native load() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            Integer noFollow = switch (arch) {
                case "amd64", "x86_64" -> 0x20000;
                case "aarch64", "arm64", "arm" -> 0x8000;
                default -> null;
            };
            if (!os.contains("linux") || noFollow == null || !Files.isDirectory(Path.of("/proc/self/fd"))) {
                LOG.warn("file access checks run on paths, not on opened files, on {}/{}: not race-free", os, arch);
                return null;
            }
            try {
                com.sun.jna.Native.register(LibC.class, "c");
                return new Native(noFollow);
            } catch (LinkageError e) {
                LOG.warn("cannot load libc through JNA ({}): file access checks run on paths, not race-free", e.getMessage());
                return null;
            }
        }

        int openPath(Path path) throws IOException {
            byte[] name = bytesOf(path);
            byte[] terminated = java.util.Arrays.copyOf(name, name.length + 1);
            try {
                return LibC.open(terminated, O_PATH | noFollow | O_CLOEXEC, 0);
            } catch (LastErrorException e) {
                throw switch (e.getErrorCode()) {
                    case ENOENT, ENOTDIR -> new NoSuchFileException(path.toString());
                    case EACCES, EPERM -> new AccessDeniedException(path.toString());
                    default -> new FileSystemException(path.toString(), null, "open failed, errno " + e.getErrorCode());
                };
            }
        }

        void close(int fd) {
            try {
                LibC.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to do about a failed close of a path handle
            }
        }
    }
}
