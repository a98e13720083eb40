package io.edgeai.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Where a mode's YAML routes come from: {@code ./routes/<mode>} and {@code ./routes/common} when that
 * directory exists (edit and restart, no rebuild), else the copies in the jar. Files in the jar are
 * named one by one: a {@code classpath:} wildcard makes Camel read the whole jar through a
 * {@code JarInputStream}, inflating every entry, which took 3 s per pattern for the all-in-one jar.
 * The jar's central directory lists the names without reading any content.
 */
final class RouteFiles {
    private RouteFiles() {
    }

    /** The routes-include pattern for Camel Main. */
    static String pattern(String mode) {
        return pattern(mode, Path.of(""), RouteFiles.class.getClassLoader());
    }

    static String pattern(String mode, Path workingDirectory, ClassLoader classpath) {
        if (Files.isDirectory(workingDirectory.resolve("routes").resolve(mode))) {
            return "file:routes/" + mode + "/*.yaml,file:routes/common/*.yaml";
        }
        List<String> files = new ArrayList<>();
        for (String folder : List.of(mode, "common")) {
            files.addAll(inClasspath(classpath, "routes/" + folder + "/"));
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("no routes for mode " + mode + " in ./routes or in the jar");
        }
        return String.join(",", files.stream().map(name -> "classpath:" + name).toList());
    }

    /** The {@code .yaml} entries directly under {@code folder} (ending in /), sorted, or none. */
    private static List<String> inClasspath(ClassLoader classpath, String folder) {
        URL url = classpath.getResource(folder);
        if (url == null) {
            return List.of();
        }
        try {
            List<String> names = new ArrayList<>();
            if ("jar".equals(url.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (var entry : Collections.list(jar.entries())) {
                        String name = entry.getName();
                        if (name.startsWith(folder) && name.endsWith(".yaml") && name.indexOf('/', folder.length()) < 0) {
                            names.add(name);
                        }
                    }
                }
            } else {
                try (Stream<Path> listing = Files.list(Path.of(url.toURI()))) {
                    listing.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".yaml"))
                        .forEach(name -> names.add(folder + name));
                }
            }
            Collections.sort(names);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the routes in " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot list the routes in " + url, e);
        }
    }
}
