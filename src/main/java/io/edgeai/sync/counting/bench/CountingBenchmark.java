package io.edgeai.sync.counting.bench;

import io.edgeai.sync.counting.AppendAwareCounter;
import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.counting.DirectoryCounter;
import io.edgeai.sync.counting.FileScan;
import io.edgeai.sync.counting.Format;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code java -Xmx64m -jar target/edgeai-sync.jar bench [dir] [index-MiB] [files]}: generates an index
 * file, a CSV and a directory tree (kept in {@code dir} for later runs), then measures, in one run on
 * the same page-cached data, our counting against {@code wc -l}, {@code grep -c .} and
 * {@code find -type f | wc -l}, the cost of absorbing a one-line append, the append path through
 * the file watcher ({@link io.edgeai.sync.edge.bench.AppendToStatusBenchmark}), and the peak heap.
 */
public final class CountingBenchmark {
    private static final int RUNS = 5;

    private CountingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench");
        long indexMiB = args.length > 1 ? Long.parseLong(args[1]) : 1024;
        int files = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        Files.createDirectories(dir);
        Path index = dir.resolve("index-" + indexMiB + "MiB.txt");
        Path csv = dir.resolve("labels-" + indexMiB / 4 + "MiB.csv");
        Path tree = dir.resolve("tree-" + files);
        generateIndex(index, indexMiB << 20);
        generateCsv(csv, (indexMiB / 4) << 20);
        generateTree(tree, files);

        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService helpers = Executors.newFixedThreadPool(Math.max(1, cores - 1));
        try {
            System.out.printf(Locale.ROOT, "%nmachine: %d cores, %s %s, max heap %d MiB%n", cores, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
            resetPeakHeap();
            long heapBefore = usedHeap();
            lines(index, helpers, cores);
            csv(csv, helpers);
            append(index, helpers, cores);
            directory(tree, helpers, cores);
            io.edgeai.sync.edge.bench.AppendToStatusBenchmark.run(dir);
            System.out.printf(Locale.ROOT, "%npeak heap during the run: %d MiB (used before counting: %d MiB)%n", peakHeap() >> 20, heapBefore >> 20);
        } finally {
            helpers.shutdownNow();
        }
    }

    private static void lines(Path index, ExecutorService helpers, int cores) throws Exception {
        long bytes = Files.size(index);
        System.out.printf(Locale.ROOT, "%n== full count of %s (%d MiB, page cache warm), best of %d ==%n", index.getFileName(), bytes >> 20, RUNS);
        Command.run("cat", index.toString()); // warm the page cache
        Timed single = best(() -> new AppendAwareCounter(new FileScan(helpers, 1)).countFully(index, Format.TXT).samples());
        Timed parallel = best(() -> new AppendAwareCounter(new FileScan(helpers, cores)).countFully(index, Format.TXT).samples());
        Timed wc = best(() -> Command.firstNumber("wc", "-l", index.toString()));
        Timed grep = best(() -> Command.firstNumber("env", "LC_ALL=C", "grep", "-c", ".", index.toString()));
        Timed grepUtf8 = best(() -> Command.firstNumber("env", "LC_ALL=C.UTF-8", "grep", "-c", ".", index.toString()));
        row("edgeai-sync, 1 thread", single, bytes, wc, grep);
        row("edgeai-sync, " + cores + " threads", parallel, bytes, wc, grep);
        row("wc -l", wc, bytes, wc, grep);
        row("grep -c . (LC_ALL=C)", grep, bytes, wc, grep);
        row("grep -c . (C.UTF-8)", grepUtf8, bytes, wc, grep);
        check(single.result == grep.result && parallel.result == grep.result, "counts agree with grep -c .: " + grep.result);
    }

    private static void csv(Path csv, ExecutorService helpers) throws Exception {
        long bytes = Files.size(csv);
        System.out.printf(Locale.ROOT, "%n== CSV %s (%d MiB, quoted fields with newlines) ==%n", csv.getFileName(), bytes >> 20);
        Command.run("cat", csv.toString());
        Timed ours = best(() -> new AppendAwareCounter(new FileScan(helpers, 1)).countFully(csv, Format.CSV).samples());
        Timed wc = best(() -> Command.firstNumber("wc", "-l", csv.toString()));
        System.out.printf(Locale.ROOT, "%-28s %8.3f s %7.2f GB/s  %,d records%n", "edgeai-sync csv", ours.seconds, gbps(bytes, ours), ours.result);
        System.out.printf(Locale.ROOT, "%-28s %8.3f s %7.2f GB/s  %,d lines (counts newlines in quotes too)%n", "wc -l", wc.seconds, gbps(bytes, wc), wc.result);
        System.out.printf(Locale.ROOT, "csv / wc -l throughput: %.2fx%n", wc.seconds / ours.seconds);
    }

    private static void append(Path index, ExecutorService helpers, int cores) throws Exception {
        System.out.printf(Locale.ROOT, "%n== one-line append to %s ==%n", index.getFileName());
        long[] confined = absorbAppends(index, new AppendAwareCounter(new FileScan(helpers, cores), ConfinedFiles.anywhere()));
        long[] onPaths = absorbAppends(index, new AppendAwareCounter(new FileScan(helpers, cores),
            ConfinedFiles.checkedOnPaths(java.util.List.of(Path.of("/")))));
        System.out.printf(Locale.ROOT, "absorbing one appended line: median %d µs, p99 %d µs, max %d µs (%d appends; target < 5000 µs)%n",
            confined[confined.length / 2], confined[confined.length * 99 / 100], confined[confined.length - 1], confined.length);
        System.out.printf(Locale.ROOT, "  reference, checks on paths (not race-free): median %d µs, p99 %d µs, max %d µs%n",
            onPaths[onPaths.length / 2], onPaths[onPaths.length * 99 / 100], onPaths[onPaths.length - 1]);
    }

    /** 200 one-line appends, each counted right after it; the sorted times in µs. */
    private static long[] absorbAppends(Path index, AppendAwareCounter counter) throws Exception {
        long before = counter.count(index, Format.TXT).samples();
        int appends = 200;
        long[] micros = new long[appends];
        long last = before;
        for (int i = 0; i < appends; i++) {
            Files.writeString(index, "images/train/appended_" + i + ".jpg 1\n", StandardOpenOption.APPEND);
            long start = System.nanoTime();
            AppendAwareCounter.Counted counted = counter.count(index, Format.TXT);
            micros[i] = (System.nanoTime() - start) / 1000;
            check(counted.incremental() && counted.samples() == last + 1, "append " + i + " counted incrementally");
            last = counted.samples();
        }
        Arrays.sort(micros);
        long full = new AppendAwareCounter(new FileScan(null, 1)).countFully(index, Format.TXT).samples();
        check(full == last, "incremental count equals a full recount: " + full);
        truncateAppended(index);
        return micros;
    }

    private static void directory(Path tree, ExecutorService helpers, int cores) throws Exception {
        System.out.printf(Locale.ROOT, "%n== directory tree %s ==%n", tree.getFileName());
        Command.firstNumber("sh", "-c", "find '" + tree + "' -name '.*' -prune -o -type f -print | wc -l"); // warm the dentry cache
        Timed ours = best(() -> new DirectoryCounter().count(tree).files());
        Timed parallel = best(() -> new DirectoryCounter(helpers, cores, ConfinedFiles.anywhere()).count(tree).files());
        Timed find = best(() -> Command.firstNumber("sh", "-c", "find '" + tree + "' -name '.*' -prune -o -type f -print | wc -l"));
        System.out.printf(Locale.ROOT, "%-28s %8.3f s  %,d files%n", "edgeai-sync walk, 1 thread", ours.seconds, ours.result);
        System.out.printf(Locale.ROOT, "%-28s %8.3f s  %,d files%n", "edgeai-sync walk, " + cores + " threads", parallel.seconds, parallel.result);
        System.out.printf(Locale.ROOT, "%-28s %8.3f s  %,d files%n", "find (non-hidden) | wc -l", find.seconds, find.result);
        System.out.printf(Locale.ROOT, "full walk / find speed: %.2fx (1 thread), %.2fx (%d threads)%n",
            find.seconds / ours.seconds, find.seconds / parallel.seconds, cores);
        check(ours.result == find.result && parallel.result == find.result, "file counts agree");

        DirectoryCounter warm = new DirectoryCounter(helpers, cores, ConfinedFiles.anywhere());
        warm.count(tree);
        Path added = tree.resolve("d0007").resolve("added.jpg");
        Files.deleteIfExists(added);
        Files.createFile(added);
        long start = System.nanoTime();
        DirectoryCounter.Walked walked = warm.count(tree);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%-28s %8.3f s  %,d files (%d directories listed, %d reused)%n", "edgeai-sync after one add",
            seconds, walked.files(), walked.directoriesListed(), walked.directoriesReused());
        check(walked.files() == find.result + 1, "the added file is counted");
        Files.delete(added);
    }

    private static void row(String what, Timed timed, long bytes, Timed wc, Timed grep) {
        System.out.printf(Locale.ROOT, "%-28s %8.3f s %7.2f GB/s   vs wc -l %5.2fx   vs grep -c . %5.2fx   %,d%n",
            what, timed.seconds, gbps(bytes, timed), wc.seconds / timed.seconds, grep.seconds / timed.seconds, timed.result);
    }

    private static double gbps(long bytes, Timed timed) {
        return bytes / timed.seconds / 1e9;
    }

    private record Timed(double seconds, long result) {
    }

    private interface Measured {
        long run() throws Exception;
    }

    private static Timed best(Measured measured) throws Exception {
        double best = Double.MAX_VALUE;
        long result = -1;
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            result = measured.run();
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return new Timed(best, result);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark check failed: " + what);
        }
    }

    private static void generateIndex(Path file, long bytes) throws IOException {
        if (Files.exists(file) && Files.size(file) >= bytes) {
            return;
        }
        System.out.printf(Locale.ROOT, "generating %s ...%n", file);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            long written = 0;
            for (long i = 1; written < bytes; i++) {
                byte[] line = String.format(Locale.ROOT, "images/train/img_%08d.jpg %d%n", i, i % 10).getBytes(StandardCharsets.US_ASCII);
                out.write(line);
                written += line.length;
            }
        }
    }

    private static void generateCsv(Path file, long bytes) throws IOException {
        if (Files.exists(file) && Files.size(file) >= bytes) {
            return;
        }
        System.out.printf(Locale.ROOT, "generating %s ...%n", file);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] header = "path,label,caption\n".getBytes(StandardCharsets.US_ASCII);
            out.write(header);
            long written = header.length;
            for (long i = 1; written < bytes; i++) {
                String caption = i % 3 == 0 ? "\"a cat, sitting\non a \"\"mat\"\"\"" : "plain caption " + i;
                byte[] record = String.format(Locale.ROOT, "images/img_%08d.jpg,%d,%s\r\n", i, i % 10, caption).getBytes(StandardCharsets.US_ASCII);
                out.write(record);
                written += record.length;
            }
        }
    }

    private static void generateTree(Path tree, int files) throws IOException {
        Path done = tree.resolve(".complete");
        if (Files.exists(done)) {
            return;
        }
        System.out.printf(Locale.ROOT, "generating %s (%,d files) ...%n", tree, files);
        int perDirectory = 1000;
        for (int i = 0; i < files; i++) {
            Path directory = tree.resolve(String.format(Locale.ROOT, "d%04d", i / perDirectory));
            if (i % perDirectory == 0) {
                Files.createDirectories(directory);
            }
            Files.write(directory.resolve(String.format(Locale.ROOT, "img_%07d.jpg", i)), new byte[0]);
        }
        Files.createFile(done);
    }

    /** Puts the index back as generated, so that repeated runs measure the same file. */
    private static void truncateAppended(Path index) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(index, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate((int) Math.min(size, 1 << 16));
            channel.read(tail, size - tail.capacity());
            String text = new String(tail.array(), StandardCharsets.US_ASCII);
            int firstAppended = text.indexOf("images/train/appended_");
            channel.truncate(firstAppended < 0 ? size : size - tail.capacity() + firstAppended);
        }
    }

    private static void resetPeakHeap() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Sum of the heap pools' peaks: an upper bound of the heap in use at any one moment. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Runs a reference command; its output is read, never kept whole. */
    private static final class Command {
        static void run(String... command) throws Exception {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        }

        static long firstNumber(String... command) throws Exception {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (process.waitFor() != 0 && !out.equals("0")) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
            return Long.parseLong(out.split("\\s+")[0]);
        }
    }
}
