package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ResourceNames;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Turns a Model event into the desired state of the nodes it is meant for ({@link ModelTargets}). A
 * model that neither names nor selects its nodes is meant for every node and goes once to the shared
 * topic ({@code models/desired/...}, listed by the shared models manifest); any other goes to each of
 * its nodes' own topics ({@code nodes/{node}/desired/models/...}, listed by that node's models
 * manifest), so a node receives only what is meant for it. A node a model leaves, or a model deleted,
 * gets a tombstone and its manifest again, as a dataset taken from a node does; a Node whose labels
 * change gains or loses the models that select it ({@link #nodeChanged}). As for datasets, status-only updates produce nothing and resyncs re-send the desired state.
 */
public final class ModelDownstream {
    /** Stands for the shared topic among the places a model goes (node names are never empty). */
    private static final String EVERY_NODE = "";

    private final Topics topics;
    private final Supplier<Stream<Model>> all;
    private final Function<String, Stream<Model>> namingNode;
    private final BiFunction<String, String, Optional<Model>> lookup;
    private final LongSupplier clock;
    private final RetainedSnapshot retained;
    private final ModelTargets targets;

    /**
     * @param all        every model now
     * @param namingNode node name to the models whose {@code spec.nodeNames} name it now
     * @param lookup     namespace and name to the model as it is now
     * @param retained   what the broker held at start-up: an added model it holds unchanged is not sent again
     */
    public ModelDownstream(Topics topics, Supplier<Stream<Model>> all, Function<String, Stream<Model>> namingNode,
                           BiFunction<String, String, Optional<Model>> lookup, LongSupplier clock, RetainedSnapshot retained,
                           ModelTargets targets) {
        this.topics = topics;
        this.all = all;
        this.namingNode = namingNode;
        this.lookup = lookup;
        this.clock = clock;
        this.retained = retained;
        this.targets = targets;
    }

    /**
     * The model a desired-model topic is for, as it is now, if it exists and belongs on that topic: the
     * shared one if it is meant for every node, a node's own if it names that node.
     */
    public Optional<Model> at(Topics.Ref topic) {
        return lookup.apply(topic.namespace(), topic.name()).filter(model -> places(model).contains(placeOf(topic)));
    }

    /** The model's desired state on that topic. */
    public Outgoing desiredAt(Model model, Topics.Ref topic) {
        return desired(model, placeOf(topic));
    }

    private static String placeOf(Topics.Ref topic) {
        return topic.node() == null ? EVERY_NODE : topic.node();
    }

    public synchronized List<Object> messagesFor(ResourceEvent<Model> event) {
        List<Object> out = new ArrayList<>();
        switch (event.type()) {
            case ADDED -> desired(event.after()).stream().filter(desired -> !retained.holds(desired)).forEach(out::add);
            case DELETED -> takeFrom(event.before(), places(event.before()), out);
            case UPDATED -> {
                Model before = event.before();
                Model after = event.after();
                if (!DatasetDownstream.isResync(before, after) && Objects.equals(before.getSpec(), after.getSpec())
                    && Objects.equals(before.getMetadata().getUid(), after.getMetadata().getUid())) {
                    return out; // a status patch: the nodes already have this
                }
                Set<String> left = places(before);
                left.removeAll(places(after));
                out.addAll(desired(after)); // first: a model moving between the shared topic and a node's is held throughout
                takeFrom(before, left, out);
            }
        }
        return out;
    }

    /** The model's desired state on each of its places. */
    List<Outgoing> desired(Model model) {
        return places(model).stream().map(place -> desired(model, place)).toList();
    }

    private Outgoing desired(Model model, String place) {
        var meta = model.getMetadata();
        return Outgoing.json(topic(place, meta.getNamespace(), meta.getName()), new DesiredModel(meta.getNamespace(), meta.getName(),
            meta.getUid(), DatasetDownstream.generation(meta.getGeneration()), model.getSpec(), clock.getAsLong()));
    }

    private void takeFrom(Model model, Set<String> places, List<Object> out) {
        var meta = model.getMetadata();
        for (String place : places) {
            out.add(Outgoing.tombstone(topic(place, meta.getNamespace(), meta.getName())));
            out.add(EVERY_NODE.equals(place) ? ManifestDue.models() : ManifestDue.modelsOf(place));
        }
    }

    private String topic(String place, String namespace, String name) {
        return EVERY_NODE.equals(place) ? topics.desiredModel(namespace, name) : topics.nodeModel(place, namespace, name);
    }

    /** Where a model goes: the shared topic, or each node it is meant for ({@link ModelTargets}). */
    private Set<String> places(Model model) {
        TargetNodes nodes = targets.of(model.getSpec());
        return new LinkedHashSet<>(nodes.isEvery() ? Set.of(EVERY_NODE) : nodes.names());
    }

    /**
     * A Node's labels changed, or it came or went: each model that selects its nodes by label and now
     * starts or stops selecting this one is sent to it, or taken from it.
     */
    public synchronized List<Object> nodeChanged(ResourceEvent<Node> event) {
        Node before = event.before();
        Node after = event.after();
        String node = (after != null ? after : before).getMetadata().getName();
        List<Object> out = new ArrayList<>();
        if (!ResourceNames.valid(node)) {
            return out;
        }
        all.get().filter(model -> model.getSpec() != null && model.getSpec().getNodeSelector() != null && model.getSpec().targets(node))
            .sorted(java.util.Comparator.comparing(DatasetDownstream::key))
            .forEach(model -> {
                boolean was = before != null && model.getSpec().selects(ModelTargets.labels(before));
                boolean is = after != null && model.getSpec().selects(ModelTargets.labels(after));
                if (is && !was) {
                    Outgoing desired = desired(model, node);
                    if (event.type() != ResourceEvent.Type.ADDED || !retained.holds(desired)) {
                        out.add(desired);
                    }
                } else if (was && !is) {
                    takeFrom(model, Set.of(node), out);
                }
            });
        return out;
    }

    /** The sorted {@code namespace/name} keys of the models meant for every node. */
    public List<String> forEveryNode() {
        return all.get().filter(model -> places(model).contains(EVERY_NODE)).map(DatasetDownstream::key).sorted().toList();
    }

    /** The sorted {@code namespace/name} keys of the models meant for this node by name or label. */
    public List<String> namingNode(String node) {
        return meantFor(node).map(DatasetDownstream::key).toList();
    }

    /**
     * The desired state of every model meant for this node by name or label. A node's models manifest
     * is followed by these. The Model and Node informers run on threads of their own, each judging
     * from both caches while the other changes them. Two things keep a node right whatever the
     * interleaving. Each judgement reads the caches and stamps its messages as one step
     * ({@link #inStep}, with the manifests' stamping and listing too), so a model sent from a view
     * that a later change undid is stamped before the manifest that change asks for, which drops it.
     * And a tombstone judged from a Node's old labels can still reach the broker after the desired
     * state judged from the Model's new selector (they are handed to the broker outside the step):
     * the models listed again after the manifest, on the same topics, put back what it took.
     */
    public List<Outgoing> desiredOn(String node) {
        return meantFor(node).map(model -> desired(model, node)).toList();
    }

    /** Runs {@code work} as one step with the judgements of Model and Node changes ({@link #desiredOn} says why). */
    public synchronized <R> R inStep(Supplier<R> work) {
        return work.get();
    }

    private Stream<Model> meantFor(String node) {
        return Stream.concat(namingNode.apply(node), all.get().filter(model -> model.getSpec() != null && model.getSpec().getNodeSelector() != null))
            .filter(model -> model.getSpec() != null && !model.getSpec().isForEveryNode() && targets.includes(model.getSpec(), node))
            .collect(java.util.stream.Collectors.toMap(DatasetDownstream::key, model -> model, (a, b) -> a, java.util.TreeMap::new))
            .values().stream();
    }

    /** Every node some model is meant for by name or label, sorted. */
    public List<String> namedNodes() {
        return all.get().flatMap(model -> places(model).stream()).filter(place -> !EVERY_NODE.equals(place)).distinct().sorted().toList();
    }
}
