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
        java.util.function.Consumer<Object> send = sender(broker, manifests, manifestThread);

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
        Thread edgeThread = edge(broker, edge, "/datasets/", DesiredDataset.class);
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

    /**
     * Issue 13: models that select their nodes by label hear two informers at once: a Model's
     * selector changes on one thread while the Node's labels change on another, and each thread
     * judges from caches the other is changing, while the resync's manifests fall in between. Whatever
     * the interleaving, once the changes stop and the messages are delivered, the node holds exactly
     * the models its labels select, with no later resync to repair it.
     */
    @Test
    void aNodeHoldsTheModelsItsLabelsSelectWhateverTheOrderOfLabelAndSelectorChanges() throws Exception {
        for (int round = 0; round < 200; round++) {
            Set<String> expected = new java.util.TreeSet<>();
            Set<String> held = runLabelRace(round, expected);
            assertThat(held).as("round %d", round).isEqualTo(expected);
        }
    }

    private Set<String> runLabelRace(int round, Set<String> expected) throws Exception {
        int models = 2;
        Map<String, io.edgeai.sync.resources.Model> modelCache = new ConcurrentHashMap<>();
        Map<String, io.fabric8.kubernetes.api.model.Node> nodeCache = new ConcurrentHashMap<>();
        // stamping waits a moment now and then: a judgement's window between reading the caches and
        // stamping its messages, which the other informer's changes can fall into, opens wider
        IssueClock clock = new IssueClock(() -> {
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.ThreadLocalRandom.current().nextInt(200_000));
            return System.currentTimeMillis();
        }, 600_000);
        io.edgeai.sync.cloud.ModelTargets targets = new io.edgeai.sync.cloud.ModelTargets(() -> nodeCache.values().stream(),
            name -> java.util.Optional.ofNullable(nodeCache.get(name)));
        ModelDownstream downstream = new ModelDownstream(topics, () -> modelCache.values().stream(), node -> java.util.stream.Stream.of(),
            (ns, name) -> java.util.Optional.ofNullable(modelCache.get(ns + "/" + name)), clock, io.edgeai.sync.cloud.RetainedSnapshot.none(),
            targets);
        DatasetDownstream noDatasets = new DatasetDownstream(topics, node -> List.of(), (ns, name) -> java.util.Optional.empty(), clock,
            io.edgeai.sync.cloud.RetainedSnapshot.none());
        Manifests manifests = new Manifests(topics, clock, noDatasets, downstream, List::of, () -> true, 0);
        Broker broker = new Broker(new Random(round));
        ExecutorService manifestThread = Executors.newSingleThreadExecutor(); // the manifest-publish route
        java.util.function.Consumer<Object> send = sender(broker, manifests, manifestThread);
        DesiredSet<io.edgeai.sync.mqtt.Messages.DesiredModel> edge = new DesiredSet<>(new DesiredStateStore(state.resolve("labels-" + round)),
            "named-models", io.edgeai.sync.mqtt.Messages.DesiredModel.class, new DesiredSet.Listener<>() {
                @Override
                public void placed(io.edgeai.sync.mqtt.Messages.DesiredModel desired) {
                }

                @Override
                public void removed(io.edgeai.sync.mqtt.Messages.DesiredModel desired) {
                }
            }, System::currentTimeMillis, 600_000);
        Random random = new Random(round);
        for (int i = 0; i < models; i++) {
            modelCache.put("ns/m" + i, selecting("m" + i, 1, random.nextBoolean() ? "gpu" : "cpu"));
        }
        nodeCache.put(NODE, labelled(random.nextBoolean() ? "gpu" : "cpu"));
        modelCache.values().forEach(model -> downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, model)).forEach(send));

        ExecutorService informers = Executors.newFixedThreadPool(2);
        java.util.concurrent.CyclicBarrier inStep = new java.util.concurrent.CyclicBarrier(2); // each change meets the other's
        informers.execute(() -> { // the Model informer: selectors flip
            Random flips = new Random(round * 31L + 1);
            for (int change = 0; change < 20; change++) {
                step(inStep);
                String key = "ns/m" + flips.nextInt(models);
                io.edgeai.sync.resources.Model before = modelCache.get(key);
                io.edgeai.sync.resources.Model after = selecting(before.getMetadata().getName(), before.getMetadata().getGeneration() + 1,
                    "gpu".equals(before.getSpec().getNodeSelector().get("tier")) ? "cpu" : "gpu");
                modelCache.put(key, after); // the informer's cache is updated before its handlers run
                downstream.messagesFor(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, after)).forEach(send);
                if (flips.nextInt(3) == 0) {
                    send.accept(ManifestDue.modelsListOf(NODE)); // the resync timer's manifest, whenever it falls
                }
            }
        });
        informers.execute(() -> { // the Node informer: the node's label flips
            for (int change = 0; change < 20; change++) {
                step(inStep);
                io.fabric8.kubernetes.api.model.Node before = nodeCache.get(NODE);
                io.fabric8.kubernetes.api.model.Node after = labelled("gpu".equals(before.getMetadata().getLabels().get("tier")) ? "cpu" : "gpu");
                nodeCache.put(NODE, after);
                targets.nodesChanged(); // the Node informer's listener (CloudWiring)
                downstream.nodeChanged(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, after)).forEach(send);
            }
        });
        Thread edgeThread = edge(broker, edge, "/models/", io.edgeai.sync.mqtt.Messages.DesiredModel.class);
        informers.shutdown();
        assertThat(informers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        manifestThread.shutdown();
        assertThat(manifestThread.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1)).until(broker::empty);
        edgeThread.interrupt();
        edgeThread.join();
        String tier = nodeCache.get(NODE).getMetadata().getLabels().get("tier");
        modelCache.values().stream().filter(model -> tier.equals(model.getSpec().getNodeSelector().get("tier")))
            .map(model -> model.getMetadata().getNamespace() + "/" + model.getMetadata().getName()).forEach(expected::add);
        return edge.all().stream().map(io.edgeai.sync.mqtt.Messages.DesiredModel::key).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    /**
     * The cloud's desired-state-publish route: objects go to the broker as they come, a manifest is
     * queued once while it waits and computed on the one manifest thread.
     */
    private static java.util.function.Consumer<Object> sender(Broker broker, Manifests manifests, ExecutorService manifestThread) {
        return message -> {
            if (message instanceof Outgoing outgoing) {
                broker.publish(outgoing);
            } else if (manifests.enqueue((ManifestDue) message)) {
                manifestThread.execute(() -> manifests.compute((ManifestDue) message).forEach(broker::publish));
            }
        };
    }

    /** The edge: takes what the broker delivers into its desired set, on a thread of its own, until interrupted. */
    private static <T extends io.edgeai.sync.mqtt.Messages.Desired> Thread edge(Broker broker, DesiredSet<T> edge, String kindLevel, Class<T> type) {
        Thread thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Outgoing next = broker.deliverOne();
                if (next == null) {
                    Thread.onSpinWait();
                } else if (next.topic().endsWith("/manifest")) {
                    edge.receiveManifest(Json.read(next.payload(), io.edgeai.sync.mqtt.Messages.Manifest.class, "test"));
                } else {
                    String key = next.topic().substring(next.topic().indexOf(kindLevel) + kindLevel.length());
                    if (next.isTombstone()) {
                        edge.remove(key);
                    } else {
                        edge.receive(key, Json.read(next.payload(), type, "test"));
                    }
                }
            }
        });
        thread.start();
        return thread;
    }

    private static void step(java.util.concurrent.CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static io.edgeai.sync.resources.Model selecting(String name, long generation, String tier) {
        io.edgeai.sync.resources.Model model = new io.edgeai.sync.resources.Model();
        model.setMetadata(new ObjectMetaBuilder().withNamespace("ns").withName(name).withGeneration(generation).withUid("u-" + name)
            .withResourceVersion(String.valueOf(generation)).build());
        model.setSpec(new io.edgeai.sync.resources.ModelSpec("/data/" + name, "onnx"));
        model.getSpec().setNodeSelector(Map.of("tier", tier));
        return model;
    }

    private static io.fabric8.kubernetes.api.model.Node labelled(String tier) {
        return new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(NODE).addToLabels("tier", tier).endMetadata().build();
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
