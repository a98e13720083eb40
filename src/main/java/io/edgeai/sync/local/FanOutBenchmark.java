package io.edgeai.sync.local;

import io.edgeai.sync.SyncApp;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.main.Main;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Downstream fan-out from an informer list: {@code datasets} Datasets over {@code nodes} nodes are in
 * the in-memory API before the cloud starts; the cloud lists them and publishes each node's desired
 * state to the embedded broker. Timed until a subscriber (standing in for every edge) holds every
 * dataset's desired object and every node's complete manifest; the bytes it received are counted.
 */
public final class FanOutBenchmark {
    private FanOutBenchmark() {
    }

    /** Nanoseconds a fabric8 informer that does nothing takes to hand over every dataset: what the API costs. */
    private static long bareInformer(KubernetesClient kube, int datasets) throws InterruptedException {
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(datasets);
        long start = System.nanoTime();
        try (var informer = kube.resources(Dataset.class).inAnyNamespace().inform(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
            @Override
            public void onAdd(Dataset dataset) {
                all.countDown();
            }

            @Override
            public void onUpdate(Dataset before, Dataset after) {
            }

            @Override
            public void onDelete(Dataset dataset, boolean finalStateUnknown) {
            }
        })) {
            if (!all.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the bare informer did not list every dataset");
            }
            return System.nanoTime() - start;
        }
    }

    public static void run(int datasets, int nodes) throws Exception {
        System.out.printf(Locale.ROOT, "%n== fan-out from an informer list: %,d datasets over %,d nodes ==%n", datasets, nodes);
        try (EmbeddedBroker broker = new EmbeddedBroker(0); LocalKubernetesApi api = new LocalKubernetesApi()) {
            KubernetesClient kube = api.client();
            long creating = System.nanoTime();
            ExecutorService creators = Executors.newFixedThreadPool(4);
            for (int i = 0; i < datasets; i++) {
                int n = i;
                creators.submit(() -> {
                    Dataset dataset = new Dataset();
                    dataset.setMetadata(new ObjectMetaBuilder().withName("fan-" + n).withNamespace("default").build());
                    dataset.setSpec(new DatasetSpec("/data/fan-" + n + ".txt", "txt", "node-" + (n % nodes)));
                    return kube.resources(Dataset.class).inNamespace("default").resource(dataset).create();
                });
            }
            creators.shutdown();
            creators.awaitTermination(30, TimeUnit.MINUTES);
            System.out.printf(Locale.ROOT, "(created in the in-memory API in %.1f s)%n", (System.nanoTime() - creating) / 1e9);

            System.out.printf(Locale.ROOT, "reference: a bare informer on the same in-memory API lists all %,d in %.1f s%n", datasets, bareInformer(kube, datasets) / 1e9);

            Set<String> objects = ConcurrentHashMap.newKeySet();
            Map<String, Integer> manifestSizes = new ConcurrentHashMap<>();
            AtomicLong bytes = new AtomicLong();
            AtomicLong messages = new AtomicLong();
            AtomicLong firstArrival = new AtomicLong();
            AtomicLong manifests = new AtomicLong();
            try (MqttClient edges = new MqttClient(broker.url(), "fan-out-edges", new MemoryPersistence())) {
                MqttConnectOptions options = new MqttConnectOptions();
                options.setMaxInflight(65_535);
                edges.connect(options);
                edges.subscribe("edgeai/nodes/+/desired/#", 1, (topic, message) -> {
                    bytes.addAndGet(message.getPayload().length);
                    if (messages.incrementAndGet() == 1) {
                        firstArrival.set(System.nanoTime());
                    }
                    if (topic.endsWith("/manifest")) {
                        manifests.incrementAndGet();
                        manifestSizes.put(topic, Json.read(message.getPayload(), Manifest.class, "manifest").items().size());
                    } else if (message.getPayload().length > 0) {
                        objects.add(topic);
                    }
                });
                Properties props = new Properties();
                props.setProperty("edgeai.mqtt.url", broker.url());
                props.setProperty("edgeai.cloud.leader-election", "false"); // one cloud, even where the tests run in a pod
                Main cloud = SyncApp.create(SyncApp.CLOUD, props, kube);
                long start = System.nanoTime();
                cloud.start();
                long started = System.nanoTime();
                int perNode = datasets / nodes;
                long deadline = start + TimeUnit.MINUTES.toNanos(10);
                while (objects.size() < datasets || manifestSizes.size() < nodes
                    || manifestSizes.values().stream().anyMatch(size -> size < perNode)) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("fan-out incomplete: " + objects.size() + " objects, " + manifestSizes.size() + " manifests");
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                long done = System.nanoTime();
                System.out.printf(Locale.ROOT, "cloud start -> every object and complete manifest at the edges: %.1f s "
                    + "(%,d messages of which %,d manifests, %.1f MiB; desired objects alone %,d)%n", (done - start) / 1e9, messages.get(),
                    manifests.get(), bytes.get() / 1048576.0, datasets);
                System.out.printf(Locale.ROOT, "  of which: Camel start %.1f s, then the informer's list until the first message %.1f s, "
                    + "first message -> last %.1f s%n", (started - start) / 1e9, (firstArrival.get() - started) / 1e9, (done - firstArrival.get()) / 1e9);
                cloud.stop();

                // a restart without changes: what does the cloud send again?
                messages.set(0);
                bytes.set(0);
                Main restarted = SyncApp.create(SyncApp.CLOUD, props, kube);
                long restart = System.nanoTime();
                restarted.start();
                long quietSince = System.nanoTime();
                long lastCount = -1;
                while (System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(5) && System.nanoTime() < restart + TimeUnit.MINUTES.toNanos(2)) {
                    if (messages.get() != lastCount) {
                        lastCount = messages.get();
                        quietSince = System.nanoTime();
                    }
                    LockSupport.parkNanos(10_000_000);
                }
                System.out.printf(Locale.ROOT, "restart without changes: %,d messages (%.2f MiB) sent again; quiet %.1f s after start%n",
                    messages.get(), bytes.get() / 1048576.0, (quietSince - restart) / 1e9);
                restarted.stop();
                edges.disconnect();
            }
        }
    }
}
