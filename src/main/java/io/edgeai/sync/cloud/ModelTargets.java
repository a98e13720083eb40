package io.edgeai.sync.cloud;

import io.edgeai.sync.resources.ModelSpec;
import io.edgeai.sync.resources.ResourceNames;
import io.fabric8.kubernetes.api.model.Node;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Which nodes a model is meant for: every node when its spec neither names nor selects them; else
 * the nodes in {@code spec.nodeNames} (none need a Node object), and of those, or of every Node when
 * no names are given, the ones whose Node labels match {@code spec.nodeSelector}. Both given, a node
 * must be named and match, as a Pod's nodeName and nodeSelector both must hold. Read from the Node
 * cache (labels only: {@link LeanItemStore} keeps nothing else of a Node).
 */
public final class ModelTargets {
    /** Specs whose nodes are remembered at most; past it the memory starts afresh. */
    static final int MAX_REMEMBERED = 10_000;

    private final Supplier<Stream<Node>> nodes;
    private final Function<String, Optional<Node>> node;
    /**
     * The nodes of each spec as resolved at a generation of the Node labels: resolving a selector
     * reads every Node, and status reports, the presence check and the start-up judgement of every
     * per-node topic ask again and again while the labels stay as they are.
     */
    private final Map<ModelSpec, Resolved> resolved = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong labels = new java.util.concurrent.atomic.AtomicLong();

    private record Resolved(long labels, TargetNodes nodes) {
    }

    /**
     * @param nodes every cached Node
     * @param node  a cached Node by name
     */
    public ModelTargets(Supplier<Stream<Node>> nodes, Function<String, Optional<Node>> node) {
        this.nodes = nodes;
        this.node = node;
    }

    /** Only {@code spec.nodeNames}: for where no Node objects are read (tests, an edge). */
    public static ModelTargets withoutNodes() {
        return new ModelTargets(Stream::of, name -> Optional.empty());
    }

    public TargetNodes of(ModelSpec spec) {
        if (spec == null || spec.isForEveryNode()) {
            return TargetNodes.every();
        }
        long generation = labels.get();
        Resolved known = resolved.get(spec);
        if (known != null && known.labels() == generation) {
            return known.nodes();
        }
        if (resolved.size() >= MAX_REMEMBERED) {
            resolved.clear();
        }
        TargetNodes nodes = resolve(spec);
        resolved.put(spec, new Resolved(generation, nodes));
        return nodes;
    }

    /** Some Node's labels changed, or a Node came or went: what was resolved before is resolved again when asked. */
    public void nodesChanged() {
        labels.incrementAndGet();
    }

    private TargetNodes resolve(ModelSpec spec) {
        Set<String> names = new TreeSet<>();
        if (spec.getNodeNames() != null) {
            spec.getNodeNames().stream().filter(name -> ResourceNames.valid(name) && selected(spec, name)).forEach(names::add);
        } else {
            nodes.get().filter(found -> spec.selects(labels(found))).map(found -> found.getMetadata().getName())
                .filter(ResourceNames::valid).forEach(names::add);
        }
        return new TargetNodes(java.util.Collections.unmodifiableSet(names));
    }

    /** Whether the model is meant for this node, without resolving all of its nodes. */
    public boolean includes(ModelSpec spec, String name) {
        return spec == null || spec.isForEveryNode() || spec.targets(name) && selected(spec, name);
    }

    private boolean selected(ModelSpec spec, String name) {
        return spec.getNodeSelector() == null || node.apply(name).map(found -> spec.selects(labels(found))).orElse(false);
    }

    /** Whether a Node's change left its labels as they were (its status, every heartbeat): nothing to resolve again. */
    public static boolean sameLabels(Node before, Node after) {
        return before != null && after != null && labels(before).equals(labels(after));
    }

    static Map<String, String> labels(Node node) {
        return node == null || node.getMetadata() == null || node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    }
}
