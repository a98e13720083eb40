package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCopyAttackTest {
    @TempDir
    Path dir;
    private Path root;
    private DataRoots roots;

    @BeforeEach
    void roots() throws Exception {
        root = Files.createDirectories(dir.resolve("data")).toRealPath();
        roots = new DataRoots(List.of(root));
    }

    private ModelCopyCheck check(long bytesPerSecond) {
        return new ModelCopyCheck(roots, new ConfinedFiles(roots.roots()), bytesPerSecond);
    }

    private static ModelSpec spec(Path model, String sha256) {
        ModelSpec spec = new ModelSpec(model.toString(), "onnx");
        spec.setSha256(sha256);
        return spec;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String shell(Path in, String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).directory(in.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.split("\\s+")[0];
    }

    /** 1. Content rewritten in place, same size, mtime put back: the old digest is reported and passes spec.sha256. */
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

    /** 2. A sub-directory of a directory model removed mid-walk: the whole model is reported Missing, "does not exist". */
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
     * 3. The rate bound is {@code read * 1_000_000_000L / bytesPerSecond}: the product overflows once 9.2 GB are read,
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

    /** 4. Stopping (Coalescer.shutdownNow interrupts) while a file is read: ClosedByInterruptException becomes a retained "Unreadable". */
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

    /** 5a. Docs' command vs the code: an empty directory model (xargs runs sha256sum once, on stdin). */
    @Test
    void theDocumentedCommandGivesTheSameDigestForAnEmptyDirectory() throws Exception {
        Path empty = Files.createDirectories(root.resolve("empty_model"));
        assertThat(check(0).check(spec(empty, null)).sha256()).as("empty directory").isEqualTo(shell(empty, COMMAND));
    }

    /** 5b. Docs' command vs the code: a name that is not UTF-8 (Latin-1 'é'), which Java decodes lossily. */
    @Test
    void theDocumentedCommandGivesTheSameDigestForANonUtf8Name() throws Exception {
        String command = COMMAND;
        ModelCopyCheck check = check(0);
        Path latin1 = Files.createDirectories(root.resolve("latin1_model"));
        new ProcessBuilder("sh", "-c", "printf w > \"$(printf 'mod\\351le.bin')\"").directory(latin1.toFile()).start().waitFor();
        assertThat(check.check(spec(latin1, null)).sha256()).as("non-UTF-8 name").isEqualTo(shell(latin1, command));
    }

    /** 6. The bound is per check, not per node: the two forward threads (and every slow run the Coalescer lets go) each read at the full rate. */
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
     * 7. A Model whose path is a data root: every node walks and hashes everything it holds (datasets too), keeps a
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
