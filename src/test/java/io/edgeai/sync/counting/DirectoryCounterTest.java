package io.edgeai.sync.counting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryCounterTest {
    @TempDir
    Path root;

    private final DirectoryCounter counter = new DirectoryCounter();

    @Test
    void countsRegularNonHiddenFilesAndSkipsHiddenTreesAndLinks() throws IOException {
        Files.createDirectories(root.resolve("a/b/c"));
        Files.createDirectories(root.resolve(".cache/inner"));
        Files.writeString(root.resolve("top.jpg"), "1");
        Files.writeString(root.resolve("a/one.jpg"), "1");
        Files.writeString(root.resolve("a/b/c/deep.jpg"), "1");
        Files.writeString(root.resolve("a/.hidden.jpg"), "1");
        Files.writeString(root.resolve(".cache/inner/x.jpg"), "1");
        Files.createSymbolicLink(root.resolve("a/link.jpg"), root.resolve("top.jpg"));
        Files.createSymbolicLink(root.resolve("looping"), root);

        assertThat(counter.count(root).files()).isEqualTo(3);
    }

    @Test
    void aChangeInOneSubdirectoryRelistsOnlyThatDirectory() throws IOException {
        for (int d = 0; d < 20; d++) {
            Path sub = Files.createDirectories(root.resolve("class-" + d));
            for (int f = 0; f < 10; f++) {
                Files.writeString(sub.resolve("img-" + f + ".jpg"), "x");
            }
        }
        ageAllDirectories();
        assertThat(counter.count(root)).isEqualTo(new DirectoryCounter.Walked(200, 21, 0));

        Path changed = root.resolve("class-7");
        Files.writeString(changed.resolve("new.jpg"), "x");
        Files.setLastModifiedTime(changed, FileTime.from(Instant.now().minusSeconds(60)));

        assertThat(counter.count(root)).isEqualTo(new DirectoryCounter.Walked(201, 1, 20));
    }

    @Test
    void removalsAreSeen() throws IOException {
        Path sub = Files.createDirectories(root.resolve("x"));
        Files.writeString(sub.resolve("a"), "1");
        Files.writeString(sub.resolve("b"), "1");
        ageAllDirectories();
        assertThat(counter.count(root).files()).isEqualTo(2);

        Files.delete(sub.resolve("a"));
        assertThat(counter.count(root).files()).isEqualTo(1);
        Files.delete(sub.resolve("b"));
        Files.delete(sub);
        assertThat(counter.count(root).files()).isZero();
    }

    @Test
    void parallelWalkersAgreeWithOneOnADeepAndWideTree() throws Exception {
        Path deep = root;
        for (int level = 0; level < 200; level++) {
            deep = Files.createDirectories(deep.resolve("l" + level));
            Files.writeString(deep.resolve("f.jpg"), "x");
            if (level % 20 == 0) {
                for (int w = 0; w < 30; w++) {
                    Path wide = Files.createDirectories(deep.resolve("w" + w));
                    Files.writeString(wide.resolve("a.jpg"), "x");
                    Files.writeString(wide.resolve(".b.jpg"), "x");
                }
            }
        }
        var helpers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            assertThat(new DirectoryCounter(helpers, 4, ConfinedFiles.anywhere()).count(root).files()).isEqualTo(new DirectoryCounter().count(root).files()).isEqualTo(500);
        } finally {
            helpers.shutdownNow();
        }
    }

    @Test
    void aFileIsNotADirectory() throws IOException {
        Path file = Files.writeString(root.resolve("f.txt"), "x");
        assertThatThrownBy(() -> counter.count(file)).isInstanceOf(NotDirectoryException.class);
    }

    /** Listings of directories changed within the last two seconds are never trusted; age them. */
    private void ageAllDirectories() throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isDirectory).toList()) {
                Files.setLastModifiedTime(path, FileTime.from(Instant.now().minusSeconds(3600)));
            }
        }
    }
}
