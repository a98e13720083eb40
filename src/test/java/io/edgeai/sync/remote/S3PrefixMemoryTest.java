package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import io.edgeai.sync.local.S3Proxy;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a prefix of 10,000 objects, on a real S3 API server (s3proxy), is counted in a heap that
 * does not grow with the objects: a listing is read a page at a time and only its sums are kept.
 * The keys are long (over 800 bytes), so a counter that kept what it listed would hold about 9 MiB by
 * the end; the heap, measured after a collection every 20 ms while the count runs, may grow by 3 MiB
 * at most. The count runs in a JVM of its own ({@link Count}): in the tests' JVM, what other tests
 * left running allocated as much as 3.7 MB during the count. What is measured is what each collection
 * left, as the collector reports it: the heap's used bytes read after {@code System.gc()} returns also
 * count, whole, the allocation buffers (TLABs) that threads took since, which sized with the machine's
 * heap and made 3.15 MB on one CI machine where this one measures 0.5 MB.
 */
class S3PrefixMemoryTest {
    private static final int OBJECTS = 10_000;

    @TempDir
    Path home;

    @Test
    void aPrefixOfTenThousandObjectsIsCountedInAHeapThatDoesNotGrowWithThem() throws Exception {
        Path store = Files.createDirectories(home.resolve("store"));
        // the filesystem store keeps a bucket's objects as files under its directory: made here at once,
        // not by 10,000 PUTs
        String longName = "s".repeat(200) + "/" + "t".repeat(200) + "/" + "u".repeat(200) + "/" + "v".repeat(200);
        Path dir = Files.createDirectories(store.resolve("many").resolve("big").resolve(longName));
        for (int i = 0; i < OBJECTS; i++) {
            Files.writeString(dir.resolve("w".repeat(40) + "-" + i + ".jpg"), "x");
        }
        Path warm = Files.createDirectories(store.resolve("many").resolve("warm"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(warm.resolve(i + ".jpg"), "x");
        }
        try (S3Proxy server = new S3Proxy(Files.createDirectories(home.resolve("s3proxy")), store)) {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            // one collector on every machine, so that which collector runs the full collection is known
            Process count = new ProcessBuilder(java.toString(), "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Count.class.getName(),
                server.endpoint().toString()).redirectErrorStream(true).start();
            List<String> said = new String(count.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(count.waitFor(120, TimeUnit.SECONDS)).isTrue();
            System.out.println(String.join("\n", said));
            assertThat(count.exitValue()).as(String.join("\n", said)).isZero();
            String[] result = said.get(said.size() - 1).split(" ");
            assertThat(Long.parseLong(result[0])).as("objects counted").isEqualTo(OBJECTS);
            assertThat(Integer.parseInt(result[2])).as("the heap was measured while the listing was read").isGreaterThanOrEqualTo(3);
            assertThat(Long.parseLong(result[1])).as("heap growth while counting, in bytes").isLessThan(3L << 20);
        }
    }

    /** Counts s3://many/big/ on the endpoint given and prints "objects growth samples". */
    public static final class Count {
        public static void main(String[] args) throws Exception {
            S3Objects s3 = new S3Objects(new S3Objects.Endpoint(URI.create(args[0]), S3Proxy.REGION, true, S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY),
                Duration.ofSeconds(30));
            // the same path once on a small prefix first: what the HTTP client, the signer and the XML
            // reader keep for good once used is not the count's
            if (s3.count("s3://many/warm/", "jpg", false).samples() != 10) {
                throw new AssertionError("the small prefix was not counted");
            }
            long before = usedAfterCollection();
            AtomicLong most = new AtomicLong(before);
            AtomicInteger samples = new AtomicInteger();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleWithFixedDelay(() -> {
                most.accumulateAndGet(usedAfterCollection(), Math::max);
                samples.incrementAndGet();
            }, 0, 20, TimeUnit.MILLISECONDS);
            HttpObjects.Counted counted;
            try {
                counted = s3.count("s3://many/big/", "jpg", false);
            } finally {
                sampler.shutdown();
                sampler.awaitTermination(30, TimeUnit.SECONDS);
            }
            if (counted.files() != counted.samples() || counted.sizeBytes() != counted.samples()) {
                throw new AssertionError("counted " + counted);
            }
            System.out.println(counted.samples() + " " + (most.get() - before) + " " + samples.get());
            System.exit(0);
        }

        /** The heap's bytes in use at the end of a full collection, by the collector's own account. */
        private static long usedAfterCollection() {
            System.gc();
            GcInfo full = ManagementFactory.getPlatformMXBeans(GarbageCollectorMXBean.class).stream()
                .filter(collector -> collector.getName().equals("MarkSweepCompact"))
                .findFirst().orElseThrow(() -> new AssertionError("not the serial collector"))
                .getLastGcInfo();
            return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> full.getMemoryUsageAfterGc().get(pool.getName()).getUsed())
                .sum();
        }
    }
}
