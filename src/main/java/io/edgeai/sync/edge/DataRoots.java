package io.edgeai.sync.edge;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The only directories this edge node reads. A data URL is resolved to a real path (symbolic links
 * followed, also those of a parent that exists while the file does not yet) and must lie under one of
 * them; anything else is refused before a byte is read.
 */
public final class DataRoots {
    private final List<Path> roots;

    public DataRoots(List<Path> configured) throws IOException {
        List<Path> real = new ArrayList<>();
        for (Path root : configured) {
            Files.createDirectories(root);
            real.add(root.toRealPath());
        }
        if (real.isEmpty()) {
            throw new IllegalArgumentException("edgeai.edge.data-roots names no directory");
        }
        this.roots = List.copyOf(real);
    }

    public List<Path> roots() {
        return roots;
    }

    /** Where a data URL points, or why it may not be read. */
    public sealed interface Resolution permits Allowed, Refused {
    }

    public record Allowed(Path path) implements Resolution {
    }

    public record Refused(String reason, String message) implements Resolution {
    }

    public Resolution resolve(String dataUrl) {
        Path path;
        try {
            path = toPath(dataUrl);
        } catch (IllegalArgumentException e) {
            return new Refused(Reasons.UNSUPPORTED_URL, e.getMessage());
        }
        Path real;
        try {
            real = realPath(path);
        } catch (IOException e) {
            return new Refused(Reasons.UNREADABLE, "cannot resolve " + path + ": " + e.getMessage());
        }
        for (Path root : roots) {
            if (real.startsWith(root)) {
                return new Allowed(real);
            }
        }
        return new Refused(Reasons.OUTSIDE_DATA_ROOTS, dataUrl + " is outside this node's data roots " + roots);
    }

    /** The path a data URL names, links not followed, or empty when it names none. */
    public static java.util.Optional<Path> pathOf(String dataUrl) {
        try {
            return java.util.Optional.of(toPath(dataUrl));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static Path toPath(String dataUrl) {
        if (dataUrl == null || dataUrl.isBlank()) {
            throw new IllegalArgumentException("the data URL is empty");
        }
        if (dataUrl.startsWith("/")) {
            return Path.of(dataUrl).normalize();
        }
        URI uri = URI.create(dataUrl);
        if (uri.getScheme() != null && uri.getScheme().toLowerCase(Locale.ROOT).equals("file")) {
            return Path.of(uri).normalize();
        }
        throw new IllegalArgumentException("only absolute paths and file:// URLs can be counted on the node, not " + dataUrl);
    }

    /** The real path of {@code path}, or of its nearest existing ancestor with the rest appended. */
    private static Path realPath(Path path) throws IOException {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        return existing.toRealPath().resolve(existing.relativize(path)).normalize();
    }
}
