package io.edgeai.sync.counting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppendAwareCounterTest {
    @TempDir
    Path dir;

    private final ExecutorService helpers = Executors.newFixedThreadPool(3);
    /** Parallel from 1 KiB on, so that the random files below really are cut into ranges. */
    private final FileScan parallelScan = new FileScan(helpers, 4, 1024);
    private final AppendAwareCounter counter = new AppendAwareCounter(parallelScan);

    @AfterEach
    void stop() {
        helpers.shutdownNow();
    }

    @Test
    void parallelRangesAgreeWithTheReference() throws IOException {
        Random random = new Random(7);
        for (int round = 0; round < 40; round++) {
            byte[] bytes = RandomFiles.lines(random, random.nextInt(3000), round % 10 == 0 ? 100_000 : 200);
            Path file = Files.write(dir.resolve("index-" + round + ".txt"), bytes);
            try (FileChannel channel = FileChannel.open(file)) {
                ScanState state = parallelScan.scan(channel, 0, bytes.length, ScanState.START, Format.TXT);
                assertThat(Format.TXT.samples(state)).as("round %d", round).isEqualTo(ReferenceCounter.nonEmptyLines(bytes));
            }
        }
    }

    @Test
    void anAppendIsCountedFromTheCheckpoint() throws IOException {
        Path file = dir.resolve("index.txt");
        Files.writeString(file, "a\nb\nc");
        assertThat(counter.count(file, Format.TXT).samples()).isEqualTo(3);

        Files.writeString(file, "d\n\ne\n", StandardOpenOption.APPEND); // "c" becomes "cd"
        AppendAwareCounter.Counted counted = counter.count(file, Format.TXT);

        assertThat(counted.samples()).isEqualTo(4);
        assertThat(counted.incremental()).isTrue();
        assertThat(counted.bytesScanned()).isEqualTo(5);
    }

    /** Issue 13: size and revision come with every count; a touch keeps the revision, an append or an edited end does not. */
    @Test
    void theRevisionChangesWithTheContentNotWithATouch() throws IOException {
        Path file = Files.writeString(dir.resolve("labels.txt"), "a\nb\n");
        AppendAwareCounter.Counted first = counter.count(file, Format.TXT);
        assertThat(first.size()).isEqualTo(4);

        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(5)));
        AppendAwareCounter.Counted touched = counter.count(file, Format.TXT);
        assertThat(touched.incremental()).as("same length, newer time: counted in full").isFalse();
        assertThat(touched.revision()).isEqualTo(first.revision());

        Files.writeString(file, "c\n", StandardOpenOption.APPEND);
        AppendAwareCounter.Counted appended = counter.count(file, Format.TXT);
        assertThat(appended.size()).isEqualTo(6);
        assertThat(appended.revision()).isNotEqualTo(first.revision());

        Files.writeString(file, "a\nb\nd\n"); // same length and count, another last line
        assertThat(counter.count(file, Format.TXT).revision()).isNotEqualTo(appended.revision());
        assertThat(new AppendAwareCounter(parallelScan).count(file, Format.TXT).revision()).as("another counter, the same content")
            .isEqualTo(counter.count(file, Format.TXT).revision());
    }

    @Test
    void truncationRewriteAndReplacementFallBackToAFullCount() throws IOException {
        Path file = dir.resolve("index.txt");
        Files.writeString(file, "a\nb\nc\nd\n");
        counter.count(file, Format.TXT);

        Files.writeString(file, "a\nb\n");
        assertThat(counter.count(file, Format.TXT)).extracting("samples", "incremental").containsExactly(2L, false);

        Files.writeString(file, "x\n\ny\n\nz\n"); // longer, but the old bytes changed
        assertThat(counter.count(file, Format.TXT)).extracting("samples", "incremental").containsExactly(3L, false);

        Path replacement = Files.writeString(dir.resolve("next.txt"), "x\n\ny\n\nz\nw\n");
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(counter.count(file, Format.TXT)).extracting("samples", "incremental").containsExactly(4L, false);
    }

    @Test
    void incrementalEqualsFullUnderRandomAppendTruncateAndRewrite() throws IOException {
        Random random = new Random(99);
        for (Format format : Format.values()) {
            Path file = dir.resolve("data." + format.name().toLowerCase());
            Files.write(file, new byte[0]);
            int incremental = 0;
            for (int step = 0; step < 150; step++) {
                byte[] more = format == Format.CSV ? RandomFiles.csv(random, random.nextInt(30)) : RandomFiles.lines(random, random.nextInt(30), 5000);
                switch (random.nextInt(6)) {
                    case 0 -> truncate(file, random);
                    case 1 -> Files.write(file, more);
                    case 2 -> replaceByRename(file, more);
                    default -> Files.write(file, more, StandardOpenOption.APPEND);
                }
                AppendAwareCounter.Counted counted = counter.count(file, format);
                long full = new AppendAwareCounter(new FileScan(helpers, 1)).count(file, format).samples();
                assertThat(counted.samples()).as("%s step %d", format, step).isEqualTo(full);
                if (counted.incremental()) {
                    incremental++;
                }
            }
            assertThat(incremental).as("the appends were counted incrementally").isGreaterThan(50);
        }
    }

    private static void truncate(Path file, Random random) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() == 0 ? 0 : random.nextLong(channel.size()));
        }
    }

    private void replaceByRename(Path file, byte[] bytes) throws IOException {
        Path next = Files.write(dir.resolve("replacement"), bytes);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
