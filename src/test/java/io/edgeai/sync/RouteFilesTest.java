package io.edgeai.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFilesTest {

    @Test
    void routesOnDiskWinOverTheJar(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("routes/edge"));
        assertThat(RouteFiles.pattern("edge", dir, getClass().getClassLoader()))
            .isEqualTo("file:routes/edge/*.yaml,file:routes/common/*.yaml");
    }

    @Test
    void routesInAJarAreNamedOneByOneFromItsDirectory(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : new String[] {"routes/", "routes/cloud/", "routes/cloud/b.yaml", "routes/cloud/a.yaml", "routes/cloud/notes.md",
                "routes/cloud/nested/", "routes/cloud/nested/deeper.yaml", "routes/edge/", "routes/edge/e.yaml", "routes/common/", "routes/common/c.yaml", "other/routes/cloud/x.yaml"}) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    out.write("- route: {}\n".getBytes(StandardCharsets.UTF_8));
                }
                out.closeEntry();
            }
        }
        try (URLClassLoader classpath = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            assertThat(RouteFiles.pattern("cloud", dir, classpath))
                .isEqualTo("classpath:routes/cloud/a.yaml,classpath:routes/cloud/b.yaml,classpath:routes/common/c.yaml");
            assertThatThrownBy(() -> RouteFiles.pattern("nothing-here", dir, new URLClassLoader(new URL[0], null)))
                .hasMessageContaining("no routes for mode nothing-here");
        }
    }

    @Test
    void routesInAClassesDirectoryAreTheShippedFiles(@TempDir Path dir) throws Exception {
        String pattern = RouteFiles.pattern("cloud", dir, getClass().getClassLoader());
        try (var shipped = Files.list(Path.of("routes/cloud"))) {
            String[] expected = shipped.map(file -> "classpath:routes/cloud/" + file.getFileName()).sorted().toArray(String[]::new);
            assertThat(pattern.split(",")).startsWith(expected).contains("classpath:routes/common/mqtt-publish.yaml");
        }
    }
}
