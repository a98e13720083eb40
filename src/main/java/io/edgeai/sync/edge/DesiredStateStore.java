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
 */
public final class DesiredStateStore {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredStateStore.class);
    private final Path directory;

    public DesiredStateStore(Path stateDirectory) {
        this.directory = stateDirectory;
    }

    public void write(String kind, String key, Object value) {
        Path file = fileOf(kind, key);
        try {
            Files.createDirectories(file.getParent());
            Path aside = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(aside, Json.bytes(value));
            Files.move(aside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
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

    /** Everything saved of a kind; a file that cannot be read is logged and skipped, not fatal. */
    public <T> List<T> readAll(String kind, Class<T> type) {
        List<T> all = new ArrayList<>();
        Path root = directory.resolve(kind);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
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

    private Path fileOf(String kind, String key) {
        int slash = key.indexOf('/');
        return directory.resolve(kind).resolve(key.substring(0, slash)).resolve(key.substring(slash + 1) + ".json");
    }
}
