package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: a node's copy of a model, judged on real files, its digests checked against sha256sum itself. */
class ModelCopyCheckTest {
    @TempDir
    Path dir;
    private Path root;
    private ModelCopyCheck check;

    @BeforeEach
    void roots() throws Exception {
        root = Files.createDirectories(dir.resolve("data"));
        check = check(0);
    }

    /** A check of its own, reading at most {@code bytesPerSecond} (0: no bound). */
    private ModelCopyCheck check(long bytesPerSecond) throws Exception {
        DataRoots roots = new DataRoots(List.of(root));
        return new ModelCopyCheck(roots, new ConfinedFiles(roots.roots()), bytesPerSecond);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static ModelSpec spec(Path model, String sha256) {
        ModelSpec spec = new ModelSpec(model.toString(), "onnx");
        spec.setSha256(sha256);
        return spec;
    }

    /** What coreutils prints for the command, its first word. */
    private static String shell(Path in, String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).directory(in.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.split("\\s+")[0];
    }

    @Test
    void aFileIsPresentWithTheDigestSha256sumGivesAndAMismatchIsNamed() throws Exception {
        Path model = Files.write(root.resolve("model.onnx"), "weights".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
        String expected = shell(root, "sha256sum model.onnx");

        ModelCopyCheck.Found found = check.check(spec(model, null));
        assertThat(found.phase()).isEqualTo(ModelCopy.PRESENT);
        assertThat(found.sha256()).isEqualTo(expected);
        assertThat(found.sizeBytes()).isEqualTo(700_000L);
        assertThat(found.files()).isNull();
        assertThat(check.check(spec(model, expected)).phase()).isEqualTo(ModelCopy.PRESENT);

        ModelCopyCheck.Found wrong = check.check(spec(model, "0".repeat(64)));
        assertThat(wrong.phase()).isEqualTo(ModelCopy.CHECKSUM_MISMATCH);
        assertThat(wrong.sha256()).isEqualTo(expected);
        assertThat(wrong.message()).contains(expected, "0".repeat(64));
    }

    @Test
    void aCopyIsHashedOncePerChange() throws Exception {
        Path model = Files.write(root.resolve("model.bin"), new byte[3 << 20]);
        check.check(spec(model, null));
        assertThat(check.hashedBytes()).isEqualTo(3L << 20);
        check.check(spec(model, null));
        check.check(spec(model, "a".repeat(64)));
        assertThat(check.hashedBytes()).as("unchanged: the digest is reused").isEqualTo(3L << 20);

        Files.write(model, new byte[] {1}, StandardOpenOption.APPEND);
        String grown = check.check(spec(model, null)).sha256();
        assertThat(check.hashedBytes()).isEqualTo(2 * (3L << 20) + 1);
        assertThat(grown).isEqualTo(shell(root, "sha256sum model.bin"));
    }

    /** A model is read at the configured rate, so that hashing a large one cannot take the disk from the rest. */
    @Test
    void hashingIsBoundedInRate() throws Exception {
        Path model = root.resolve("sparse.bin");
        try (RandomAccessFile file = new RandomAccessFile(model.toFile(), "rw")) {
            file.setLength(8L << 20);
        }
        ModelCopyCheck slow = check(4L << 20);
        long started = System.nanoTime();
        assertThat(slow.check(spec(model, null)).phase()).isEqualTo(ModelCopy.PRESENT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("8 MiB at 4 MiB/s cannot take less than 2 s").isGreaterThanOrEqualTo(1_750);
    }

    /** The command docs/protocol.md gives. */
    @Test
    void aDirectoryModelHasTheDigestOfItsSha256sumListing() throws Exception {
        Path model = Files.createDirectories(root.resolve("saved_model"));
        Files.writeString(model.resolve("saved_model.pb"), "graph");
        Files.createDirectories(model.resolve("variables"));
        Files.writeString(model.resolve("variables/variables.data-00000-of-00001"), "numbers");
        Files.writeString(model.resolve("variables/variables.index"), "index");
        Files.writeString(model.resolve(".hidden"), "not part of the model");
        Files.createDirectories(model.resolve(".git"));
        Files.writeString(model.resolve(".git/HEAD"), "nor is this");
        Files.createSymbolicLink(model.resolve("link"), model.resolve("saved_model.pb"));
        String listing = shell(model, "find . -type f ! -path '*/.*' -printf '%P\\0' | LC_ALL=C sort -z | xargs -0r sha256sum | sha256sum");

        ModelCopyCheck.Found found = check.check(spec(model, listing));
        assertThat(found.phase()).isEqualTo(ModelCopy.PRESENT);
        assertThat(found.sha256()).isEqualTo(listing);
        assertThat(found.files()).isEqualTo(3L);
        assertThat(found.sizeBytes()).isEqualTo("graph".length() + "numbers".length() + "index".length());
    }

    @Test
    void whatIsNotAReadableCopyUnderTheRootsSaysWhy() throws Exception {
        assertThat(check.check(spec(root.resolve("absent.onnx"), null)).phase()).isEqualTo(ModelCopy.MISSING);

        Path outside = Files.writeString(dir.resolve("outside.onnx"), "secret");
        assertThat(check.check(spec(outside, null)).phase()).isEqualTo(ModelCopy.OUTSIDE_DATA_ROOTS);
        Path link = Files.createSymbolicLink(root.resolve("link.onnx"), outside);
        ModelCopyCheck.Found linked = check.check(spec(link, null));
        assertThat(linked.phase()).as("a link out of the roots").isIn(ModelCopy.OUTSIDE_DATA_ROOTS, ModelCopy.UNREADABLE);
        assertThat(linked.sha256()).isNull();

        Path fifo = EdgeDatasetsTest.mkfifo(root.resolve("model.fifo"));
        ModelCopyCheck.Found pipe = check.check(spec(fifo, null));
        assertThat(pipe.phase()).as("a FIFO is never opened for reading: it would block").isEqualTo(ModelCopy.UNREADABLE);
        assertThat(pipe.message()).isNotBlank();

        ModelCopyCheck.Found remote = check.check(new ModelSpec("s3://bucket/model.onnx", "onnx"));
        assertThat(remote.phase()).isEqualTo(ModelCopy.UNREADABLE);
        assertThat(remote.message()).contains("s3://bucket/model.onnx");
    }

    // what a hostile review found (2026-11-30), each shown failing on the code before its fix

    /** Content rewritten in place, same size, mtime put back: the old digest is reported and passes spec.sha256. */
    @Test
    void aFileRewrittenInPlaceWithItsMtimeRestoredIsHashedAgain() throws Exception {
        byte[] good = "good weights".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] evil = "evil weights".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        Path model = Files.write(root.resolve("model.onnx"), good);
        FileTime mtime = Files.getLastModifiedTime(model);
        ModelCopyCheck check = check(0);
        assertThat(check.check(spec(model, sha256(good))).phase()).isEqualTo(ModelCopy.PRESENT);

        try (FileChannel channel = FileChannel.open(model, StandardOpenOption.WRITE)) { // same inode, same size
            channel.write(ByteBuffer.wrap(evil), 0);
        }
        Files.setLastModifiedTime(model, mtime); // touch -d / rsync --inplace -t / cp -p do this

        ModelCopyCheck.Found found = check.check(spec(model, sha256(good)));
        assertThat(found.sha256()).as("the digest of what is in the file now").isEqualTo(sha256(evil));
        assertThat(found.phase()).isEqualTo(ModelCopy.CHECKSUM_MISMATCH);
    }

    /** A sub-directory of a directory model removed mid-walk: the whole model is reported Missing, "does not exist". */
    @Test
    void aDirectoryGoneMidWalkDoesNotMakeTheModelMissing() throws Exception {
        Path model = Files.createDirectories(root.resolve("saved_model"));
        for (String sub : List.of("a", "b")) {
            Files.createDirectories(model.resolve(sub));
            try (RandomAccessFile file = new RandomAccessFile(model.resolve(sub + "/big.bin").toFile(), "rw")) {
                file.setLength(4L << 20);
            }
        }
        ModelCopyCheck check = check(2L << 20); // 2 s per 4 MiB file
        CompletableFuture<ModelCopyCheck.Found> found = CompletableFuture.supplyAsync(() -> {
            try {
                return check.check(spec(model, null));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> check.hashedBytes() > 0);
        // while the first sub-directory's file is hashed, both go (a new version of the model replacing the old)
        for (String sub : List.of("a", "b")) {
            Files.delete(model.resolve(sub + "/big.bin"));
            Files.delete(model.resolve(sub));
        }
        ModelCopyCheck.Found result = found.get(30, TimeUnit.SECONDS);
        assertThat(Files.isDirectory(model)).isTrue();
        assertThat(result.phase()).as(result.phase() + ": " + result.message()).isNotEqualTo(ModelCopy.MISSING);
    }

    /**
     * The rate bound is {@code read * 1_000_000_000L / bytesPerSecond}: the product overflows once 9.2 GB are read,
     * and from there a model (a 14 GB LLM, say) is read flat out. /dev/zero stands in for the file (fed to hash() directly).
     */
    @Test
    void theRateBoundHoldsPastNineGigabytes() throws Exception {
        long rate = 512L << 20;
        ModelCopyCheck check = check(rate);
        java.lang.reflect.Method hash = ModelCopyCheck.class.getDeclaredMethod("hash", ConfinedFiles.OpenFile.class);
        hash.setAccessible(true);
        FileChannel zeros = FileChannel.open(Path.of("/dev/zero"));
        ConfinedFiles.OpenFile open = new ConfinedFiles.OpenFile(zeros, Files.readAttributes(root, java.nio.file.attribute.BasicFileAttributes.class));
        Thread hashing = new Thread(() -> {
            try {
                hash.invoke(check, open);
            } catch (ReflectiveOperationException stopped) {
                // interrupted: the test is done
            }
        });
        hashing.start();
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> check.hashedBytes() > 9_300_000_000L);
            long from = check.hashedBytes();
            long started = System.nanoTime();
            TimeUnit.SECONDS.sleep(2);
            double perSecond = (check.hashedBytes() - from) / ((System.nanoTime() - started) / 1e9);
            assertThat(perSecond).as("bytes/s past 9.2 GB, bound " + rate).isLessThan(rate * 1.2);
        } finally {
            hashing.interrupt();
            hashing.join(10_000);
            zeros.close();
        }
    }

    /** Stopping (Coalescer.shutdownNow interrupts) while a file is read: ClosedByInterruptException becomes a retained "Unreadable". */
    @Test
    void anInterruptWhileReadingIsNotAnUnreadableCopy() throws Exception {
        Path model = root.resolve("big.bin");
        try (RandomAccessFile file = new RandomAccessFile(model.toFile(), "rw")) {
            file.setLength(8L << 30);
        }
        ModelCopyCheck check = check(0);
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread hashing = new Thread(() -> {
            try {
                outcome.complete(check.check(spec(model, null)));
            } catch (InterruptedException e) {
                outcome.complete(e);
            }
        });
        hashing.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> check.hashedBytes() > 0);
        hashing.interrupt();
        Object result = outcome.get(30, TimeUnit.SECONDS);
        assertThat(result).as("an interrupted check must not judge the copy: " + result).isInstanceOf(InterruptedException.class);
    }

    private static final String COMMAND = "find . -type f ! -path '*/.*' -printf '%P\\0' | LC_ALL=C sort -z | xargs -0r sha256sum | sha256sum";

    /** Docs' command vs the code: an empty directory model (xargs runs sha256sum once, on stdin). */
    @Test
    void theDocumentedCommandGivesTheSameDigestForAnEmptyDirectory() throws Exception {
        Path empty = Files.createDirectories(root.resolve("empty_model"));
        assertThat(check(0).check(spec(empty, null)).sha256()).as("empty directory").isEqualTo(shell(empty, COMMAND));
    }

    /** Docs' command vs the code: a name that is not UTF-8 (Latin-1 'é'), which Java decodes lossily. */
    @Test
    void theDocumentedCommandGivesTheSameDigestForANonUtf8Name() throws Exception {
        String command = COMMAND;
        ModelCopyCheck check = check(0);
        Path latin1 = Files.createDirectories(root.resolve("latin1_model"));
        new ProcessBuilder("sh", "-c", "printf w > \"$(printf 'mod\\351le.bin')\"").directory(latin1.toFile()).start().waitFor();
        assertThat(check.check(spec(latin1, null)).sha256()).as("non-UTF-8 name").isEqualTo(shell(latin1, command));
    }

    /** The bound is per check, not per node: the two forward threads (and every slow run the Coalescer lets go) each read at the full rate. */
    @Test
    void twoModelsHashedAtOnceShareTheRate() throws Exception {
        List<Path> models = new java.util.ArrayList<>();
        for (String name : List.of("one.bin", "two.bin")) {
            Path model = root.resolve(name);
            try (RandomAccessFile file = new RandomAccessFile(model.toFile(), "rw")) {
                file.setLength(8L << 20);
            }
            models.add(model);
        }
        ModelCopyCheck check = check(4L << 20);
        long started = System.nanoTime();
        List<CompletableFuture<ModelCopyCheck.Found>> running = models.stream().map(model -> CompletableFuture.supplyAsync(() -> {
            try {
                return check.check(spec(model, null));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, java.util.concurrent.Executors.newSingleThreadExecutor())).toList();
        for (CompletableFuture<ModelCopyCheck.Found> one : running) {
            assertThat(one.get(30, TimeUnit.SECONDS).phase()).isEqualTo(ModelCopy.PRESENT);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("16 MiB at 4 MiB/s").isGreaterThanOrEqualTo(3_750);
    }

    /**
     * A Model whose path is a data root: every node walks and hashes everything it holds (datasets too), keeps a
     * digest per file for good, and, since any change under the root is "under the model's path", walks it all again
     * on every file event anywhere under the root.
     */
    @Test
    void aModelWhosePathIsADataRootIsRefused() throws Exception {
        Files.writeString(Files.createDirectories(root.resolve("datasets/cats")).resolve("index.txt"), "someone else's data");
        ModelCopyCheck.Found found = check(0).check(spec(root, null));
        assertThat(found.phase()).as(found.toString()).isIn(ModelCopy.OUTSIDE_DATA_ROOTS, ModelCopy.UNREADABLE);
    }
}
