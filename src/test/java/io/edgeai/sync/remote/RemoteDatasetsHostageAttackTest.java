package io.edgeai.sync.remote;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.counting.SampleCounter;
import io.edgeai.sync.edge.DataRoots;
import io.edgeai.sync.edge.DesiredStateStore;
import io.edgeai.sync.edge.EdgeDatasets;
import io.edgeai.sync.edge.EdgeSettings;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.DatasetSpec;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile review of issue 11, end to end on the edge's datasets (no broker): what one Dataset author can do to the node. */
class RemoteDatasetsHostageAttackTest {
    private static final String NODE = "edge0";
    private final Topics topics = new Topics("edgeai");
    private final Map<String, DatasetReport> published = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);
    @TempDir
    Path dir;
    private HttpServer hung;
    private SampleCounter counter;
    private EdgeDatasets datasets;
    private ObjectServer store;

    @AfterEach
    void stop() {
        release.countDown();
        if (datasets != null) {
            datasets.close();
        }
        if (counter != null) {
            counter.close();
        }
        if (hung != null) {
            hung.stop(0);
        }
        if (store != null) {
            store.close();
        }
    }

    private Path start(RemoteDatasets remote) throws Exception {
        Path root = Files.createDirectories(dir.resolve("data")).toRealPath();
        DataRoots roots = new DataRoots(List.of(root));
        counter = new SampleCounter(1, new ConfinedFiles(roots.roots()));
        // as configured by default (count-threads 2), slow-count 100 ms instead of 2 s
        datasets = new EdgeDatasets(NODE, topics, roots, new DesiredStateStore(dir.resolve("state")), counter,
            new EdgeSettings(2, Duration.ofMillis(5), Duration.ofMillis(100), Duration.ofMinutes(10)), this::publish, Clock.systemUTC(),
            remote, new RemotePolls(60_000, System::nanoTime));
        return root;
    }

    private boolean publish(Outgoing message) {
        String name = message.topic().substring(message.topic().lastIndexOf('/') + 1);
        if (message.isTombstone()) {
            published.remove(name);
        } else {
            published.put(name, Json.read(message.payload(), DatasetReport.class, "report"));
        }
        return true;
    }

    private void place(String name, String dataUrl) {
        DesiredDataset dataset = new DesiredDataset("default", name, "uid-" + name, 1, new DatasetSpec(dataUrl, "txt", NODE),
            System.currentTimeMillis());
        datasets.onDesired(topics.desiredDataset(NODE, "default", name), Json.bytes(dataset));
    }

    /**
     * A server under an allowed prefix that sends its headers and then stalls (hostile, or a network
     * that drops mid-body: no read timeout) holds a count thread per dataset for ever. The
     * coalescer lends 8 extra threads per count thread to slow runs; 18 such datasets take them all,
     * and no other dataset on the node, local or remote, is counted again.
     */
    @Test
    void datasetsOnAStalledServerDoNotStopTheNodeCountingOthers() throws Exception {
        AtomicInteger stalled = new AtomicInteger();
        hung = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hung.setExecutor(Executors.newCachedThreadPool());
        hung.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write("1\n".getBytes());
                body.flush();
                stalled.incrementAndGet();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        hung.start();
        String prefix = "http://127.0.0.1:" + hung.getAddress().getPort() + "/sets/";
        Path root = start(new RemoteDatasets(new HttpObjects(List.of(prefix), Duration.ofSeconds(1)), new S3Objects(null, Duration.ofSeconds(1))));

        for (int i = 0; i < 18; i++) {
            place("stalled-" + i, prefix + i + ".txt");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> stalled.get() == 18);

        Path index = Files.writeString(root.resolve("index.txt"), "1\n2\n");
        place("plain", index.toString());
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
            .until(() -> published.get("plain") != null && Long.valueOf(2).equals(published.get("plain").numberOfSamples()));
    }

    /**
     * A Dataset URL that the HTTP client refuses with an IllegalArgumentException (a bucket "a..b" or
     * "a-.b", which the bucket check lets through, in virtual-hosted style: "unsupported URI"; also a
     * prefix with a space, S3ObjectsAttackTest) is not a Refused: the exception
     * leaves EdgeDatasets.countRemote, the coalescer logs it as a failed task, and the dataset never
     * gets a status (retried, and logged with its stack, at every poll).
     */
    @Test
    void aUrlTheHttpClientRefusesStillGetsAReadyFalseStatus() throws Exception {
        store = new ObjectServer(); // the S3 endpoint's answers do not matter: the exception comes first
        URI endpoint = URI.create(store.url("").replace("127.0.0.1", "localhost"));
        start(new RemoteDatasets(new HttpObjects(List.of(), Duration.ofSeconds(1)),
            new S3Objects(new S3Objects.Endpoint(endpoint, "us-east-1", false, "key", "secret"), Duration.ofSeconds(1))));
        place("dotted", "s3://a..b/index.txt");
        place("hyphened", "s3://a-.b/images/");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> published.get("dotted") != null && published.get("hyphened") != null);
    }
}
