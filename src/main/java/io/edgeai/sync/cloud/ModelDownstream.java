package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ResourceNames;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * change gains or loses the models that select it ({@link #nodeChanged}). As for datasets,
 * status-only updates produce nothing and resyncs re-send the desired state.
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
     * Where each model was last sent (its places), by {@code namespace/name}: what a change takes it
     * from. A model meant for every node is at {@link #EVERY_NODE}. Only changed under this object's lock.
     */
    private final Map<String, Set<String>> placed = new java.util.HashMap<>();

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
     * shared one if it is meant for every node, a node's own if it is meant for that node.
     */
    public Optional<Model> at(Topics.Ref topic) {
        return lookup.apply(topic.namespace(), topic.name()).filter(model -> topic.node() == null
            ? model.getSpec() == null || model.getSpec().isForEveryNode()
            : model.getSpec() != null && !model.getSpec().isForEveryNode() && targets.includes(model.getSpec(), topic.node()));
    }

    /** The model's desired state on that topic. */
    public Outgoing desiredAt(Model model, Topics.Ref topic) {
        return desired(model, topic.node() == null ? EVERY_NODE : topic.node());
    }

    public synchronized List<Object> messagesFor(ResourceEvent<Model> event) {
        List<Object> out = new ArrayList<>();
        switch (event.type()) {
            case ADDED -> {
                Model model = event.after();
                Set<String> now = places(model);
                desired(model, now).stream().filter(desired -> !retained.holds(desired)).forEach(out::add);
                Set<String> before = placed.put(DatasetDownstream.key(model), Set.copyOf(now));
                takeFrom(model, without(before, now), out); // listed again (this replica leads again): what it left meanwhile
            }
            case DELETED -> {
                Set<String> before = placed.remove(DatasetDownstream.key(event.before()));
                takeFrom(event.before(), before != null ? before : places(event.before()), out);
            }
            case UPDATED -> {
                Model before = event.before();
                Model after = event.after();
                if (!DatasetDownstream.isResync(before, after) && Objects.equals(before.getSpec(), after.getSpec())
                    && Objects.equals(before.getMetadata().getUid(), after.getMetadata().getUid())) {
                    return out; // a status patch: the nodes already have this
                }
                Set<String> now = places(after);
                Set<String> was = placed.put(DatasetDownstream.key(after), Set.copyOf(now));
                out.addAll(desired(after, now)); // first: a model moving between the shared topic and a node's is held throughout
                takeFrom(before, without(was != null ? was : places(before), now), out);
            }
        }
        return out;
    }

    private List<Outgoing> desired(Model model, Set<String> places) {
        return places.stream().map(place -> desired(model, place)).toList();
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

    private static Set<String> without(Set<String> places, Set<String> kept) {
        Set<String> left = new java.util.TreeSet<>(places == null ? Set.of() : places);
        left.removeAll(kept);
        return left;
    }

    private String topic(String place, String namespace, String name) {
        return EVERY_NODE.equals(place) ? topics.desiredModel(namespace, name) : topics.nodeModel(place, namespace, name);
    }

    /** Where a model goes: the shared topic, or each node it is meant for ({@link ModelTargets}). */
    private Set<String> places(Model model) {
        TargetNodes nodes = targets.of(model.getSpec());
        return new java.util.TreeSet<>(nodes.isEvery() ? Set.of(EVERY_NODE) : nodes.names());
    }

    /**
     * A Node's labels changed, or it came or went: each model now meant for it that was not sent to
     * it is sent, and each that was sent to it and is no longer meant for it (its selector no longer
     * matches, or it was deleted meanwhile) is taken from it. Judged against where each model was last
     * sent, not against the Node's old labels: a Model change judged at the same moment on the other
     * informer's thread reads this Node's new labels, and the two judgements must not both conclude
     * that the other one sends the tombstone. A Node change that leaves the labels as they were (its
     * status, every heartbeat) sends nothing and reads no model.
     */
    public synchronized List<Object> nodeChanged(ResourceEvent<Node> event) {
        Node before = event.before();
        Node after = event.after();
        String node = (after != null ? after : before).getMetadata().getName();
        List<Object> out = new ArrayList<>();
        if (!ResourceNames.valid(node) || ModelTargets.sameLabels(before, after)) {
            return out;
        }
        // targets resolved from the old labels are dropped by the Node informer's own listener (CloudWiring), on every replica
        java.util.SortedMap<String, Model> judged = new java.util.TreeMap<>();
        all.get().filter(model -> model.getSpec() != null && model.getSpec().getNodeSelector() != null)
            .forEach(model -> judged.put(DatasetDownstream.key(model), model));
        placed.forEach((key, places) -> {
            if (places.contains(node)) {
                judged.putIfAbsent(key, null); // sent here; judged even if it is gone from the cache
            }
        });
        judged.forEach((key, cached) -> {
            Model model = cached != null ? cached : byKey(key).orElse(null);
            Set<String> was = placed.getOrDefault(key, Set.of());
            boolean is = model != null && model.getSpec() != null && !model.getSpec().isForEveryNode() && targets.includes(model.getSpec(), node);
            if (is && !was.contains(node)) {
                Outgoing desired = desired(model, node);
                if (event.type() != ResourceEvent.Type.ADDED || !retained.holds(desired)) {
                    out.add(desired);
                }
                placed.put(key, with(was, node, true));
            } else if (!is && was.contains(node)) {
                out.add(Outgoing.tombstone(nodeTopic(node, key)));
                out.add(ManifestDue.modelsOf(node));
                placed.put(key, with(was, node, false));
            }
        });
        return out;
    }

    private Optional<Model> byKey(String key) {
        return lookup.apply(key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1));
    }

    /** The topic of the model with this {@code namespace/name} key on a node's own topics. */
    private String nodeTopic(String node, String key) {
        return topics.nodeModel(node, key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1));
    }

    private static Set<String> with(Set<String> places, String node, boolean in) {
        Set<String> changed = new java.util.HashSet<>(places);
        if (in) {
            changed.add(node);
        } else {
            changed.remove(node);
        }
        return Set.copyOf(changed);
    }

    /** The sorted {@code namespace/name} keys of the models meant for every node. */
    public List<String> forEveryNode() {
        return all.get().filter(model -> places(model).contains(EVERY_NODE)).map(DatasetDownstream::key).sorted().toList();
    }

    /** The sorted {@code namespace/name} keys of the models meant for this node by name or label. */
    public List<String> meantForNode(String node) {
        return meantFor(node).map(DatasetDownstream::key).toList();
    }

    /**
     * A node's models manifest: every model meant for it by name or label, stamped first and listed
     * after, then the desired state of each listed model not yet sent there (of each listed model,
     * when a tombstone asked for it). The Model and Node informers run on threads of their own, each
     * judging from both caches while the other changes them; four things keep a node right whatever
     * the interleaving. Each judgement, and this, reads the caches and stamps its messages under one
     * lock, against where each model was last sent, so a model sent from a view that a later change
     * undid is stamped before the manifest that change asks for, which drops it. What the manifest
     * lists is noted as sent there, and so is sent if it was not: a judgement reached later finds it
     * noted and sends nothing. The listing and the models sent after it are one reading of the caches.
     * And a tombstone judged from a Node's old labels can still reach the broker after the desired
     * state judged from the Model's new selector (messages are handed to the broker outside the
     * lock): every model listed is sent again after the manifest, on the same topics, to put back
     * what it took, when a tombstone asked for the manifest ({@link ManifestDue#modelsOf}), after it
     * was handed to the broker; the resync's manifests do not send every model again.
     */
    public synchronized List<Outgoing> manifestOn(String node, boolean withModels) {
        long issuedAt = clock.getAsLong();
        List<Model> meant = meantFor(node).toList();
        Set<String> keys = new java.util.LinkedHashSet<>();
        List<Outgoing> out = new ArrayList<>();
        List<Model> sent = new ArrayList<>();
        for (Model model : meant) {
            String key = DatasetDownstream.key(model);
            keys.add(key);
            Set<String> places = placed.getOrDefault(key, Set.of());
            if (withModels || !places.contains(node)) {
                sent.add(model);
                placed.put(key, with(places, node, true));
            }
        }
        // what the node holds from now on: what is listed, and nothing else meant for some nodes. A model
        // noted here but no longer meant (its change not judged yet) is dropped by the node for this
        // manifest; it gets no tombstone from here, which could reach the broker after the desired
        // state a change judged meanwhile sends (the retained copy, stamped before this manifest, is
        // ignored by the node, and cleared by the next start-up's reconciliation)
        for (Map.Entry<String, Set<String>> entry : placed.entrySet()) {
            if (entry.getValue().contains(node) && !keys.contains(entry.getKey())) {
                entry.setValue(with(entry.getValue(), node, false));
            }
        }
        out.add(Outgoing.json(topics.nodeModelsManifest(node), new Manifest(List.copyOf(keys), issuedAt)));
        sent.forEach(model -> out.add(desired(model, node))); // stamped after the manifest, and each listed by it
        return out;
    }

    /** The shared models manifest: every model meant for every node, stamped first and listed after, under the judgements' lock. */
    public synchronized Outgoing sharedManifest() {
        long issuedAt = clock.getAsLong();
        return Outgoing.json(topics.modelsManifest(), new Manifest(forEveryNode(), issuedAt));
    }

    private Stream<Model> meantFor(String node) {
        return Stream.concat(namingNode.apply(node), all.get().filter(model -> model.getSpec() != null && model.getSpec().getNodeSelector() != null))
            .filter(model -> model.getSpec() != null && !model.getSpec().isForEveryNode() && targets.includes(model.getSpec(), node))
            .collect(java.util.stream.Collectors.toMap(DatasetDownstream::key, model -> model, (a, b) -> a, java.util.TreeMap::new))
            .values().stream();
    }

    /**
     * Every node some model is meant for by name or label, sorted (once a resync period). Where each
     * model was sent is forgotten for the models that no longer exist (deleted while another replica
     * led: this one never heard it) and for models sent nowhere.
     */
    public synchronized List<String> namedNodes() {
        placed.entrySet().removeIf(entry -> entry.getValue().isEmpty()
            || byKey(entry.getKey()).isEmpty());
        return all.get().flatMap(model -> places(model).stream()).filter(place -> !EVERY_NODE.equals(place)).distinct().sorted().toList();
    }
}
