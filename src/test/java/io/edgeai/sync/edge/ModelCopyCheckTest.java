package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import java.io.RandomAccessFile;
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
        DataRoots roots = new DataRoots(List.of(root));
        check = new ModelCopyCheck(roots, new ConfinedFiles(roots.roots()), 0);
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
        DataRoots roots = new DataRoots(List.of(root));
        ModelCopyCheck slow = new ModelCopyCheck(roots, new ConfinedFiles(roots.roots()), 4L << 20);
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
}
