package io.edgeai.sync.cloud;

import com.sun.net.httpserver.HttpServer;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.Readiness;
import io.edgeai.sync.mqtt.Refusals;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cloud's status path against an API server that answers at once (a stub HTTP endpoint on
 * loopback, so that the cloud is what is measured): reports for {@code n} datasets on 100 nodes go
 * into the inbox and are judged, checked and written by the status writers, one PATCH each. The
 * reference, in the same run and against the same endpoint, is the fabric8 resource DSL's patch,
 * which reads the resource before it patches it (the way statuses were written before).
 */
public final class StatusWriteBenchmark {
    private static final int WRITERS = 4;

    private StatusWriteBenchmark() {
    }

    public static void run(int n) throws Exception {
        AtomicInteger patches = new AtomicInteger();
        AtomicInteger gets = new AtomicInteger();
        // without TCP_NODELAY the JDK's server waits for delayed ACKs: 40 ms a request, whatever the
        // client. The JDK reads this once, when its first server starts: in bench-e2e that is the
        // management server, which sets it too
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String name = exchange.getRequestURI().getPath().replaceAll(".*/datasets/([^/]+).*", "$1");
            byte[] body = ("{\"apiVersion\":\"edgeai.io/v1alpha1\",\"kind\":\"Dataset\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\",\"resourceVersion\":\"2\"}}").getBytes(StandardCharsets.UTF_8);
            (exchange.getRequestMethod().equals("PATCH") ? patches : gets).incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        api.setExecutor(Executors.newFixedThreadPool(2));
        api.start();
        try (KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + api.getAddress().getPort()).build()).build()) {
            System.out.printf(Locale.ROOT, "%n== status writes against a stub API server that answers at once (%d datasets, %d writers) ==%n", n, WRITERS);
            throughTheInbox(client, n / 5); // warm both paths up first
            throughTheDsl(client, n / 5);
            measure("edgeai-sync status path (inbox, checks, one PATCH)", n, patches, gets, () -> throughTheInbox(client, n));
            measure("reference: fabric8 DSL patch (GET, then PATCH)", n, patches, gets, () -> throughTheDsl(client, n));
        } finally {
            api.stop(0);
            ((ExecutorService) api.getExecutor()).shutdownNow();
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static void measure(String what, int n, AtomicInteger patches, AtomicInteger gets, Work work) throws Exception {
        patches.set(0);
        gets.set(0);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMillis = (os.getProcessCpuTime() - cpu) / 1e6;
        System.out.printf(Locale.ROOT, "%-52s %7.0f writes/s  %5.2f ms CPU per status (stub server included)  %d PATCH, %d GET%n",
            what, n / seconds, cpuMillis / n, patches.get(), gets.get());
    }

    private static void throughTheInbox(KubernetesClient client, int n) throws Exception {
        Topics topics = new Topics("edgeai");
        Refusals refusals = new Refusals(20);
        StatusUpstream upstream = new StatusUpstream(topics, () -> true, (ns, name) -> Optional.of(dataset(name)),
            (ns, name) -> Optional.empty(), new Presence(topics, System::currentTimeMillis, 60_000), Clock.systemUTC(), 600_000, ModelTargets.withoutNodes());
        StatusInbox inbox = new StatusInbox(topics, n, 1L << 30, WRITERS, 0, refusals);
        StatusWrites writes = new StatusWrites(inbox, () -> true, upstream, new StatusWriter(client, new RateLimiter(0, 1)), refusals,
            new KubernetesEvents(java.time.Instant::now, System::nanoTime, 10_000, "bench", 10));
        for (int i = 0; i < n; i++) {
            DatasetReport report = new DatasetReport("default", "d-" + i, "u-d-" + i, 1, (long) i, "2026-11-29T00:00:00Z",
                new Readiness(true, "Counted", "counted"));
            inbox.offer(topics.datasetStatus(nodeOf(i), "default", "d-" + i), report, Json.bytes(report).length); // as the route reads it
        }
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        for (int w = 0; w < WRITERS; w++) {
            writers.submit(() -> {
                writes.drain();
                return null;
            });
        }
        writers.shutdown();
        if (!writers.awaitTermination(10, TimeUnit.MINUTES) || inbox.pending() != 0) {
            throw new IllegalStateException("statuses left unwritten: " + inbox.pending());
        }
    }

    private static void throughTheDsl(KubernetesClient client, int n) throws Exception {
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        for (int i = 0; i < n; i++) {
            String body = "{\"status\":{\"numberOfSamples\":" + i + "}}";
            String name = "d-" + i;
            writers.submit(() -> client.resources(Dataset.class).inNamespace("default").withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), body));
        }
        writers.shutdown();
        writers.awaitTermination(10, TimeUnit.MINUTES);
    }

    private static String nodeOf(int i) {
        return "n-" + (i % 100);
    }

    private static Dataset dataset(String name) {
        Dataset dataset = new Dataset();
        int i = Integer.parseInt(name.substring(2));
        dataset.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").withUid("u-" + name).withGeneration(1L)
            .withResourceVersion("1").build());
        dataset.setSpec(new DatasetSpec("/data/" + name, "txt", nodeOf(i)));
        return dataset;
    }
}
