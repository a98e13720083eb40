package io.edgeai.sync.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Messages.ModelCopyReport;
import io.edgeai.sync.mqtt.Messages.ModelReport;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.remote.RemoteDatasets;
import io.edgeai.sync.remote.RemotePolls;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelMetric;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models meant for this node: those meant for every node (the shared topic) and those that name
 * it ({@code spec.nodeNames}, on its own topic). For each, the node reports its copy ({@link ModelCopyCheck}:
 * present, missing, unreadable, outside the data roots, or not matching {@code spec.sha256}, with
 * its size and digest) whenever that changes, and forwards the {@code metrics.json} beside a model
 * under its data roots whenever it changes. That file holds either an object
 * ({@code {"accuracy": 0.91}}) or a list ({@code [{"key":..,"value":..}]}). A model taken from the
 * node, or no longer meant for it, has both its retained reports cleared.
 */
public final class EdgeModels implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeModels.class);
    static final String KIND = "models";
    static final String NAMED_KIND = "named-models";
    public static final String METRICS_FILE = "metrics.json";
    static final long MAX_METRICS_BYTES = 1 << 20;

    private final String node;
    private final Topics topics;
    private final DataRoots roots;
    private final ConfinedFiles confined;
    private final Predicate<Outgoing> publisher;
    private final Clock clock;
    /** Models meant for every node (the shared topic), and models that name this node (its own topic). */
    private final DesiredSet<DesiredModel> shared;
    private final DesiredSet<DesiredModel> named;
    /** Forwards run one at a time per model, off the thread that asked (a publish may wait for the broker). */
    private final Coalescer forwards;
    /** The metrics last forwarded per model, and for which incarnation (uid) of it. */
    private final Map<String, Map.Entry<String, List<ModelMetric>>> published = new ConcurrentHashMap<>();
    private final ModelCopyCheck copies;
    private final RemotePolls polls;
    /** The copy last reported per model, and the incarnation (uid) and generation it was judged for. */
    private final Map<String, Reported> reportedCopies = new ConcurrentHashMap<>();

    private record Reported(String uid, long generation, ModelCopyCheck.Found found) {
    }
    /** How long a model taken from both topics is kept before its reports are cleared (it may be moving between them). */
    static final java.time.Duration MOVE_GRACE = java.time.Duration.ofSeconds(2);
    /** Models taken away, by key, until judged gone after {@link #MOVE_GRACE}. */
    private final Map<String, Removal> gone = new ConcurrentHashMap<>();

    /** A model taken away: its URL (its digests are forgotten when it is judged gone), and when its grace ends. */
    private record Removal(String url, long dueNanos) {
    }
    private final java.util.concurrent.ScheduledExecutorService graces = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        runnable -> {
            Thread thread = new Thread(runnable, "edge-model-grace");
            thread.setDaemon(true);
            return thread;
        });
    /** Models removed whose retained reports are still to be cleared. */
    private final java.util.Set<String> toClear = ConcurrentHashMap.newKeySet();
    /** Models whose metrics the broker did not take. */
    private final java.util.Set<String> undelivered = ConcurrentHashMap.newKeySet();

    public EdgeModels(String node, Topics topics, DataRoots roots, ConfinedFiles confined, DesiredStateStore store,
                      EdgeSettings settings, Predicate<Outgoing> publisher, Clock clock) {
        this(node, topics, roots, confined, store, settings, publisher, clock, RemoteDatasets.none(), new RemotePolls(5_000, System::nanoTime));
    }

    /**
     * @param remote reads the models whose URL is {@code http(s)://} or {@code s3://}
     * @param polls  when each of those is judged again (nothing can watch them)
     */
    public EdgeModels(String node, Topics topics, DataRoots roots, ConfinedFiles confined, DesiredStateStore store,
                      EdgeSettings settings, Predicate<Outgoing> publisher, Clock clock, RemoteDatasets remote, RemotePolls polls) {
        this.polls = polls;
        this.node = node;
        this.topics = topics;
        this.roots = roots;
        this.confined = confined;
        this.publisher = publisher;
        this.clock = clock;
        this.copies = new ModelCopyCheck(roots, confined, settings.modelHashBytesPerSecond(), remote);
        // two at once: hashing one large model does not hold up every other
        this.forwards = new Coalescer("edge-model-forward", 2, settings.coalesceDelay(), settings.slowCount(), (key, verify) -> forward(key));
        DesiredSet.Listener<DesiredModel> listener = new DesiredSet.Listener<>() {
            @Override
            public void placed(DesiredModel model) {
                if (RemoteDatasets.handles(model.spec().getModelUrl())) {
                    polls.schedule(model.key());
                }
                forwards.request(model.key(), false);
            }

            @Override
            public void removed(DesiredModel model) {
                if (current(model.key()).isEmpty()) {
                    // judged after a grace: a model moving between the shared topic and this node's own
                    // arrives on the other one (another client, other lanes) a moment later, and is kept
                    Removal removal = new Removal(model.spec().getModelUrl(), System.nanoTime() + MOVE_GRACE.toNanos());
                    gone.put(model.key(), removal);
                    toClear.add(model.key());
                    graces.schedule(() -> {
                        if (gone.get(model.key()) == removal) { // not taken back, nor removed again since
                            forwards.request(model.key(), false);
                        }
                    }, MOVE_GRACE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } else {
                    forwards.request(model.key(), false);
                }
            }
        };
        this.shared = new DesiredSet<>(store, KIND, DesiredModel.class, listener, clock::millis, settings.maxClockSkew().toMillis());
        this.named = new DesiredSet<>(store, NAMED_KIND, DesiredModel.class, listener, clock::millis, settings.maxClockSkew().toMillis());
    }

    /**
     * The model as this node holds it: from the shared topic or this node's own, whichever copy the
     * cloud issued last (a model that starts or stops naming its nodes moves from one to the other).
     */
    private java.util.Optional<DesiredModel> current(String key) {
        java.util.Optional<DesiredModel> fromShared = shared.get(key);
        java.util.Optional<DesiredModel> fromNamed = named.get(key);
        if (fromShared.isEmpty() || fromNamed.isEmpty()) {
            return fromShared.or(() -> fromNamed);
        }
        return fromShared.get().issuedAt() >= fromNamed.get().issuedAt() ? fromShared : fromNamed;
    }

    /** Every model this node holds, each once. */
    private java.util.Collection<DesiredModel> all() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        shared.all().forEach(model -> keys.add(model.key()));
        named.all().forEach(model -> keys.add(model.key()));
        return keys.stream().map(this::current).flatMap(java.util.Optional::stream).toList();
    }

    /**
     * The models in object storage or on a web server whose poll is due are judged again (an
     * unchanged object is not read); a poll for a model gone, or now on the node's disk, ends.
     */
    public void pollRemote() {
        for (String key : polls.due()) {
            if (current(key).filter(model -> RemoteDatasets.handles(model.spec().getModelUrl())).isPresent()) {
                forwards.request(key, false);
            } else {
                polls.forget(key);
            }
        }
    }

    /** The object store says these objects were written or removed: the models they are judged at the next tick. */
    public void objectsChanged(List<String> objects) {
        if (objects.isEmpty()) {
            return;
        }
        Map<String, String> urls = new java.util.HashMap<>();
        all().forEach(model -> urls.put(model.key(), model.spec().getModelUrl()));
        polls.pollSoon(urls, objects);
    }

    /** Judges every model's copy and forwards its metrics again (at start-up and on the safety timer); unchanged copies are not read. */
    public void forwardAll() {
        all().forEach(model -> forwards.request(model.key(), false));
    }

    /** A message on the shared models topics, or on this node's own, as received (tests; the routes parse it first). */
    public void onDesired(String topic, byte[] payload) {
        Topics.Ref ref = ref(topic);
        if (payload.length == 0) {
            onTombstone(topic);
        } else if (ref.kind() == Topics.Kind.MODELS_MANIFEST || ref.kind() == Topics.Kind.NODE_MODELS_MANIFEST) {
            onManifest(topic, Json.read(payload, Manifest.class, "models manifest"));
        } else {
            onModel(topic, Json.read(payload, DesiredModel.class, "desired model " + ref.key()));
        }
    }

    /** A model on the shared topic or this node's own, parsed (routes/edge/model-downstream.yaml). */
    public void onModel(String topic, DesiredModel model) {
        Topics.Ref ref = ref(topic);
        if (model != null && model.spec() == null) {
            throw new RejectedMessage("desired model " + ref.key() + " has no spec");
        }
        switch (ref.kind()) {
            case DESIRED_MODEL -> shared.receive(ref.key(), model);
            case NODE_MODEL -> named.receive(ref.key(), model);
            default -> throw new RejectedMessage("not a model topic: " + topic);
        }
    }

    /** The shared models manifest or this node's own, parsed. */
    public void onManifest(String topic, Manifest manifest) {
        switch (ref(topic).kind()) {
            case MODELS_MANIFEST -> shared.receiveManifest(manifest);
            case NODE_MODELS_MANIFEST -> named.receiveManifest(manifest);
            default -> throw new RejectedMessage("not a models manifest topic: " + topic);
        }
    }

    /** An empty message on a model's topic (it is taken away) or on a manifest's (which changes nothing). */
    public void onTombstone(String topic) {
        Topics.Ref ref = ref(topic);
        switch (ref.kind()) {
            case DESIRED_MODEL -> shared.remove(ref.key());
            case NODE_MODEL -> named.remove(ref.key());
            case MODELS_MANIFEST, NODE_MODELS_MANIFEST -> {
            }
            default -> throw new RejectedMessage("not a model topic: " + topic);
        }
    }

    private Topics.Ref ref(String topic) {
        Topics.Ref ref = topics.parse(topic).orElseThrow(() -> new RejectedMessage("not a model topic: " + topic));
        if (ref.node() != null && !node.equals(ref.node())) {
            throw new RejectedMessage("desired state for node " + ref.node() + " reached node " + node);
        }
        return ref;
    }

    /**
     * A change at, above or inside a model's path, or to its metrics file, has the model judged again;
     * the path as the URL names it and as it resolves through links (the watcher reports real paths).
     */
    public void onFileEvent(String absolutePath) {
        Path changed = Path.of(absolutePath);
        for (DesiredModel model : all()) {
            Path real = resolved(model);
            Path metrics = metricsBeside(real);
            Path named = DataRoots.pathOf(model.spec().getModelUrl()).orElse(null);
            if (metrics != null && metrics.startsWith(changed) || affects(changed, named) || affects(changed, real)) {
                forwards.request(model.key(), false);
            }
        }
    }

    private static boolean affects(Path changed, Path copy) {
        return copy != null && (copy.startsWith(changed) || changed.startsWith(copy));
    }

    private Path metricsFile(DesiredModel model) {
        return metricsBeside(resolved(model));
    }

    /** The metrics file beside a model's real path, or null without one. */
    private static Path metricsBeside(Path real) {
        return real == null || real.getParent() == null ? null : real.getParent().resolve(METRICS_FILE);
    }

    /** The model's path under this node's roots, links resolved; null when it has none here (another node may). */
    private Path resolved(DesiredModel model) {
        if (model.spec().getModelUrl() == null) {
            return null;
        }
        return roots.resolve(model.spec().getModelUrl()) instanceof DataRoots.Allowed allowed ? allowed.path() : null;
    }

    private void forward(String key) {
        DesiredModel model = current(key).orElse(null);
        Removal removal = gone.get(key);
        if (model == null) {
            if (removal != null && System.nanoTime() - removal.dueNanos() < 0) {
                return; // within its grace: judged when it ends
            }
            if (removal != null && gone.remove(key, removal)) {
                copies.forget(removal.url());
                LOG.info("model {} is gone", key);
            }
            clear(key);
            return;
        }
        if (removal != null && gone.remove(key, removal) && !Objects.equals(removal.url(), model.spec().getModelUrl())) {
            copies.forget(removal.url()); // back under another path: the old one's digests are of no use
        }
        if (!model.spec().targets(node)) {
            // meant for other nodes (a cloud of an earlier version sent every model to every node): this node
            // says nothing of it, and takes back what it said
            if (reportedCopies.containsKey(key) || published.containsKey(key)) {
                toClear.add(key);
                clear(key);
            }
            return;
        }
        toClear.remove(key);
        reportCopy(model);
        Path file = metricsFile(model);
        if (file == null) {
            return;
        }
        List<ModelMetric> metrics;
        try {
            metrics = readMetrics(readSmallFile(file));
        } catch (NoSuchFileException none) {
            return;
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring {} of model {}: {}", file, model.key(), e.getMessage());
            return;
        }
        Map.Entry<String, List<ModelMetric>> forwarded = Map.entry(String.valueOf(model.uid()), metrics);
        if (forwarded.equals(published.get(model.key()))) {
            return;
        }
        if (publisher.test(Outgoing.json(topics.modelStatus(node, model.namespace(), model.name()),
            new ModelReport(model.namespace(), model.name(), model.uid(), metrics, clock.instant().toString())))) {
            published.put(model.key(), forwarded);
        } else {
            undelivered.add(model.key());
        }
    }

    /** Reports this node's copy of the model when it differs from what was last reported, or the model changed. */
    private void reportCopy(DesiredModel model) {
        ModelCopyCheck.Found found;
        try {
            found = copies.check(model.spec());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // stopping
        }
        Reported reported = new Reported(model.uid(), model.generation(), found);
        Reported last = reportedCopies.get(model.key());
        if (reported.equals(last)) {
            return;
        }
        if (last == null ? !ModelCopy.PRESENT.equals(found.phase()) : !last.found().phase().equals(found.phase())) {
            // a line when the copy's phase turns, not one per change of a copy that stays as it is
            LOG.info("model {}: {}{}", model.key(), found.phase(), found.message() == null ? "" : " (" + found.message() + ")");
        }
        if (publisher.test(Outgoing.json(topics.modelCopy(node, model.namespace(), model.name()), new ModelCopyReport(model.namespace(),
            model.name(), model.uid(), model.generation(), found.phase(), found.sizeBytes(), found.files(), found.sha256(), found.message(),
            clock.instant().toString())))) {
            reportedCopies.put(model.key(), reported);
        } else {
            undelivered.add(model.key());
        }
    }

    /** The model is gone from this node: clear its retained reports, so that nothing speaks for it any more. */
    private void clear(String key) {
        if (!toClear.contains(key)) {
            return; // never known here, or cleared already
        }
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        if (publisher.test(Outgoing.tombstone(topics.modelCopy(node, namespace, name)))
            && publisher.test(Outgoing.tombstone(topics.modelStatus(node, namespace, name)))) {
            toClear.remove(key);
            reportedCopies.remove(key);
            published.remove(key);
        } else {
            undelivered.add(key);
        }
    }

    /** Bytes read to hash model copies since start. */
    public long hashedBytes() {
        return copies.hashedBytes();
    }

    /** A metrics file, opened as any data file is (regular, under the roots) and read up to its size limit. */
    private byte[] readSmallFile(Path file) throws IOException {
        try (ConfinedFiles.OpenFile open = confined.openFile(file)) {
            long size = open.channel().size();
            if (size > MAX_METRICS_BYTES) {
                throw new IOException("it is " + size + " bytes; metrics files are read up to " + MAX_METRICS_BYTES);
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining() && open.channel().read(bytes) >= 0) {
                // read until full or the file shrank
            }
            return Arrays.copyOf(bytes.array(), bytes.position());
        }
    }

    /** Metrics sorted by key, values as text, from either accepted shape of metrics.json. */
    static List<ModelMetric> readMetrics(byte[] bytes) throws IOException {
        JsonNode root = Json.MAPPER.readTree(bytes);
        List<ModelMetric> metrics = new ArrayList<>();
        if (root != null && root.isObject()) {
            root.fields().forEachRemaining(field -> metrics.add(new ModelMetric(field.getKey(), text(field.getValue()))));
        } else if (root != null && root.isArray()) {
            for (JsonNode item : root) {
                if (!item.hasNonNull("key") || !item.has("value")) {
                    throw new IOException("each metric needs a key and a value");
                }
                metrics.add(new ModelMetric(item.get("key").asText(), text(item.get("value"))));
            }
        } else {
            throw new IOException("metrics must be a JSON object or a list of {key, value}");
        }
        metrics.sort(Comparator.comparing(ModelMetric::key));
        return metrics;
    }

    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** Forwards again the metrics the broker did not take, once per resend period. */
    public void resendUndelivered() {
        for (String key : List.copyOf(undelivered)) {
            undelivered.remove(key);
            forwards.request(key, false);
        }
    }

    /** Saves what the state directory refused before (it was full or read-only). */
    public void retryUnsaved() {
        shared.retryUnsaved();
        named.retryUnsaved();
    }

    @Override
    public void close() {
        graces.shutdownNow();
        forwards.close();
    }
}
