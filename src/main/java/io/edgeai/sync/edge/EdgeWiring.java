package io.edgeai.sync.edge;

import io.edgeai.sync.CloseOnStop;
import io.edgeai.sync.ConfigurationError;
import io.edgeai.sync.Settings;
import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.counting.SampleCounter;
import io.edgeai.sync.mqtt.Delivery;
import io.edgeai.sync.mqtt.MqttSettings;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Received;
import io.edgeai.sync.mqtt.TopicLanes;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.remote.HttpObjects;
import io.edgeai.sync.remote.RemoteDatasets;
import io.edgeai.sync.remote.RemotePolls;
import io.edgeai.sync.remote.S3Objects;
import io.edgeai.sync.resources.ResourceNames;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.paho.PahoConstants;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The beans the edge routes (routes/edge) call, built from settings. */
public final class EdgeWiring {
    /** Where the edge beans hand their status messages to the routes. */
    public static final String STATUS_UPSTREAM = "direct:status-upstream";
    private static final Logger LOG = LoggerFactory.getLogger(EdgeWiring.class);
    private static final String MQTT_PUBLISH = "direct:mqtt-publish";
    private static final long OFFLINE_WAIT_SECONDS = 2;
    /** Where each desired-state lane hands its messages (routes/edge/dataset-downstream.yaml). */
    private static final String DATASET_DESIRED = "direct:dataset-desired";
    /** Desired-state messages taken in at once (each topic in order). */
    private static final int DESIRED_LANES = 4;

    private EdgeWiring() {
    }

    /** The edge's own Prometheus metrics, beside Camel's per-route ones. */
    private static void registerMetrics(MeterRegistry metrics, EdgeDatasets datasets, EdgeModels models) {
        FunctionCounter.builder("edgeai.edge.model.hashed", models, EdgeModels::hashedBytes).baseUnit("bytes")
            .description("Bytes of model copies read to compute their SHA-256 (a copy that did not change is not read again)").register(metrics);
        FunctionTimer.builder("edgeai.edge.recount", datasets, EdgeDatasets::recounts, EdgeDatasets::recountSeconds, TimeUnit.SECONDS)
            .description("Datasets counted (a file change, a placement, a resend, the safety pass) and the time it took").register(metrics);
        FunctionCounter.builder("edgeai.edge.counted", datasets, EdgeDatasets::bytesCounted).baseUnit("bytes")
            .description("Bytes of dataset files scanned for samples (an append costs its own bytes; the 4 KiB check before it is not counted)").register(metrics);
        FunctionCounter.builder("edgeai.edge.changes.coalesced", datasets, EdgeDatasets::changesCoalesced)
            .description("File changes that joined a recount already due instead of costing one").register(metrics);
        Gauge.builder("edgeai.edge.datasets", datasets, EdgeDatasets::datasets).description("Datasets this node holds").register(metrics);
        Gauge.builder("edgeai.edge.statuses.undelivered", datasets, EdgeDatasets::undelivered)
            .description("Datasets whose status the broker did not take, waiting for the next resend").register(metrics);
    }

    private static int modelHashMibPerSecond(Settings settings) {
        int mib = settings.integer("edgeai.edge.model-hash-mib-per-second", (int) EdgeSettings.MODEL_HASH_MIB_PER_SECOND);
        if (mib < 0) {
            throw new ConfigurationError("edgeai.edge.model-hash-mib-per-second must be 0 (no bound) or more, not " + mib);
        }
        return mib;
    }

    /** The HTTP(S) prefixes this node may count datasets under; none unless configured. */
    private static HttpObjects httpObjects(Settings settings, Duration timeout, javax.net.ssl.SSLContext trust) {
        try {
            return new HttpObjects(settings.list("edgeai.edge.http-allowed"), timeout, trust);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError("edgeai.edge.http-allowed: " + e.getMessage());
        }
    }

    /** The trust store for HTTPS datasets and the S3 endpoint (a private CA), or null for the JVM's own trust. */
    private static javax.net.ssl.SSLContext remoteTrust(Settings settings) {
        String store = settings.get("edgeai.edge.trust-store", null);
        if (store == null) {
            return null;
        }
        try {
            return io.edgeai.sync.remote.TrustStores.load(Path.of(store), settings.get("edgeai.edge.trust-store-password", null));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError("edgeai.edge.trust-store: " + e.getMessage());
        }
    }

    /** The node's object store, or null when it has none; its secret from a file (a mounted Secret) or the environment. */
    private static S3Objects.Endpoint s3Endpoint(Settings settings) {
        String endpoint = settings.get("edgeai.edge.s3.endpoint", null);
        if (endpoint == null) {
            return null;
        }
        String secret = settings.secret("edgeai.edge.s3.secret-key-file", "edgeai.edge.s3.secret-key");
        if (secret == null) {
            throw new ConfigurationError("edgeai.edge.s3.endpoint is set: set edgeai.edge.s3.secret-key-file (or EDGEAI_EDGE_S3_SECRET_KEY)");
        }
        try {
            return new S3Objects.Endpoint(java.net.URI.create(endpoint), settings.get("edgeai.edge.s3.region", "us-east-1"),
                settings.bool("edgeai.edge.s3.path-style", true), settings.required("edgeai.edge.s3.access-key"), secret);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationError("edgeai.edge.s3.endpoint: " + e.getMessage());
        }
    }

    private static int positive(Settings settings, String key, int fallback) {
        int value = settings.integer(key, fallback);
        if (value <= 0) {
            throw new ConfigurationError(key + " must be more than 0, not " + value);
        }
        return value;
    }

    public static void bind(CamelContext context, Settings settings) throws Exception {
        String node = settings.required("edgeai.node-name");
        if (!ResourceNames.valid(node)) {
            throw new ConfigurationError("edgeai.node-name '" + node + "' is not a valid Kubernetes node name");
        }
        Topics topics = new Topics(settings.get("edgeai.mqtt.topic-prefix", "edgeai"));
        MqttSettings.configure(context, settings, topics.online(node));
        DataRoots roots = new DataRoots(settings.list("edgeai.edge.data-roots").stream().map(Path::of).toList());
        DesiredStateStore store = new DesiredStateStore(Path.of(settings.required("edgeai.edge.state-dir")));
        ConfinedFiles confined = new ConfinedFiles(roots.roots());
        SampleCounter counter = new SampleCounter(settings.integer("edgeai.edge.count-parallelism", Runtime.getRuntime().availableProcessors()), confined);
        EdgeSettings tuning = new EdgeSettings(settings.integer("edgeai.edge.count-threads", 2),
            Duration.ofMillis(settings.integer("edgeai.edge.coalesce-delay-ms", 100)),
            Duration.ofMillis(settings.integer("edgeai.edge.slow-count-ms", 2000)),
            Duration.ofMillis(settings.integer("edgeai.max-clock-skew-ms", 600_000)),
            (long) modelHashMibPerSecond(settings) << 20);
        ProducerTemplate producer = context.createProducerTemplate();
        Predicate<Outgoing> publish = message -> Delivery.delivered(producer.send(STATUS_UPSTREAM, exchange -> exchange.getMessage().setBody(message)));
        Clock clock = Clock.systemUTC();
        Duration remoteTimeout = Duration.ofMillis(positive(settings, "edgeai.edge.http-timeout-ms", 10_000));
        javax.net.ssl.SSLContext trust = remoteTrust(settings);
        RemoteDatasets remote = new RemoteDatasets(httpObjects(settings, remoteTimeout, trust), new S3Objects(s3Endpoint(settings), remoteTimeout, trust));
        int remotePollMillis = positive(settings, "edgeai.edge.remote-poll-ms", 5_000);
        EdgeDatasets datasets = new EdgeDatasets(node, topics, roots, store, counter, tuning, publish, clock, remote,
            new RemotePolls(remotePollMillis, System::nanoTime));
        EdgeModels models = new EdgeModels(node, topics, roots, confined, store, tuning, publish, clock, remote,
            new RemotePolls(remotePollMillis, System::nanoTime));
        context.getRegistry().bind("edgeDatasets", datasets);
        io.edgeai.sync.management.Metrics.register(context, metrics -> registerMetrics(metrics, datasets, models));
        context.getRegistry().bind("edgeModels", models);
        TopicLanes<Received> desiredLanes = new TopicLanes<>("edge-desired", DESIRED_LANES, 1_000, Received::topic,
            received -> producer.send(DATASET_DESIRED, exchange -> {
                exchange.getMessage().setHeader(PahoConstants.MQTT_TOPIC, received.topic());
                exchange.getMessage().setBody(received.payload());
            }));
        context.getRegistry().bind("desiredDatasetLanes", desiredLanes);
        CloseOnStop.register(context, desiredLanes, datasets, models, counter);
        NodePresence presence = new NodePresence(topics, node);
        context.getRegistry().bind("nodePresence", presence);
        AtomicBoolean running = new AtomicBoolean();
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStopping(CamelContext stopping) {
                // a node stopped on purpose says so; waited for briefly, so a broker that is down
                // cannot hold up the stop (the flag then stays "online" until the node is back);
                // a node that failed to start has said nothing yet
                if (!running.get()) {
                    return;
                }
                try {
                    producer.asyncSend(MQTT_PUBLISH, exchange -> exchange.getMessage().setBody(presence.offline()))
                        .get(OFFLINE_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    LOG.warn("could not tell the broker that node {} stops: {}", node, e.getMessage());
                }
            }
        });
        context.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) throws Exception {
                running.set(true);
                addDataRootWatches(started, roots);
                // then count what the state directory held: watching first, so no change falls between
                datasets.verifyAll();
                models.forwardAll();
            }
        });
    }

    /** One file-watch route per data root, from the {@code dataset-watch} template in routes/edge. */
    private static void addDataRootWatches(CamelContext context, DataRoots dataRoots) throws Exception {
        List<Path> roots = dataRoots.roots();
        for (int i = 0; i < roots.size(); i++) {
            String routeId = TemplatedRouteBuilder.builder(context, "dataset-watch")
                .routeId("dataset-watch-" + i)
                .parameter("root", roots.get(i).toString())
                .add();
            // routes added after start-up are left stopped by the supervising route controller
            context.getRouteController().startRoute(routeId);
        }
    }
}
