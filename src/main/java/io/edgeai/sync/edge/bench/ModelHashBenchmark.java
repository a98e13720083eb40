package io.edgeai.sync.edge.bench;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.edge.DataRoots;
import io.edgeai.sync.edge.ModelCopyCheck;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Verifying a model copy as the edge does ({@link ModelCopyCheck}: a race-free open under the data
 * roots, SHA-256 by streaming) against {@code sha256sum} and {@code openssl dgst -sha256} on the same
 * file in the same run, page cache warm, best of 3; then what a check of the unchanged copy costs (nothing read) and one after a change.
 * The rate bound is off here: this measures what the node can do, not what it is allowed to.
 */
public final class ModelHashBenchmark {
    private static final int RUNS = 3;

    private ModelHashBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench");
        long mib = args.length > 1 ? Long.parseLong(args[1]) : 2048;
        Path model = Files.createDirectories(dir).resolve("model-" + mib + "MiB.bin");
        generate(model, mib << 20);
        DataRoots roots = new DataRoots(List.of(dir.toAbsolutePath()));
        ModelSpec spec = new ModelSpec(model.toAbsolutePath().toString(), "bin");
        long bytes = Files.size(model);
        System.out.printf(Locale.ROOT, "%n== SHA-256 of a %d MiB model, page cache warm, best of %d ==%n", mib, RUNS);
        digest(model, "sha256sum"); // warm the page cache
        double ours = Double.MAX_VALUE;
        ModelCopyCheck.Found found = null;
        for (int i = 0; i < RUNS; i++) {
            ModelCopyCheck check = new ModelCopyCheck(roots, new ConfinedFiles(roots.roots()), 0); // nothing remembered
            long start = System.nanoTime();
            found = check.check(spec);
            ours = Math.min(ours, (System.nanoTime() - start) / 1e9);
        }
        System.out.printf(Locale.ROOT, "%-36s %7.3f s %7.2f GB/s%n", "edgeai-sync (ModelCopyCheck)", ours, bytes / ours / 1e9);
        // coreutils' own SHA-256, and OpenSSL's, which uses the CPU's SHA instructions where it has them
        for (String tool : List.of("sha256sum", "openssl")) {
            double best = Double.MAX_VALUE;
            String digest = null;
            for (int i = 0; i < RUNS; i++) {
                long start = System.nanoTime();
                digest = digest(model, tool);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            if (!ModelCopy.PRESENT.equals(found.phase()) || !digest.equals(found.sha256())) {
                throw new IllegalStateException("benchmark check failed: " + found + " against " + tool + "'s " + digest);
            }
            System.out.printf(Locale.ROOT, "%-36s %7.3f s %7.2f GB/s   edgeai-sync / %s: %.2fx%n", tool, best, bytes / best / 1e9, tool, best / ours);
        }

        ModelCopyCheck check = new ModelCopyCheck(roots, new ConfinedFiles(roots.roots()), 0);
        check.check(spec);
        long before = check.hashedBytes();
        long start = System.nanoTime();
        check.check(spec);
        System.out.printf(Locale.ROOT, "check of the unchanged copy: %.3f ms, %d bytes read%n", (System.nanoTime() - start) / 1e6,
            check.hashedBytes() - before);
        Files.writeString(model, "x", java.nio.file.StandardOpenOption.APPEND);
        try {
            before = check.hashedBytes();
            start = System.nanoTime();
            check.check(spec);
            System.out.printf(Locale.ROOT, "check after a one-byte append: %.3f s, %d MiB read (a digest is of the whole copy)%n",
                (System.nanoTime() - start) / 1e9, (check.hashedBytes() - before) >> 20);
        } finally {
            try (var channel = java.nio.channels.FileChannel.open(model, java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(bytes);
            }
        }
    }

    /** The hex digest {@code sha256sum FILE} or {@code openssl dgst -sha256 -r FILE} prints. */
    private static String digest(Path model, String tool) throws IOException, InterruptedException {
        List<String> command = tool.equals("openssl") ? List.of("openssl", "dgst", "-sha256", "-r", model.toString()) : List.of(tool, model.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(tool + " failed");
        }
        return out.substring(0, 64);
    }

    /** Random bytes (incompressible, as weights are), written once and kept for later runs. */
    private static void generate(Path model, long bytes) throws IOException {
        if (Files.exists(model) && Files.size(model) == bytes) {
            return;
        }
        System.out.printf(Locale.ROOT, "generating %s ...%n", model);
        SplittableRandom random = new SplittableRandom(13);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(model)) {
            for (long written = 0; written < bytes; written += block.length) {
                for (int i = 0; i < block.length; i += 8) {
                    long value = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        block[i + b] = (byte) (value >>> (8 * b));
                    }
                }
                out.write(block, 0, (int) Math.min(block.length, bytes - written));
            }
        }
    }
}
