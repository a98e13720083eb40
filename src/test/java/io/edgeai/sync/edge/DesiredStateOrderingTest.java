package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.cloud.DatasetDownstream;
import io.edgeai.sync.cloud.IssueClock;
import io.edgeai.sync.cloud.ManifestDue;
import io.edgeai.sync.cloud.Manifests;
import io.edgeai.sync.cloud.ModelDownstream;
import io.edgeai.sync.cloud.ResourceEvent;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 2: the cloud's downstream beans and the edge's desired set, joined by a broker that
 * keeps the order of each topic and nothing else. Datasets are created on two threads while manifests
 * are re-sent on a third (as the reconciler and the resync timer do); messages reach the edge in a
 * random interleaving of the topics. No dataset that exists may ever be dropped by its node, not even
 * for a moment, and at the end the node holds exactly the datasets that exist.
 */
class DesiredStateOrderingTest {
    private static final String NODE = "edge0";
    private final Topics topics = new Topics("edgeai");

    @TempDir
    Path state;

    @Test
    void burstsOfCreatesNeverMakeANodeDropAnExistingDataset() throws Exception {
        for (int burst = 0; burst < 10; burst++) {
            AtomicInteger removed = new AtomicInteger();
            Set<String> held = runBurst(burst, 200, removed);
            assertThat(removed.get()).as("datasets dropped during burst %d", burst).isZero();
            assertThat(held).hasSize(200);
        }
    }

    private Set<String> runBurst(int burst, int datasets, AtomicInteger removed) throws Exception {
        Map<String, Dataset> cache = new ConcurrentHashMap<>();
        IssueClock clock = new IssueClock(System::currentTimeMillis, 600_000);
        DatasetDownstream downstream = new DatasetDownstream(topics,
            node -> cache.keySet().stream().sorted().toList(), (ns, name) -> java.util.Optional.ofNullable(cache.get(ns + "/" + name)), clock, io.edgeai.sync.cloud.RetainedSnapshot.none());
        Manifests manifests = new Manifests(topics, clock, downstream,
            new ModelDownstream(topics, java.util.stream.Stream::of, node -> java.util.stream.Stream.of(), (ns, name) -> java.util.Optional.empty(), clock, io.edgeai.sync.cloud.RetainedSnapshot.none(), io.edgeai.sync.cloud.ModelTargets.withoutNodes()), () -> List.of(NODE), () -> true, 0);
        Broker broker = new Broker(new Random(burst));
        ExecutorService manifestThread = Executors.newSingleThreadExecutor(); // the manifest-publish route
        java.util.function.Consumer<Object> send = message -> {
            if (message instanceof Outgoing outgoing) {
                broker.publish(outgoing);
            } else if (manifests.enqueue((ManifestDue) message)) {
                manifestThread.execute(() -> broker.publish(manifests.compute((ManifestDue) message)));
            }
        };

        DesiredSet<DesiredDataset> edge = new DesiredSet<>(new DesiredStateStore(state.resolve("burst-" + burst)), "datasets",
            DesiredDataset.class, new DesiredSet.Listener<>() {
                @Override
                public void placed(DesiredDataset desired) {
                }

                @Override
                public void removed(DesiredDataset desired) {
                    removed.incrementAndGet();
                }
            }, System::currentTimeMillis, 600_000);

        ExecutorService cloud = Executors.newFixedThreadPool(3);
        for (int creator = 0; creator < 2; creator++) {
            int first = creator;
            cloud.execute(() -> {
                for (int i = first; i < datasets; i += 2) {
                    Dataset dataset = dataset("d" + i);
                    cache.put("ns/d" + i, dataset); // the informer's cache is updated before its handlers run
                    downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, dataset)).forEach(send);
                }
            });
        }
        cloud.execute(() -> {
            while (cache.size() < datasets) {
                send.accept(ManifestDue.datasetsOf(NODE)); // the reconciler and the resync timer
            }
        });
        Thread edgeThread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Outgoing next = broker.deliverOne();
                if (next == null) {
                    Thread.onSpinWait();
                } else if (next.topic().endsWith("/manifest")) {
                    edge.receiveManifest(next.payload());
                } else {
                    String key = next.topic().substring(next.topic().indexOf("/datasets/") + "/datasets/".length());
                    edge.receive(key, next.payload(), bytes -> Json.read(bytes, DesiredDataset.class, "test"));
                }
            }
        });
        edgeThread.start();
        cloud.shutdown();
        assertThat(cloud.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        send.accept(ManifestDue.datasetsOf(NODE));
        manifestThread.shutdown();
        assertThat(manifestThread.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(broker::empty);
        edgeThread.interrupt();
        edgeThread.join();
        return edge.all().stream().map(DesiredDataset::key).collect(java.util.stream.Collectors.toSet());
    }

    private static Dataset dataset(String name) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).withGeneration(1L).withUid("u-" + name).build());
        dataset.setSpec(new DatasetSpec("/data/" + name, "txt", NODE));
        return dataset;
    }

    /** Keeps each topic's messages in order and delivers the topics in a random interleaving. */
    private static final class Broker {
        private final Map<String, Deque<Outgoing>> queues = new LinkedHashMap<>();
        private final Random random;

        Broker(Random random) {
            this.random = random;
        }

        synchronized void publish(Outgoing message) {
            queues.computeIfAbsent(message.topic(), t -> new ArrayDeque<>()).add(message);
        }

        synchronized Outgoing deliverOne() {
            if (queues.isEmpty()) {
                return null;
            }
            List<String> pending = new ArrayList<>(queues.keySet());
            String topic = pending.get(random.nextInt(pending.size()));
            Deque<Outgoing> queue = queues.get(topic);
            Outgoing next = queue.poll();
            if (queue.isEmpty()) {
                queues.remove(topic);
            }
            return next;
        }

        synchronized boolean empty() {
            return queues.isEmpty();
        }
    }
}
