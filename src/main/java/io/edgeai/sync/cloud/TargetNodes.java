package io.edgeai.sync.cloud;

import io.edgeai.sync.resources.ModelSpec;
import java.util.Set;

/**
 * The nodes a model is meant for, as the cloud resolved them from {@code spec.nodeNames} and
 * {@code spec.nodeSelector} ({@link ModelTargets}): {@code names} null means every node.
 */
public record TargetNodes(Set<String> names) {
    private static final TargetNodes EVERY = new TargetNodes(null);

    public static TargetNodes every() {
        return EVERY;
    }

    /** As {@code spec.nodeNames} alone says (no selector to resolve). */
    public static TargetNodes named(ModelSpec spec) {
        return spec == null || spec.getNodeNames() == null ? EVERY : new TargetNodes(new java.util.TreeSet<>(spec.getNodeNames()));
    }

    public boolean isEvery() {
        return names == null;
    }

    public boolean includes(String node) {
        return names == null || names.contains(node);
    }
}
