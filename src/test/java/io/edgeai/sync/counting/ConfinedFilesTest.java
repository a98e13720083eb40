package io.edgeai.sync.counting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What counting may open: regular files and directories under the roots, checked on the object opened. */
class ConfinedFilesTest {
    @TempDir
    Path dir;
    Path root;
    Path outside;
    ConfinedFiles confined;

    @BeforeEach
    void roots() throws IOException {
        root = Files.createDirectories(dir.resolve("root")).toRealPath();
        outside = Files.createDirectories(dir.resolve("outside")).toRealPath();
        confined = new ConfinedFiles(List.of(root));
    }

    @Test
    void opensOnlyUnderLinuxWithoutPathChecks() {
        assertThat(ConfinedFiles.raceFree()).as("JNA and /proc are there on the machines we test on").isTrue();
    }

    @Test
    void opensRegularFilesAndDirectoriesUnderTheRoots() throws IOException {
        Path file = Files.writeString(root.resolve("a.txt"), "1\n2\n");
        try (ConfinedFiles.OpenFile open = confined.openFile(file)) {
            assertThat(open.channel().size()).isEqualTo(4);
            assertThat(open.attributes().fileKey()).isEqualTo(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        }
        Files.createDirectories(root.resolve("d/e"));
        try (ConfinedFiles.OpenDirectory open = confined.openDirectory(root.resolve("d"))) {
            assertThat(open.entries()).extracting(p -> p.getFileName().toString()).containsExactly("e");
        }
        assertThatThrownBy(() -> confined.openFile(root.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = mkfifo(root.resolve("pipe"));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(() -> confined.openFile(fifo)).isInstanceOf(ConfinedFiles.NotRegularFileException.class);
            assertThatThrownBy(() -> confined.openDirectory(fifo)).isInstanceOf(ConfinedFiles.NotRegularFileException.class);
            assertThatThrownBy(() -> confined.attributes(fifo)).isInstanceOf(ConfinedFiles.NotRegularFileException.class);
        });
    }

    @Test
    void aDeviceNodeIsRefused() throws Exception {
        Path device = root.resolve("zero");
        Process mknod = new ProcessBuilder("mknod", device.toString(), "c", "1", "5").redirectErrorStream(true).start();
        assumeTrue(mknod.waitFor() == 0, "creating a device node needs root (CAP_MKNOD): skipped");
        assertTimeoutPreemptively(Duration.ofSeconds(5),
            () -> assertThatThrownBy(() -> confined.openFile(device)).isInstanceOf(ConfinedFiles.NotRegularFileException.class));
    }

    @Test
    void aLinkIsNotFollowedAndAParentLinkOutsideIsCaught() throws IOException {
        Path secret = Files.writeString(outside.resolve("secret.txt"), "s\n");
        Files.createSymbolicLink(root.resolve("link.txt"), secret);
        Files.createSymbolicLink(root.resolve("elsewhere"), outside);
        Files.createSymbolicLink(root.resolve("dev-null"), Path.of("/dev/null"));

        assertThatThrownBy(() -> confined.openFile(root.resolve("link.txt")))
            .isInstanceOf(ConfinedFiles.NotRegularFileException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> confined.openFile(root.resolve("dev-null"))).isInstanceOf(ConfinedFiles.NotRegularFileException.class);
        assertThatThrownBy(() -> confined.openFile(root.resolve("elsewhere/secret.txt")))
            .isInstanceOf(ConfinedFiles.OutsideRootsException.class).hasMessageContaining(secret.toString());
        assertThatThrownBy(() -> confined.openDirectory(root.resolve("elsewhere")))
            .isInstanceOf(ConfinedFiles.NotRegularFileException.class);
    }

    /**
     * Issue 6, item 6: a file swapped for a link to an outside file between the check and the open.
     * Another thread swaps the file and a link over it (rename, atomic) as fast as it can, and also
     * swaps its directory for a link to an outside directory; no count may ever be the outside one.
     * Every 64 rounds it leaves the real file in place until two more counts have run, so that the
     * counts on the real file are exercised too (on a busy CI machine none of 3,000 had landed on it).
     */
    @Test
    void aFileSwappedForALinkBetweenCheckAndOpenIsNeverCounted() throws Exception {
        Path data = Files.createDirectories(root.resolve("data"));
        Path file = Files.writeString(data.resolve("index.txt"), "1\n2\n3\n");
        Files.writeString(outside.resolve("index.txt"), "x\n".repeat(1000));
        Path linkAside = root.resolve("link-aside");
        Path fileAside = root.resolve("file-aside");
        Path dirLinkAside = root.resolve("dir-link-aside");
        Path dataAside = root.resolve("data-aside");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger attempts = new AtomicInteger();
        Thread swapper = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    if (i % 2 == 0) {
                        Files.deleteIfExists(linkAside);
                        Files.createSymbolicLink(linkAside, outside.resolve("index.txt"));
                        Files.move(linkAside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        Files.writeString(fileAside, "1\n2\n3\n");
                        Files.move(fileAside, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        if (i % 64 == 0) { // the real file stays until a count has run wholly after it came back
                            int seen = attempts.get();
                            while (attempts.get() < seen + 2 && !stop.get()) {
                                Thread.onSpinWait();
                            }
                        }
                    } else {
                        Files.move(data, dataAside, StandardCopyOption.ATOMIC_MOVE);
                        Files.deleteIfExists(dirLinkAside);
                        Files.createSymbolicLink(dirLinkAside, outside);
                        Files.move(dirLinkAside, data, StandardCopyOption.ATOMIC_MOVE);
                        Files.delete(data);
                        Files.move(dataAside, data, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        swapper.start();
        AppendAwareCounter counter = new AppendAwareCounter(new FileScan(null, 1), confined);
        int counted = 0;
        int refused = 0;
        try {
            for (int i = 0; i < 3000; i++) {
                try {
                    long samples = counter.countFully(file, Format.TXT).samples();
                    assertThat(samples).as("count %d", i).isEqualTo(3);
                    counted++;
                } catch (ConfinedFiles.NotRegularFileException | ConfinedFiles.OutsideRootsException | NoSuchFileException e) {
                    refused++;
                } finally {
                    attempts.incrementAndGet();
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(counted).as("some counts ran on the real file").isPositive();
        assertThat(refused).as("some counts met the link").isPositive();
    }

    /**
     * Issue 6, item 7: a cached subdirectory replaced by a link to an outside directory, its parent's
     * modification time put back, is not listed through the link.
     */
    @Test
    void aSubdirectorySwappedForALinkIsNotListedThroughIt() throws Exception {
        Path dataset = Files.createDirectories(root.resolve("images"));
        Path sub = dataset.resolve("sub");
        FileTime old = threeFilesInSubBesideHundredOutside(dataset);
        DirectoryCounter counter = new DirectoryCounter(null, 1, confined);
        assertThat(counter.count(dataset).files()).isEqualTo(3);

        Files.move(sub, root.resolve("sub-aside"));
        Files.createSymbolicLink(sub, outside);
        Files.setLastModifiedTime(dataset, old); // the parent looks unchanged: its cached names are reused

        assertThat(counter.count(dataset).files()).isZero();
    }

    /**
     * Issue 6, item 7, under load: another thread keeps swapping a subdirectory for a link to an
     * outside directory and back, putting the parent's modification time back each time, while the
     * dataset is counted with its cache again and again. No count may include an outside file.
     */
    @Test
    void aSubdirectorySwappedForALinkWhileCountingIsNeverListedThroughIt() throws Exception {
        Path dataset = Files.createDirectories(root.resolve("swapped"));
        Path sub = dataset.resolve("sub");
        FileTime old = threeFilesInSubBesideHundredOutside(dataset);
        Path aside = root.resolve("sub-aside");
        Path link = root.resolve("sub-link");
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Files.move(sub, aside, StandardCopyOption.ATOMIC_MOVE);
                    Files.deleteIfExists(link);
                    Files.createSymbolicLink(link, outside);
                    Files.move(link, sub, StandardCopyOption.ATOMIC_MOVE);
                    Files.setLastModifiedTime(dataset, old);
                    Files.delete(sub);
                    Files.move(aside, sub, StandardCopyOption.ATOMIC_MOVE);
                    Files.setLastModifiedTime(dataset, old);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DirectoryCounter counter = new DirectoryCounter(null, 1, confined);
        swapper.start();
        try {
            for (int i = 0; i < 3000; i++) {
                assertThat(counter.count(dataset).files()).as("count %d", i).isIn(0L, 3L);
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
    }

    /** {@code dataset/sub} with 3 files, 100 files outside the roots, both directories an hour old (so cached). */
    private FileTime threeFilesInSubBesideHundredOutside(Path dataset) throws IOException {
        Path sub = Files.createDirectories(dataset.resolve("sub"));
        for (int i = 0; i < 3; i++) {
            Files.writeString(sub.resolve(i + ".jpg"), "x");
        }
        for (int i = 0; i < 100; i++) {
            Files.writeString(outside.resolve(i + ".jpg"), "x");
        }
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        Files.setLastModifiedTime(sub, old);
        Files.setLastModifiedTime(dataset, old);
        return old;
    }

    /** A directory whose name is Latin-1 bytes (not UTF-8), beside one whose name is its lossy decoding. */
    @Test
    void namesThatDoNotDecodeAreWalkedByTheirBytes() throws Exception {
        Path dataset = Files.createDirectories(root.resolve("names"));
        Process mkdir = new ProcessBuilder("bash", "-c",
            "cd '" + dataset + "' && mkdir $'caf\\xe9' && touch $'caf\\xe9/1' $'caf\\xe9/2' $'caf\\xe9/3'"
                + " && mkdir $'caf\\xef\\xbf\\xbd' && touch $'caf\\xef\\xbf\\xbd/1'").redirectErrorStream(true).start();
        assertThat(mkdir.waitFor()).isZero();

        assertThat(new DirectoryCounter(null, 1, confined).count(dataset).files()).isEqualTo(4);
    }

    static Path mkfifo(Path path) throws Exception {
        Process process = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        assertThat(process.waitFor()).isZero();
        return path;
    }
}
