package io.edgeai.sync.cloud;

import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.DatasetStatus;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ModelSpec;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The informers' store, which keeps each cached object only as big as the cloud needs it. With every
 * object kube-apiserver sends its managed fields, and kubectl's copy of the whole object as it was
 * last applied; the cloud reads neither (client-go controllers drop them with a transform for the same
 * reason). Values that repeat across objects (namespace, node, format, condition reasons) are shared,
 * and empty collections are the shared empty ones. At 100,000 datasets that is most of the cache
 * (BENCHMARKS.md). The objects are trimmed in place as they arrive, before the informer indexes them
 * or hands them to a handler, so handlers see the same lean object the cache holds.
 * Cached objects are never modified afterwards: the shared empty collections would refuse it.
 * <p>
 * The store keeps its indexes itself ({@link #addIndex}), instead of fabric8's cache: that one takes
 * every object out of its index and puts it back under the key computed for that event, a new string,
 * while the map keeps the key it got first, so each object held two copies of its key after its first
 * status. Here an object stays in its index while its index values do not change, under the key the
 * map holds.
 */
final class LeanItemStore<T extends HasMetadata> implements ItemStore<T> {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
    private final Map<String, Index<T>> indexes = new ConcurrentHashMap<>();

    /**
     * The informer's cache calls {@link #put} and {@link #remove} under its lock, so that the indexes
     * change with the map; readers see each index value's keys as a concurrent set, as fabric8's do.
     */
    @Override
    public T put(String key, T object) {
        trim(object);
        T old = items.put(key, object);
        indexes.values().forEach(index -> index.update(key, old, object));
        return old;
    }

    /** Indexes the objects put from now on by {@code values}; before the informer starts, while the store is empty. */
    void addIndex(String name, Function<T, List<String>> values) {
        if (items.size() > 0) {
            throw new IllegalStateException("index " + name + " added to a store that holds objects");
        }
        if (indexes.putIfAbsent(name, new Index<>(values)) != null) {
            throw new IllegalArgumentException("index " + name + " already exists");
        }
    }

    /** The objects held under one value of an index. */
    Stream<T> byIndex(String name, String value) {
        return indexKeys(name, value).stream().map(items::get).filter(Objects::nonNull);
    }

    /** The keys of the objects held under one value of an index. */
    Set<String> indexKeys(String name, String value) {
        Index<T> index = indexes.get(name);
        if (index == null) {
            throw new IllegalArgumentException("no index " + name);
        }
        return index.keys(value);
    }

    /** One index: each value to the keys of the objects under it. */
    private record Index<T>(Function<T, List<String>> values, Map<String, Set<String>> keys) {
        Index(Function<T, List<String>> values) {
            this(values, new ConcurrentHashMap<>());
        }

        void update(String key, T before, T after) {
            List<String> was = valuesOf(before);
            List<String> is = valuesOf(after);
            if (was.equals(is)) {
                return; // most updates (a status) leave the index as it is, under the key it was put with first
            }
            // a model names up to 1,000 nodes: sets, not a scan of one list per value of the other
            Set<String> leaving = new HashSet<>(was);
            Set<String> coming = new HashSet<>(is);
            leaving.removeAll(is);
            coming.removeAll(was);
            for (String value : leaving) {
                if (value != null) {
                    keys.computeIfPresent(value, (v, held) -> {
                        held.remove(key);
                        return held.isEmpty() ? null : held;
                    });
                }
            }
            for (String value : coming) {
                if (value != null) {
                    keys.computeIfAbsent(value, v -> ConcurrentHashMap.newKeySet()).add(key);
                }
            }
        }

        private List<String> valuesOf(T object) {
            List<String> of = object == null ? null : values.apply(object);
            return of == null ? List.of() : of;
        }

        Set<String> keys(String value) {
            return value == null ? Set.of() : keys.getOrDefault(value, Set.of());
        }
    }

    static void trim(HasMetadata object) {
        trim(object.getMetadata());
        if (object instanceof Dataset dataset) {
            trim(dataset.getSpec());
            trim(dataset.getStatus());
        } else if (object instanceof Model model) {
            trim(model.getSpec());
        } else if (object instanceof io.fabric8.kubernetes.api.model.Node node) {
            // the cloud reads a Node's name and labels (spec.nodeSelector); its status (images,
            // conditions, addresses) is most of it, and changes with every heartbeat
            node.setSpec(null);
            node.setStatus(null);
            node.getMetadata().setAnnotations(Map.of());
        }
    }

    private static void trim(ObjectMeta meta) {
        if (meta == null) {
            return;
        }
        meta.setNamespace(shared(meta.getNamespace()));
        meta.setCreationTimestamp(shared(meta.getCreationTimestamp()));
        meta.setManagedFields(List.of());
        Map<String, String> annotations = meta.getAnnotations();
        if (annotations != null && annotations.containsKey(LAST_APPLIED)) {
            annotations = new LinkedHashMap<>(annotations);
            annotations.remove(LAST_APPLIED);
        }
        meta.setAnnotations(lean(annotations));
        meta.setLabels(lean(meta.getLabels()));
        meta.setFinalizers(lean(meta.getFinalizers()));
        meta.setOwnerReferences(lean(meta.getOwnerReferences()));
        meta.setAdditionalProperties(lean(meta.getAdditionalProperties()));
    }

    private static void trim(DatasetSpec spec) {
        if (spec != null) {
            spec.setFormat(shared(spec.getFormat()));
            spec.setNodeName(shared(spec.getNodeName()));
        }
    }

    private static void trim(DatasetStatus status) {
        if (status == null) {
            return;
        }
        status.setConditions(lean(status.getConditions()));
        for (Condition condition : status.getConditions()) {
            if (condition == null) { // "conditions":[null] parses; the status path reads past it
                continue;
            }
            condition.setType(shared(condition.getType()));
            condition.setStatus(shared(condition.getStatus()));
            condition.setReason(shared(condition.getReason()));
            condition.setMessage(shared(condition.getMessage()));
            condition.setLastTransitionTime(shared(condition.getLastTransitionTime()));
            condition.setAdditionalProperties(lean(condition.getAdditionalProperties()));
        }
    }

    private static void trim(ModelSpec spec) {
        if (spec != null) {
            spec.setFormat(shared(spec.getFormat()));
        }
    }

    /** The JVM's one copy of the value (interned strings are collected once no object holds them). */
    private static String shared(String value) {
        return value == null ? null : value.intern();
    }

    private static <K, V> Map<K, V> lean(Map<K, V> map) {
        return map == null || map.isEmpty() ? Map.of() : map;
    }

    private static <E> List<E> lean(List<E> list) {
        if (list == null || list.isEmpty()) {
            return List.of();
        }
        // a copy of its own size: Jackson's lists keep room for ten (56 bytes a dataset for its conditions)
        return list.contains(null) ? list : List.copyOf(list);
    }

    @Override
    public String getKey(T object) {
        return items.getKey(object);
    }

    @Override
    public T remove(String key) {
        T old = items.remove(key);
        if (old != null) {
            indexes.values().forEach(index -> index.update(key, old, null));
        }
        return old;
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet();
    }

    @Override
    public Stream<T> values() {
        return items.values();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }
}
