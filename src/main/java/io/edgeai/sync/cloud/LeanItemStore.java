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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
final class LeanItemStore<T extends HasMetadata> implements ItemStore<T> {
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private final BasicItemStore<T> items = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

    @Override
    public T put(String key, T object) {
        trim(object);
        return items.put(key, object);
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
        return items.remove(key);
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
