package io.edgeai.sync.cloud;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * fabric8 shared informers for the custom resources: list, then watch, re-list when the watch ends or
 * the API answers 410 Gone, and a local cache ({@link LeanItemStore}) that the cloud beans read instead
 * of the API server.
 * One informer per kind across all namespaces, or one per configured namespace.
 */
public final class ResourceInformers implements AutoCloseable {
    /**
     * Objects per list request, as client-go's reflector asks for: 100,000 datasets in one response
     * were 26 MB of JSON held and parsed at once on one I/O thread.
     */
    private static final long LIST_PAGE = 500;

    private final KubernetesClient client;
    private final List<String> namespaces;
    private final long resyncMillis;
    private final Map<Class<?>, List<Cached<?>>> informers = new LinkedHashMap<>();

    /** An informer and the store it keeps its cache in (which also keeps the indexes). */
    private record Cached<T extends HasMetadata>(SharedIndexInformer<T> informer, LeanItemStore<T> store) {
    }

    /**
     * @param namespaces the namespaces to watch; empty means all
     * @param kinds      the kinds to cache, namespaced or cluster-scoped (Nodes)
     */
    public ResourceInformers(KubernetesClient client, List<String> namespaces, Duration resync, List<Class<? extends HasMetadata>> kinds) {
        this.client = client;
        this.namespaces = List.copyOf(namespaces);
        this.resyncMillis = resync.toMillis();
        kinds.forEach(kind -> informers.put(kind, informersFor(kind)));
    }

    public KubernetesClient client() {
        return client;
    }

    /**
     * Adds a handler. Once the informers run, fabric8 first hands it every object already cached, on
     * the calling thread and while the informer's other events wait, then every change after them.
     */
    public <T extends HasMetadata> void subscribe(Class<T> kind, ResourceEventHandler<T> handler) {
        informersOf(kind).forEach(cached -> cached.informer().addEventHandler(handler));
    }

    /** Removes a handler added with {@link #subscribe}; the informers keep running (and their cache). */
    public <T extends HasMetadata> void unsubscribe(Class<T> kind, ResourceEventHandler<T> handler) {
        informersOf(kind).forEach(cached -> cached.informer().removeEventHandler(handler));
    }

    /**
     * Starts the informers: they list and watch in the background, in every replica, whether or not it
     * leads, so that a replica that takes over has its caches.
     */
    public void start() {
        informers.values().forEach(list -> list.forEach(cached -> cached.informer().start()));
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> List<Cached<T>> informersOf(Class<T> kind) {
        List<Cached<?>> list = informers.get(kind);
        if (list == null) {
            throw new IllegalArgumentException(kind.getSimpleName() + " is not one of the cached kinds " + informers.keySet());
        }
        return (List<Cached<T>>) (List<?>) list;
    }

    private <T extends HasMetadata> List<Cached<?>> informersFor(Class<T> kind) {
        List<Cached<?>> created = new ArrayList<>();
        String plural = HasMetadata.getPlural(kind);
        if (!io.fabric8.kubernetes.api.model.Namespaced.class.isAssignableFrom(kind)) {
            created.add(informer(client.resources(kind).withLimit(LIST_PAGE), plural)); // cluster-scoped: Nodes
        } else if (namespaces.isEmpty()) {
            created.add(informer(client.resources(kind).inAnyNamespace().withLimit(LIST_PAGE), plural + " in all namespaces"));
        } else {
            for (String namespace : namespaces) {
                created.add(informer(client.resources(kind).inNamespace(namespace).withLimit(LIST_PAGE), plural + " in namespace " + namespace));
            }
        }
        return created;
    }

    private <T extends HasMetadata> Cached<T> informer(Informable<T> resources, String what) {
        InformerFailures failures = new InformerFailures(what, client.getMasterUrl().toString());
        LeanItemStore<T> store = new LeanItemStore<>();
        SharedIndexInformer<T> informer = resources.runnableInformer(resyncMillis).itemStore(store).exceptionHandler(failures);
        // nothing reads the cache by namespace; at 100,000 datasets the index was 4 MB
        informer.removeNamespaceIndex();
        informer.addEventHandler(failures.listener());
        return new Cached<>(informer, store);
    }

    /**
     * Indexes the cache of a kind by {@code keys} (before {@link #start}), so that
     * {@link #byIndex} finds the objects under one key without a scan of the whole cache.
     */
    public <T extends HasMetadata> void addIndex(Class<T> kind, String index, Function<T, List<String>> keys) {
        for (Cached<T> cached : informersOf(kind)) {
            if (cached.informer().isRunning()) {
                throw new IllegalStateException("index " + index + " added to a running informer");
            }
            cached.store().addIndex(index, keys);
        }
    }

    /** The cached objects under one key of an index added with {@link #addIndex}. */
    public <T extends HasMetadata> Stream<T> byIndex(Class<T> kind, String index, String key) {
        return informersOf(kind).stream().flatMap(cached -> cached.store().byIndex(index, key));
    }

    /** The cached object, without a call to the API server; namespace null for a cluster-scoped one. */
    public <T extends HasMetadata> Optional<T> get(Class<T> kind, String namespace, String name) {
        String key = namespace == null ? name : namespace + "/" + name;
        return informersOf(kind).stream()
            .map(cached -> cached.store().get(key))
            .filter(java.util.Objects::nonNull)
            .findFirst();
    }

    public <T extends HasMetadata> Stream<T> all(Class<T> kind) {
        return informersOf(kind).stream().flatMap(cached -> cached.store().values());
    }

    /** Waits until every informer of the kind has listed once; false if that took longer than {@code timeout}. */
    public <T extends HasMetadata> boolean awaitSynced(Class<T> kind, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Cached<T> cached : informersOf(kind)) {
            while (!cached.informer().hasSynced()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void close() {
        informers.values().forEach(list -> list.forEach(cached -> cached.informer().close()));
    }
}
