package io.edgeai.sync.edge;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.counting.SampleCounter;
import io.edgeai.sync.counting.UnknownFormatException;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Messages.Readiness;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.TopicLanes;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.remote.HttpObjects;
import io.edgeai.sync.remote.RemoteDatasets;
import io.edgeai.sync.remote.RemotePolls;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's datasets: takes the desired state from the cloud, keeps it on disk, counts each
 * dataset's samples when its files change and publishes the status when it differs from the last one
 * published (a count of 0 included). Recounts go through a {@link Coalescer}. A status the broker did
 * not take is counted and sent again; the status topic is retained, so the cloud gets the latest.
 */
public final class EdgeDatasets implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeDatasets.class);
    static final String KIND = "datasets";
    /** Statuses published at once (each topic in order on its lane). */
    private static final int STATUS_LANES = 8;

    private final String node;
    private final Topics topics;
    private final DataRoots roots;
    private final SampleCounter counter;
    private final Predicate<Outgoing> publisher;
    /**
     * Statuses on their way to the broker: counting threads hand them over and go on, and the lanes
     * await many QoS 1 acknowledgements at once, each topic in order. Published on the counting
     * threads, at most count-threads statuses were in flight.
     */
    private final TopicLanes<Outgoing> statuses;
    private final Clock clock;
    private final Coalescer recounts;
    private final DesiredSet<DesiredDataset> desired;
    /** Per dataset key: the path last counted and the last report sent. */
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.LongAdder counts = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder recountNanos = new java.util.concurrent.atomic.LongAdder();
    /** Datasets whose last status the broker did not take. */
    private final java.util.Set<String> undelivered = ConcurrentHashMap.newKeySet();
    /** Which datasets a file event touches: known from placement on, counted or not. */
    private final DatasetPaths paths = new DatasetPaths();
    private final RemoteDatasets remote;
    private final RemotePolls polls;
    /** The URL of each dataset not on the node's disk, polled instead of watched. */
    private final Map<String, String> remoteUrls = new ConcurrentHashMap<>();

    private record Watched(Path path, DatasetReport published) {
    }

    public EdgeDatasets(String node, Topics topics, DataRoots roots, DesiredStateStore store, SampleCounter counter,
                        EdgeSettings settings, Predicate<Outgoing> publisher, Clock clock) {
        this(node, topics, roots, store, counter, settings, publisher, clock, RemoteDatasets.none(), new RemotePolls(5_000, System::nanoTime));
    }

    /**
     * @param remote counts the datasets whose URL is {@code http://}, {@code https://} or {@code s3://}
     * @param polls  when each of those is polled (they cannot be watched)
     */
    public EdgeDatasets(String node, Topics topics, DataRoots roots, DesiredStateStore store, SampleCounter counter,
                        EdgeSettings settings, Predicate<Outgoing> publisher, Clock clock, RemoteDatasets remote, RemotePolls polls) {
        this.remote = remote;
        this.polls = polls;
        this.node = node;
        this.topics = topics;
        this.roots = roots;
        this.counter = counter;
        this.publisher = publisher;
        this.statuses = new TopicLanes<>("edge-status-publish", STATUS_LANES, 10_000, Outgoing::topic, this::deliver);
        this.clock = clock;
        this.recounts = new Coalescer("edge-recount", settings.countThreads(), settings.coalesceDelay(), settings.slowCount(), this::recount);
        this.desired = new DesiredSet<>(store, KIND, DesiredDataset.class,
            new DesiredSet.Listener<>() {
                @Override
                public void placed(DesiredDataset dataset) {
                    watchPaths(dataset, null);
                    remote(dataset.key(), dataset.spec().getDataUrl());
                    recounts.request(dataset.key(), true);
                }

                @Override
                public void removed(DesiredDataset dataset) {
                    LOG.info("dataset {} is no longer on node {}", dataset.key(), node);
                    recounts.request(dataset.key(), false);
                }
            }, clock::millis, settings.maxClockSkew().toMillis());
    }

    /** A message on this node's desired-state topics, as received (tests; the routes parse it first). */
    public void onDesired(String topic, byte[] payload) {
        Topics.Ref ref = ref(topic);
        if (payload.length == 0) {
            onTombstone(topic);
        } else if (ref.kind() == Topics.Kind.NODE_MANIFEST) {
            onManifest(topic, Json.read(payload, Manifest.class, "dataset manifest"));
        } else {
            onDataset(topic, Json.read(payload, DesiredDataset.class, "desired dataset " + ref.key()));
        }
    }

    /** A dataset on its topic, parsed (routes/edge/dataset-downstream.yaml): held, and counted. */
    public void onDataset(String topic, DesiredDataset dataset) {
        Topics.Ref ref = ref(topic, Topics.Kind.DESIRED_DATASET);
        if (dataset != null && (dataset.spec() == null || !node.equals(dataset.spec().getNodeName()))) {
            throw new RejectedMessage("desired dataset " + ref.key() + " is not for node " + node);
        }
        desired.receive(ref.key(), dataset);
    }

    /** This node's datasets manifest, parsed. */
    public void onManifest(String topic, Manifest manifest) {
        ref(topic, Topics.Kind.NODE_MANIFEST);
        desired.receiveManifest(manifest);
    }

    /** An empty message on a dataset's topic (it is taken away) or on the manifest's (which changes nothing). */
    public void onTombstone(String topic) {
        Topics.Ref ref = ref(topic);
        switch (ref.kind()) {
            case DESIRED_DATASET -> desired.remove(ref.key());
            case NODE_MANIFEST -> {
            }
            default -> throw new RejectedMessage("not a dataset topic: " + topic);
        }
    }

    /** The topic of this node's desired state, of that kind. */
    private Topics.Ref ref(String topic, Topics.Kind kind) {
        Topics.Ref ref = ref(topic);
        if (ref.kind() != kind) {
            throw new RejectedMessage("not a " + (kind == Topics.Kind.NODE_MANIFEST ? "dataset manifest" : "dataset") + " topic: " + topic);
        }
        return ref;
    }

    private Topics.Ref ref(String topic) {
        Topics.Ref ref = topics.parse(topic).orElseThrow(() -> new RejectedMessage("not a desired-state topic: " + topic));
        if (!node.equals(ref.node())) {
            throw new RejectedMessage("desired state for node " + ref.node() + " reached node " + node);
        }
        return ref;
    }

    /** A file or directory under a data root changed: recount the datasets it can affect. */
    public void onFileEvent(String absolutePath) {
        paths.affectedBy(Path.of(absolutePath)).forEach(key -> recounts.request(key, false));
    }

    /**
     * The paths whose changes concern a dataset: its URL's own path (so a refused link that is put
     * right is seen on the next change) and, once counted, the real path it led to.
     */
    private void watchPaths(DesiredDataset dataset, Path counted) {
        paths.watch(dataset.key(), java.util.Arrays.asList(DataRoots.pathOf(dataset.spec().getDataUrl()).orElse(null), counted));
    }

    /** A dataset is placed with this URL: polled from now on if it is not on the node's disk, no longer if it was. */
    private void remote(String key, String url) {
        String before = RemoteDatasets.handles(url) ? remoteUrls.put(key, url) : remoteUrls.remove(key);
        if (before != null && !before.equals(url)) {
            remote.forget(before);
        }
        if (RemoteDatasets.handles(url)) {
            polls.schedule(key);
        } else {
            polls.forget(key);
        }
    }

    /** The remote datasets whose poll is due are counted (a poll that finds nothing changed reads nothing). */
    public void pollRemote() {
        polls.due().forEach(key -> recounts.request(key, false));
    }

    /**
     * The object store says these objects ({@code s3://bucket/key}) were written or removed: each
     * dataset they fall in is polled at the next tick instead of at its moment in the period.
     */
    public void objectsChanged(List<String> objects) {
        polls.pollSoon(remoteUrls, objects);
    }

    /** The slow safety pass: every dataset counted in full, whatever the checkpoints say. */
    public void verifyAll() {
        desired.all().forEach(dataset -> recounts.request(dataset.key(), true));
    }

    /**
     * Every publish for a dataset happens here, on the coalescer's one-run-per-key path: its statuses
     * and the tombstone that clears them leave in order, without a lock held across a publish (which
     * may wait for the broker).
     */
    private void recount(String key, boolean verify) {
        DesiredDataset dataset = desired.get(key).orElse(null);
        if (dataset == null) {
            clearStatus(key);
            return;
        }
        long started = System.nanoTime();
        Counted counted = count(dataset, verify);
        recountNanos.add(System.nanoTime() - started);
        counts.increment();
        watchPaths(dataset, counted.path);
        SampleCounter.Count count = counted.count;
        DatasetReport report = new DatasetReport(dataset.namespace(), dataset.name(), dataset.uid(), dataset.generation(),
            count == null ? null : count.samples(), clock.instant().toString(), counted.readiness, count == null ? null : count.sizeBytes(),
            count == null ? null : count.files(), count == null ? null : count.revision());
        Watched before = watched.get(key);
        if (sameContent(before, report)) {
            watched.put(key, new Watched(counted.path, before.published));
            return;
        }
        watched.put(key, new Watched(counted.path, report));
        send(key, Outgoing.json(topics.datasetStatus(node, dataset.namespace(), dataset.name()), report));
    }

    private void send(String key, Outgoing status) {
        try {
            statuses.handOff(status);
        } catch (InterruptedException | IllegalStateException e) {
            notDelivered(key); // stopping
        }
    }

    /** On a publishing lane: one status to the broker; one it did not take is counted and sent again. */
    private void deliver(Outgoing status) {
        if (!publisher.test(status)) {
            topics.parse(status.topic()).map(Topics.Ref::key).ifPresent(this::notDelivered);
        }
    }

    /** The broker did not take a status (said once per outage by BrokerOutage): it is sent again at the next resend. */
    private void notDelivered(String key) {
        watched.computeIfPresent(key, (k, was) -> new Watched(was.path, null));
        LOG.debug("status of {} not delivered; counted and sent again at the next resend", key);
        undelivered.add(key);
    }

    /** Recounts since start, and the time they took (for the metrics). */
    public long recounts() {
        return counts.sum();
    }

    public double recountSeconds() {
        return recountNanos.sum() / 1e9;
    }

    /** File changes that joined a recount already due, and the bytes the recounts read. */
    public long changesCoalesced() {
        return recounts.coalesced();
    }

    public long bytesCounted() {
        return counter.bytesScanned();
    }

    /** Datasets this node holds, and those whose status waits to be sent again. */
    public int datasets() {
        return desired.all().size();
    }

    public int undelivered() {
        return undelivered.size();
    }

    /**
     * Counts afresh and sends again what the broker did not take: once per resend period, so an
     * outage costs one try per dataset per period, never a loop.
     */
    public void resendUndelivered() {
        for (String key : List.copyOf(undelivered)) {
            undelivered.remove(key);
            recounts.request(key, false);
        }
    }

    /** The dataset is gone: stop matching its files and clear its retained status (again, if need be). */
    private void clearStatus(String key) {
        paths.forget(key);
        polls.forget(key);
        String url = remoteUrls.remove(key);
        if (url != null) {
            remote.forget(url);
        }
        Watched gone = watched.remove(key);
        if (gone != null && gone.path != null) {
            counter.forget(gone.path);
        }
        int slash = key.indexOf('/');
        send(key, Outgoing.tombstone(topics.datasetStatus(node, key.substring(0, slash), key.substring(slash + 1))));
    }

    private static boolean sameContent(Watched before, DatasetReport report) {
        if (before == null || before.published == null) {
            return false;
        }
        DatasetReport was = before.published;
        return Objects.equals(was.uid(), report.uid()) && was.observedGeneration() == report.observedGeneration()
            && Objects.equals(was.numberOfSamples(), report.numberOfSamples()) && Objects.equals(was.readiness(), report.readiness())
            && Objects.equals(was.sizeBytes(), report.sizeBytes()) && Objects.equals(was.files(), report.files())
            && Objects.equals(was.revision(), report.revision());
    }

    /** What counting a dataset gave: its count, or null and the reason it has none. */
    private record Counted(Path path, SampleCounter.Count count, Readiness readiness) {
    }

    private Counted count(DesiredDataset dataset, boolean verify) {
        String url = dataset.spec().getDataUrl();
        if (RemoteDatasets.handles(url)) {
            return countRemote(url, dataset.spec().getFormat(), verify);
        }
        DataRoots.Resolution resolution = roots.resolve(url);
        if (resolution instanceof DataRoots.Refused refused) {
            return new Counted(null, null, new Readiness(false, refused.reason(), refused.message()));
        }
        Path path = ((DataRoots.Allowed) resolution).path();
        try {
            return new Counted(path, counter.count(path, dataset.spec().getFormat(), verify),
                new Readiness(true, Reasons.COUNTED, "samples counted in " + url));
        } catch (ConfinedFiles.OutsideRootsException e) {
            return new Counted(path, null, new Readiness(false, Reasons.OUTSIDE_DATA_ROOTS, url + " " + e.getReason()));
        } catch (ConfinedFiles.NotRegularFileException e) {
            return new Counted(path, null, new Readiness(false, Reasons.NOT_REGULAR, url + " " + e.getReason()));
        } catch (NoSuchFileException e) {
            return new Counted(path, null, new Readiness(false, Reasons.NOT_FOUND, url + " does not exist on node " + node));
        } catch (AccessDeniedException e) {
            return new Counted(path, null, new Readiness(false, Reasons.UNREADABLE, url + " is not readable on node " + node));
        } catch (UnknownFormatException e) {
            return new Counted(path, null, new Readiness(false, Reasons.UNKNOWN_FORMAT, e.getMessage()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("counting {} failed: {}", url, e.toString());
            return new Counted(path, null, new Readiness(false, Reasons.UNREADABLE, "cannot count " + url + ": " + e));
        }
    }

    private Counted countRemote(String url, String format, boolean verify) {
        try {
            HttpObjects.Counted counted = remote.count(url, format, verify);
            return new Counted(null, new SampleCounter.Count(counted.samples(), counted.sizeBytes(), counted.files(), counted.revision()),
                new Readiness(true, Reasons.COUNTED, "samples counted in " + url));
        } catch (HttpObjects.Refused refused) {
            return new Counted(null, null, new Readiness(false, refused.reason(), refused.getMessage()));
        } catch (UnknownFormatException e) {
            return new Counted(null, null, new Readiness(false, Reasons.UNKNOWN_FORMAT, e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Counted(null, null, new Readiness(false, Reasons.UNREACHABLE, "stopped while reading " + url));
        } catch (RuntimeException e) { // whatever a URL or a server did, the dataset gets a status saying so
            LOG.warn("counting {} failed: {}", url, e.toString());
            return new Counted(null, null, new Readiness(false, Reasons.UNREADABLE, "cannot count " + url + ": " + e));
        }
    }

    /** Whether no recount is waiting or running: the statuses published are final. */
    boolean idle() {
        return recounts.idle() && statuses.pending() == 0;
    }

    /** Saves what the state directory refused before (it was full or read-only). */
    public void retryUnsaved() {
        desired.retryUnsaved();
    }

    @Override
    public void close() {
        recounts.close();
        statuses.close();
    }
}
