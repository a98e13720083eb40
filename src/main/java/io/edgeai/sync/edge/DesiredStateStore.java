package io.edgeai.sync.edge;

import io.edgeai.sync.mqtt.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's own copy of its desired state, one JSON file per object under the state directory, so
 * that a node restarted without a broker still knows its datasets and models. Files are replaced
 * atomically (write aside, rename), so a crash leaves the old or the new version, never half of one.
 *
 * <p>A file is named after its object ({@code <namespace>/<name>.json}) while that fits a file name
 * (255 bytes); a longer name (resource names go up to 253 characters) is stored under a hash of
 * itself. The files hold the whole object, namespace and name included, so names are never parsed.
 */
public class DesiredStateStore {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateStore.class);
    private static final int MAX_FILE_NAME = 255;
    private static final String SUFFIX = ".json";
    private static final String ASIDE_SUFFIX = ".tmp";
    private final Path directory;

    public DesiredStateStore(Path stateDirectory) {
        this.directory = stateDirectory;
    }

    public void write(String kind, String key, Object value) {
        Path file = fileOf(kind, key);
        try {
            Files.createDirectories(file.getParent());
            Path aside = Files.createTempFile(file.getParent(), ".write-", ASIDE_SUFFIX);
            try {
                Files.write(aside, Json.bytes(value));
                Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(aside);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + kind + " " + key + " in " + directory, e);
        }
    }

    public void delete(String kind, String key) {
        try {
            Files.deleteIfExists(fileOf(kind, key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot forget " + kind + " " + key + " in " + directory, e);
        }
    }

    /**
     * Everything saved of a kind; a file that cannot be read is logged and skipped, not fatal, and what
     * a crash left written aside is removed.
     */
    public <T> List<T> readAll(String kind, Class<T> type) {
        List<T> all = new ArrayList<>();
        Path root = directory.resolve(kind);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(ASIDE_SUFFIX)) {
                    Files.deleteIfExists(file);
                    continue;
                }
                if (!name.endsWith(SUFFIX)) {
                    continue;
                }
                try {
                    all.add(Json.MAPPER.readValue(file.toFile(), type));
                } catch (IOException e) {
                    LOG.warn("skipping unreadable saved state {}: {}", file, e.getMessage());
                }
            }
        } catch (NoSuchFileException none) {
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read saved state in " + root, e);
        }
        return all;
    }

    Path fileOf(String kind, String key) {
        int slash = key.indexOf('/');
        return directory.resolve(kind).resolve(key.substring(0, slash)).resolve(fileName(key.substring(slash + 1)));
    }

    /** The object's own name when it fits, else {@code ~<sha-256>} ({@code ~} is in no resource name). */
    static String fileName(String name) {
        if (name.length() + SUFFIX.length() <= MAX_FILE_NAME) {
            return name + SUFFIX;
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "~" + java.util.HexFormat.of().formatHex(hash) + SUFFIX;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
