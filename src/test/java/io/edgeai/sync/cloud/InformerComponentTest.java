package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.CapturedConsole;
import io.edgeai.sync.local.LocalKubernetesApi;
import io.edgeai.sync.mqtt.StoppingRouteMessages;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code informer:} routes over informers that list before the routes start (as every cloud replica's
 * do): a route hears the whole cache when it starts, on a thread of its own, so the routes it sends
 * to start after it, as the shipped start order has it (dataset-downstream before
 * desired-state-publish).
 */
class InformerComponentTest {
    private static final int DATASETS = 20;

    private final Queue<String> heard = new ConcurrentLinkedQueue<>();
    private LocalKubernetesApi api;
    private ResourceInformers informers;
    private CamelContext context;

    @BeforeEach
    void listedBeforeTheRoutes() throws Exception {
        api = new LocalKubernetesApi();
        IntStream.range(0, DATASETS).forEach(i -> create("d" + i));
        informers = new ResourceInformers(api.client(), List.of(), Duration.ofMinutes(10), List.of(Dataset.class));
        informers.start();
        assertThat(informers.awaitSynced(Dataset.class, Duration.ofSeconds(30))).isTrue();
        context = new DefaultCamelContext();
        StoppingRouteMessages.install(context);
        context.getRegistry().bind("informer", new InformerComponent(informers));
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // a consumer that is not there yet fails the send within 0.5 s instead of 30
                from("informer:datasets").routeId("informed").startupOrder(1).to("direct:next?timeout=500");
                from("direct:next").routeId("next").startupOrder(2)
                    .process(exchange -> {
                        ResourceEvent<?> event = exchange.getMessage().getBody(ResourceEvent.class);
                        Dataset dataset = (Dataset) (event.after() != null ? event.after() : event.before());
                        heard.add(event.type() + " " + dataset.getMetadata().getName());
                    });
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
        informers.close();
        api.close();
    }

    @Test
    void aRouteStartedAfterTheListHearsTheCacheWithoutHoldingUpTheRoutesItSendsTo() throws Exception {
        CompletableFuture<Void> started = CompletableFuture.runAsync(context::start);

        // on the thread that starts the routes, the first object's send waited for a route that thread
        // had not started yet, and so on for every object in the cache
        started.get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= DATASETS);
        assertThat(heard).containsExactlyInAnyOrderElementsOf(IntStream.range(0, DATASETS).mapToObj(i -> "ADDED d" + i).toList());
        // a replay that a stopping context refuses is counted in one line, not a stack trace per object
        assertThat(((org.apache.camel.support.DefaultConsumer) context.getRoute("informed").getConsumer()).getExceptionHandler())
            .isInstanceOf(StoppingRouteMessages.class);
    }

    @Test
    void aRouteStartedAgainHearsTheCacheAgainAndNothingWhileItWasStopped() throws Exception {
        context.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= DATASETS);
        Set<String> sentinel = namesAdded();

        context.getRouteController().stopRoute("informed");
        heard.clear();
        create("while-stopped");
        api.client().resources(Dataset.class).inNamespace("default").withName("d0").delete();
        quiet(sentinel, "sync-point");
        assertThat(heard).as("a stopped route hears nothing").isEmpty();

        context.getRouteController().startRoute("informed");
        Set<String> cached = informers.all(Dataset.class).map(dataset -> "ADDED " + dataset.getMetadata().getName())
            .collect(Collectors.toSet());
        assertThat(cached).hasSize(DATASETS + 1).contains("ADDED while-stopped").doesNotContain("ADDED d0");
        await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= cached.size());
        assertThat(heard).containsExactlyInAnyOrderElementsOf(cached);
    }

    /**
     * Leadership flips: the route stopped and started again and again while datasets come and go, then
     * started once more while they still do. What it hears after that start, applied in order, is the
     * cache: nothing lost to the replay racing the changes, nothing heard from an earlier start.
     */
    @Test
    void aRouteStartedAgainAndAgainWhileObjectsChangeHearsTheCacheAsItEnds() throws Exception {
        Set<String> sentinel = namesAdded();
        context.start();
        try (CapturedConsole log = new CapturedConsole()) {
            Churn churn = new Churn();
            for (int flip = 0; flip < 30; flip++) {
                context.getRouteController().stopRoute("informed");
                context.getRouteController().startRoute("informed");
            }
            churn.stop();
            context.getRouteController().stopRoute("informed");
            quiet(sentinel, "quiet-1"); // whatever the last start's handler was handed is done
            heard.clear();

            churn = new Churn();
            context.getRouteController().startRoute("informed");
            churn.stop();
            quiet(sentinel, "quiet-2");
            Set<String> cached = informers.all(Dataset.class).map(dataset -> dataset.getMetadata().getName()).collect(Collectors.toSet());
            await().atMost(Duration.ofSeconds(10)).until(() -> applied(heard).equals(cached));
            assertThat(log.text()).doesNotContain("error processing")
                // Vert.x's event loop, which hands the watch's events to fabric8, waited for a replay
                .doesNotContain("has been blocked");
        }
    }

    /** Datasets created and deleted, one after another, until stopped. */
    private final class Churn {
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        private final CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            for (int i = 0; running.get(); i++) {
                create("churn-" + i);
                if (i % 3 == 0) {
                    api.client().resources(Dataset.class).inNamespace("default").withName("churn-" + i / 3).delete();
                }
            }
        });

        void stop() throws Exception {
            running.set(false);
            done.get(30, TimeUnit.SECONDS);
        }
    }

    /** The names of the datasets added from now on, as a handler of the informer's own hears them. */
    private Set<String> namesAdded() {
        Set<String> names = ConcurrentHashMap.newKeySet();
        informers.subscribe(Dataset.class, new ResourceEventHandler<>() {
            @Override
            public void onAdd(Dataset dataset) {
                names.add(dataset.getMetadata().getName());
            }

            @Override
            public void onUpdate(Dataset before, Dataset after) {
            }

            @Override
            public void onDelete(Dataset dataset, boolean finalStateUnknown) {
            }
        });
        return names;
    }

    /**
     * Creates a dataset and waits until {@code sentinel} hears it: one informer hands its handlers each
     * change in turn, so every change before this one has then reached every handler there was.
     */
    private void quiet(Set<String> sentinel, String name) {
        create(name);
        await().atMost(Duration.ofSeconds(10)).until(() -> sentinel.contains(name));
    }

    /** The names present after the events in order. */
    private static Set<String> applied(Queue<String> events) {
        Set<String> present = new java.util.HashSet<>();
        for (String event : events) {
            String[] typeAndName = event.split(" ");
            if (typeAndName[0].equals("DELETED")) {
                present.remove(typeAndName[1]);
            } else {
                present.add(typeAndName[1]);
            }
        }
        return present;
    }

    private void create(String name) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName(name).build());
        dataset.setSpec(new DatasetSpec("/data/" + name + ".txt", "txt", "edge0"));
        api.client().resource(dataset).create();
    }
}
