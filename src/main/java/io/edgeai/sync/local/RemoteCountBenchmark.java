package io.edgeai.sync.local;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.counting.SampleCounter;
import io.edgeai.sync.remote.S3Objects;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench-remote [MiB] [objects]}: the same data counted from the node's disk and from an S3
 * server, through the real paths: {@link SampleCounter} on the file, {@link S3Objects} over the S3
 * API of s3proxy (signed requests, a streamed GET), whose store is the directory the file lies in,
 * so both read the same page-cached bytes. Then an append read from the old end over S3, and a
 * prefix of many objects listed page by page. Needs target/s3proxy/s3proxy.jar (the build copies it).
 */
public final class RemoteCountBenchmark {
    private static final int RUNS = 3;

    private RemoteCountBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int objects = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        try (ScratchDir home = ScratchDir.create("edgeai-bench-remote")) { // a 256 MiB file and 10,000 small ones
            run(mib, objects, home.path());
        }
    }

    private static void run(int mib, int objects, Path home) throws Exception {
        Path store = Files.createDirectories(home.resolve("store"));
        Path bucket = Files.createDirectories(store.resolve("bench"));
        Path file = bucket.resolve("train.jsonl");
        write(file, (long) mib << 20);
        Path many = Files.createDirectories(bucket.resolve("many"));
        for (int i = 0; i < objects; i++) {
            Files.writeString(many.resolve(String.format(Locale.ROOT, "%06d.jpg", i)), "x");
        }
        long bytes = Files.size(file);
        System.out.printf(Locale.ROOT, "%n== %s, %d MiB, counted %d times each (best, median) ==%n", file.getFileName(), bytes >> 20, RUNS);
        try (SampleCounter local = new SampleCounter(Runtime.getRuntime().availableProcessors(), new ConfinedFiles(List.of(store)));
             S3Proxy s3proxy = new S3Proxy(home, store)) {
            S3Objects s3 = new S3Objects(s3proxy.endpoint(S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY), Duration.ofSeconds(60));
            local.count(file, "jsonl", true); // the page cache warm for both
            double[] onDisk = times(() -> local.count(file, "jsonl", true).samples());
            double[] overS3 = times(() -> s3.count("s3://bench/train.jsonl", "jsonl", true).samples());
            // the reference for what the server and the transport cost: the same signed GET, its body discarded
            double[] transport = times(() -> fetch(s3proxy, "/bench/train.jsonl"));
            long samples = local.count(file, "jsonl", true).samples();
            check(samples, s3.count("s3://bench/train.jsonl", "jsonl", true).samples(), "the same count");
            row("local file (SampleCounter)", onDisk, bytes, onDisk);
            row("S3 object (S3Objects, s3proxy)", overS3, bytes, onDisk);
            row("the same GET, body discarded", transport, bytes, onDisk);

            String appended = "{\"image\":\"appended.jpg\",\"label\":1}\n".repeat(1_000);
            Files.writeString(file, appended, StandardOpenOption.APPEND);
            long requests = s3.requests();
            long start = System.nanoTime();
            long after = s3.count("s3://bench/train.jsonl", "jsonl", false).samples();
            double appendSeconds = (System.nanoTime() - start) / 1e9;
            check(samples + 1_000, after, "the append counted");
            System.out.printf(Locale.ROOT, "%-34s %8.1f ms  %d requests for %,d appended bytes (the object is %d MiB)%n",
                "an append, over S3", appendSeconds * 1e3, s3.requests() - requests, appended.length(), Files.size(file) >> 20);
            requests = s3.requests();
            start = System.nanoTime();
            s3.count("s3://bench/train.jsonl", "jsonl", false);
            System.out.printf(Locale.ROOT, "%-34s %8.1f ms  %d request%n", "unchanged, over S3", (System.nanoTime() - start) / 1e6,
                s3.requests() - requests);

            System.out.printf(Locale.ROOT, "%n== a prefix of %,d objects ==%n", objects);
            double[] listed = times(() -> s3.count("s3://bench/many/", "txt", true).samples());
            double[] walked = times(() -> local.count(many, "txt", true).samples());
            double[] pages = times(() -> {
                for (int page = 0; page < (objects + 999) / 1000; page++) { // the server's cost: as many listing pages, unread
                    fetch(s3proxy, "/bench?list-type=2&prefix=many/&max-keys=1000");
                }
                return 0;
            });
            check(objects, s3.count("s3://bench/many/", "txt", true).samples(), "every object");
            System.out.printf(Locale.ROOT, "%-34s %8.3f s  %,.0f objects/s  (%d requests)%n", "S3 prefix, listed", listed[0], objects / listed[0],
                (objects + 999) / 1000);
            System.out.printf(Locale.ROOT, "%-34s %8.3f s  (the server's cost for as many pages, unread)%n", "listing pages, discarded", pages[0]);
            System.out.printf(Locale.ROOT, "%-34s %8.3f s  %,.0f files/s%n", "local directory, walked", walked[0], objects / walked[0]);
        }
    }

    private interface Counting {
        long count() throws Exception;
    }

    /** Best and median of {@value #RUNS} runs, in seconds. */
    private static double[] times(Counting counting) throws Exception {
        double[] seconds = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            counting.count();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        java.util.Arrays.sort(seconds);
        return new double[] {seconds[0], seconds[RUNS / 2]};
    }

    private static void row(String what, double[] seconds, long bytes, double[] reference) {
        System.out.printf(Locale.ROOT, "%-34s %8.3f s (median %.3f s)  %6.2f GB/s  %.2fx the local file%n", what, seconds[0], seconds[1],
            bytes / seconds[0] / 1e9, reference[0] / seconds[0]);
    }

    /** A signed GET whose body is read and thrown away: bytes read. */
    private static long fetch(S3Proxy s3proxy, String pathAndQuery) throws Exception {
        java.net.http.HttpRequest request = new io.edgeai.sync.remote.S3Signer(S3Proxy.REGION, S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY)
            .sign(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s3proxy.endpoint() + pathAndQuery)).GET().build());
        try (java.io.InputStream body = CLIENT.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream()).body()) {
            return body.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newHttpClient();

    private static void check(long expected, long actual, String what) {
        if (expected != actual) {
            throw new IllegalStateException(what + ": expected " + expected + ", got " + actual);
        }
    }

    /** Lines of about 60 bytes, as a JSON-lines index of images and labels. */
    private static void write(Path file, long size) throws Exception {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            long written = 0;
            for (long i = 0; written < size; i++) {
                String line = "{\"image\":\"images/train/img_" + i + ".jpg\",\"label\":" + (i % 1000) + "}\n";
                out.write(line);
                written += line.length();
            }
        }
    }
}
