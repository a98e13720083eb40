package io.edgeai.sync.cloud;

import io.edgeai.sync.CloseOnStop;
import io.edgeai.sync.Settings;
import io.edgeai.sync.mqtt.Delivery;
import io.edgeai.sync.mqtt.MqttSettings;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Refusals;
import io.edgeai.sync.mqtt.TopicLanes;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.Model;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.paho.PahoComponent;
import org.apache.camel.component.paho.PahoConfiguration;
import org.apache.camel.spi.Registry;

/** The beans the cloud routes (routes/cloud) call, built from settings. */
public final class CloudWiring {
    /** The route every protocol message is published through (routes/common/mqtt-publish.yaml). */
    private static final String MQTT_PUBLISH = "direct:mqtt-publish";
    private static final Duration SYNC_WAIT = Duration.ofSeconds(30);
    /** The informer index of datasets by spec.nodeName: a node's datasets without a scan of all. */
    private static final String BY_NODE = "node";
    private static final String BY_NAMED_NODE = "namedNode";

    private CloudWiring() {
    }

    public static void bind(CamelContext context, Settings settings, KubernetesClient client) throws Exception {
        Topics topics = new Topics(settings.get("edgeai.mqtt.topic-prefix", "edgeai"));
        MqttSettings.configure(context, settings, null);
        ResourceInformers informers = new ResourceInformers(client, settings.list("edgeai.namespaces"),
            Duration.ofMillis(settings.integer("edgeai.cloud.resync-ms", 600_000)), List.of(Dataset.class, Model.class, Node.class));
        informers.addIndex(Dataset.class, BY_NODE, dataset -> {
            String node = DatasetDownstream.nodeOf(dataset);
            return node == null ? List.of() : List.of(node);
        });
        informers.addIndex(Model.class, BY_NAMED_NODE, model -> model.getSpec() == null || model.getSpec().getNodeNames() == null
            ? List.of() : model.getSpec().getNodeNames());
        Clock clock = Clock.systemUTC();
        Registry registry = context.getRegistry();
        registry.bind("informer", new InformerComponent(informers));
        int maxClockSkew = settings.integer("edgeai.max-clock-skew-ms", 600_000);
        IssueClock stamps = new IssueClock(clock::millis, maxClockSkew);
        BiFunction<String, String, Optional<Dataset>> dataset = (ns, name) -> informers.get(Dataset.class, ns, name);
        BiFunction<String, String, Optional<Model>> model = (ns, name) -> informers.get(Model.class, ns, name);
        String clientId = settings.get("edgeai.mqtt.client-id", "edgeai-cloud");
        PahoConfiguration mqtt = context.getComponent("paho", PahoComponent.class).getConfiguration();
        RetainedReader statusReread = new RetainedReader(mqtt, clientId + "-reread", 0, topics.prefix() + "/nodes/+/status/#",
            topics.prefix() + "/nodes/+/online");
        RetainedReader desiredReader = new RetainedReader(mqtt, clientId + "-snapshot", 1,
            topics.prefix() + "/nodes/+/desired/#", topics.prefix() + "/models/#");
        RetainedSnapshot desiredAtStart = new RetainedSnapshot(desiredReader::retainedOrFail, stamps::observe).start();
        Presence presence = new Presence(topics, clock::millis, settings.integer("edgeai.cloud.node-grace-ms", 60_000));
        registry.bind("presence", presence);
        BooleanSupplier leading = Leadership.bind(context, settings, client, settings.required("edgeai.cloud.instance"), desiredAtStart,
            presence);
        // nothing is stamped before the retained stamps raised the clock
        LongSupplier stamping = () -> {
            desiredAtStart.await();
            return stamps.getAsLong();
        };
        DatasetDownstream datasetDownstream = new DatasetDownstream(topics, node -> datasetsOn(informers, node), dataset, stamping, desiredAtStart);
        // Node labels, for spec.nodeSelector (the cache keeps a Node's name and labels only)
        ModelTargets targets = new ModelTargets(() -> informers.all(Node.class), name -> informers.get(Node.class, null, name));
        // every replica, leader or not: what was resolved from the labels is resolved again once they change
        informers.subscribe(Node.class, new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                targets.nodesChanged();
            }

            @Override
            public void onUpdate(Node before, Node after) {
                if (!ModelTargets.sameLabels(before, after)) {
                    targets.nodesChanged();
                }
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                targets.nodesChanged();
            }
        });
        ModelDownstream modelDownstream = new ModelDownstream(topics, () -> informers.all(Model.class),
            node -> informers.byIndex(Model.class, BY_NAMED_NODE, node), model, stamping, desiredAtStart, targets);
        registry.bind("datasetDownstream", datasetDownstream);
        registry.bind("modelDownstream", modelDownstream);
        BooleanSupplier synced = () -> listed(informers, SYNC_WAIT);
        // every replica lists (ResourceInformers#start), so a standby is ready, and a member of the election,
        // once its caches are there to take over with
        io.edgeai.sync.management.ReadyCheck.register(context, "kubernetes-api", () -> listed(informers, Duration.ZERO),
            () -> "the Dataset, Model and Node caches have not listed from the Kubernetes API at " + client.getMasterUrl() + " yet");
        Manifests manifests = new Manifests(topics, stamping, datasetDownstream, modelDownstream,
            () -> informers.all(Dataset.class).map(DatasetDownstream::nodeOf).toList(), synced,
            settings.integer("edgeai.cloud.manifest-delay-ms", 1000));
        registry.bind("manifests", manifests);
        DesiredStateReconciler reconciler = new DesiredStateReconciler(topics, synced, datasetDownstream, modelDownstream, desiredAtStart,
            manifests::all);
        registry.bind("desiredStateReconciler", reconciler);
        ProducerTemplate producer = context.createProducerTemplate();
        DesiredStateRepair repair = new DesiredStateRepair(reconciler,
            message -> Delivery.delivered(producer.send(MQTT_PUBLISH, exchange -> exchange.getMessage().setBody(message))));
        registry.bind("desiredStateRepair", repair);
        // a list is handed over faster than the broker takes it: the backlog waits here as messages (about
        // 300 bytes each); past 10,000 a lane, the informer route's thread waits and its events queue
        // (each a reference to a cached object, InformerEndpoint)
        TopicLanes<Outgoing> lanes = new TopicLanes<>("desired-state-publish", settings.integer("edgeai.cloud.publish-lanes", 16), 10_000,
            Outgoing::topic, message -> {
                if (leading.getAsBoolean()) { // a replica that lost the lease publishes nothing more
                    repair.publish(message);
                }
            });
        registry.bind("desiredStateLanes", lanes);
        StatusUpstream statusUpstream = new StatusUpstream(topics, synced, dataset, model, presence, clock, maxClockSkew, targets);
        informers.subscribe(Dataset.class, cached(statusUpstream));
        informers.subscribe(Model.class, cached(statusUpstream));
        int writers = settings.integer("edgeai.cloud.status-writers", 4);
        Refusals refusals = registry.lookupByNameAndType("refusals", Refusals.class);
        StatusInbox inbox = new StatusInbox(topics, settings.integer("edgeai.cloud.max-statuses-per-node", 10_000),
            (long) settings.integer("edgeai.cloud.max-status-mib", 256) << 20, writers,
            settings.integer("edgeai.cloud.status-min-interval-ms", 100), refusals);
        registry.bind("statusInbox", inbox);
        registry.bind("statusReread", statusReread);
        StatusWriter statusWriter = new StatusWriter(client,
            new RateLimiter(settings.integer("edgeai.cloud.api-qps", 200), settings.integer("edgeai.cloud.api-burst", 400)));
        KubernetesEvents events = new KubernetesEvents(clock::instant, System::nanoTime, settings.integer("edgeai.cloud.event-series-ms", 10_000),
            settings.required("edgeai.cloud.instance"), settings.integer("edgeai.cloud.events-per-second", 10));
        registry.bind("kubernetesEvents", events);
        registry.bind("kubernetesClient", client); // for the kubernetes-events endpoint
        StatusWrites statusWrites = new StatusWrites(inbox, leading, statusUpstream, statusWriter, refusals, events);
        registry.bind("statusWrites", statusWrites);
        io.edgeai.sync.management.Metrics.register(context, metrics -> CloudMetrics.register(metrics, () -> informers.all(Dataset.class), presence,
            statusWrites, events));
        registry.bind("presenceStatuses", new PresenceStatuses(presence, topics, inbox, statusUpstream,
            node -> informers.byIndex(Dataset.class, BY_NODE, node), () -> informers.all(Dataset.class), () -> informers.all(Model.class),
            targets, () -> informers.awaitSynced(Node.class, Duration.ZERO), statusWriter, refusals));
        CloseOnStop.register(context, informers, lanes);
        // listing from here on, while Camel builds and starts the routes: the routes' handlers hear the
        // cache when they are added, and each listener above is in place before the first object
        informers.start();
    }

    /** Tells the status path what the cache now holds. */
    private static <T extends HasMetadata> ResourceEventHandler<T> cached(StatusUpstream statusUpstream) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                statusUpstream.cached(resource);
            }

            @Override
            public void onUpdate(T before, T after) {
                statusUpstream.cached(after);
            }

            @Override
            public void onDelete(T resource, boolean finalStateUnknown) {
                // what was written for it is forgotten when it is no longer trusted
            }
        };
    }

    /** Whether the Dataset, Model and Node caches have listed, each waited for up to {@code wait}. */
    private static boolean listed(ResourceInformers informers, Duration wait) {
        return informers.awaitSynced(Dataset.class, wait) && informers.awaitSynced(Model.class, wait) && informers.awaitSynced(Node.class, wait);
    }

    static List<String> datasetsOn(ResourceInformers informers, String node) {
        // the index changes just after the cache: a dataset moved a moment ago may still be found under its old node
        return informers.byIndex(Dataset.class, BY_NODE, node).filter(dataset -> node.equals(DatasetDownstream.nodeOf(dataset)))
            .map(DatasetDownstream::key).sorted().toList();
    }
}
