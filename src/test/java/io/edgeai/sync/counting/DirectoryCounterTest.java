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
        DirectoryCounter.Walked first = counter.count(root);
        assertThat(first).extracting(DirectoryCounter.Walked::files, DirectoryCounter.Walked::directoriesListed,
            DirectoryCounter.Walked::directoriesReused).containsExactly(200L, 21L, 0L);

        Path changed = root.resolve("class-7");
        Files.writeString(changed.resolve("new.jpg"), "x");
        Files.setLastModifiedTime(changed, FileTime.from(Instant.now().minusSeconds(60)));

        DirectoryCounter.Walked second = counter.count(root);
        assertThat(second).extracting(DirectoryCounter.Walked::files, DirectoryCounter.Walked::directoriesListed,
            DirectoryCounter.Walked::directoriesReused).containsExactly(201L, 1L, 20L);
        assertThat(second.bytes()).isEqualTo(201);
        assertThat(second.revision()).isNotEqualTo(first.revision());
    }

    /**
     * Issue 13: a directory's revision changes when a file is added, removed or renamed anywhere in
     * it, not when it or a file is touched; its size follows a file that grew once a relisting walk
     * (the safety pass) has seen it.
     */
    @Test
    void theRevisionFollowsNamesNotTouchesAndTheSafetyPassRefreshesSizes() throws IOException {
        Path sub = Files.createDirectories(root.resolve("train"));
        Files.writeString(sub.resolve("a.jpg"), "12345");
        Files.writeString(root.resolve("b.jpg"), "123");
        ageAllDirectories();
        DirectoryCounter.Walked before = counter.count(root);
        assertThat(before.bytes()).isEqualTo(8);

        Files.setLastModifiedTime(sub, FileTime.from(Instant.now().minusSeconds(30)));
        Files.setLastModifiedTime(sub.resolve("a.jpg"), FileTime.from(Instant.now()));
        assertThat(counter.count(root).revision()).as("touched").isEqualTo(before.revision());
        assertThat(counter.count(root, true).revision()).as("touched, everything relisted").isEqualTo(before.revision());

        Files.writeString(sub.resolve("a.jpg"), "1234567890");
        assertThat(counter.count(root, true).bytes()).as("relisted: the grown file's size").isEqualTo(13);

        Files.move(sub.resolve("a.jpg"), sub.resolve("c.jpg"));
        ageAllDirectories();
        DirectoryCounter.Walked renamed = counter.count(root);
        assertThat(renamed.files()).isEqualTo(before.files());
        assertThat(renamed.revision()).as("renamed").isNotEqualTo(before.revision());
        Files.move(Files.createDirectories(root.resolve("val")), root.resolve("test"));
        ageAllDirectories();
        assertThat(counter.count(root).revision()).as("an empty directory added").isNotEqualTo(renamed.revision());
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

    /** Names that do not decode in the JVM's charset read alike as text: the revision tells them apart by their bytes. */
    @Test
    void aRenameBetweenNamesThatDoNotDecodeChangesTheRevision() throws Exception {
        Process made = new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'mod\\351le.bin')\"").directory(root.toFile()).start();
        assertThat(made.waitFor()).isZero();
        ageAllDirectories();
        DirectoryCounter.Walked before = counter.count(root);
        assertThat(before.files()).isEqualTo(1);
        Process moved = new ProcessBuilder("sh", "-c", "mv \"$(printf 'mod\\351le.bin')\" \"$(printf 'mod\\350le.bin')\"")
            .directory(root.toFile()).start();
        assertThat(moved.waitFor()).isZero();
        ageAllDirectories();
        assertThat(counter.count(root).revision()).isNotEqualTo(before.revision());
    }

    /** tar, rsync -a and cp -a put a directory's modification time back; its change time still moves. */
    @Test
    void aDirectoryWhoseModificationTimeIsPutBackIsListedAgain() throws IOException {
        Path sub = Files.createDirectories(root.resolve("train"));
        Files.writeString(sub.resolve("a.jpg"), "1");
        ageAllDirectories();
        DirectoryCounter.Walked before = counter.count(root);
        assertThat(before.files()).isEqualTo(1);

        FileTime listedAt = Files.getLastModifiedTime(sub);
        Files.writeString(sub.resolve("b.jpg"), "22");
        Files.setLastModifiedTime(sub, listedAt);

        DirectoryCounter.Walked after = counter.count(root);
        assertThat(after.files()).isEqualTo(2);
        assertThat(after.revision()).isNotEqualTo(before.revision());
    }

    /** Writing a new file and renaming it over the old one (the usual atomic update) changes the revision. */
    @Test
    void aFileReplacedByARenameOverItChangesTheRevision() throws IOException {
        Files.writeString(root.resolve("labels.csv"), "a,1\n");
        ageAllDirectories();
        DirectoryCounter.Walked before = counter.count(root, true);

        Path staged = Files.createDirectories(root.resolve(".staging")).resolve("labels.csv");
        Files.writeString(staged, "a,1\nb,2\nc,3\n");
        Files.move(staged, root.resolve("labels.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        DirectoryCounter.Walked after = counter.count(root, true);
        assertThat(after.bytes()).isNotEqualTo(before.bytes());
        assertThat(after.revision()).isNotEqualTo(before.revision());
    }

    /** The same content gives the same revision to a new counter (an edge restarted), to parallel walkers and to a relisting. */
    @Test
    void theSameContentHasTheSameRevisionWhoeverWalksIt() throws Exception {
        for (int d = 0; d < 30; d++) {
            Files.writeString(Files.createDirectories(root.resolve("d" + d).resolve("inner")).resolve("x.jpg"), "x");
        }
        ageAllDirectories();
        String one = new DirectoryCounter().count(root).revision();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            assertThat(new DirectoryCounter(pool, 4, ConfinedFiles.anywhere()).count(root).revision()).isEqualTo(one);
        } finally {
            pool.shutdownNow();
        }
        assertThat(new DirectoryCounter().count(root, true).revision()).isEqualTo(one);
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
