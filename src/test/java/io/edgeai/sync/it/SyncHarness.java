package io.edgeai.sync.it;

import io.edgeai.sync.SyncApp;
import io.edgeai.sync.local.LocalKubernetesApi;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ModelSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The whole system in one JVM for tests: the in-memory Kubernetes API, a real broker, the cloud and
 * any number of edge nodes, each a Camel Main loading the routes as shipped in routes/. Edges can be
 * stopped and started again on the same state directory.
 */
final class SyncHarness implements AutoCloseable {
    final Broker broker;
    final LocalKubernetesApi api;
    final Path dataRoot;
    /** An HTTP server the edges may count datasets on, under /sets/, and an S3 store, their endpoint (issue 11). */
    final io.edgeai.sync.remote.ObjectServer objects;
    final io.edgeai.sync.local.S3Proxy s3;
    private final Path home;
    private Main cloud;
    private final Map<String, Main> edges = new HashMap<>();

    SyncHarness(Broker broker, Path home) throws Exception {
        this.broker = broker;
        this.home = home;
        this.dataRoot = Files.createDirectories(home.resolve("data"));
        objects = new io.edgeai.sync.remote.ObjectServer();
        s3 = new io.edgeai.sync.local.S3Proxy(Files.createDirectories(home.resolve("s3")));
        api = new LocalKubernetesApi();
        startCloud();
    }

    void startCloud() throws Exception {
        Properties props = new Properties();
        props.setProperty("camel.management.port", "0"); // health and metrics on any free port: many processes share this JVM
        props.setProperty("edgeai.mqtt.url", broker.url());
        props.setProperty("edgeai.cloud.leader-election", "false"); // one cloud, even where the tests run in a pod
        // give up on a publish quickly: what the broker did not take is repaired, not retried for long
        props.setProperty("edgeai.mqtt.publish-retries", "1");
        props.setProperty("edgeai.cloud.repair-period-ms", "500");
        props.setProperty("edgeai.cloud.status-reread-ms", "3000");
        props.setProperty("edgeai.cloud.node-grace-ms", "3000");
        props.setProperty("edgeai.cloud.presence-check-ms", "300");
        props.setProperty("edgeai.cloud.event-series-ms", "300");
        cloud = SyncApp.create(SyncApp.CLOUD, props, api.client());
        cloud.start();
    }

    void stopCloud() throws Exception {
        cloud.stop();
    }

    /** What the cloud knows of the nodes now. */
    io.edgeai.sync.cloud.Presence cloudPresence() {
        return cloud.getCamelContext().getRegistry().lookupByNameAndType("presence", io.edgeai.sync.cloud.Presence.class);
    }

    /** Desired-state messages the cloud could not publish and will send again. */
    int cloudRepairsPending() {
        return cloud.getCamelContext().getRegistry().lookupByNameAndType("desiredStateRepair", io.edgeai.sync.cloud.DesiredStateRepair.class).pending();
    }

    KubernetesClient kube() {
        return api.client();
    }

    void startEdge(String node) throws Exception {
        startEdge(node, broker.url());
    }

    /** @param brokerUrl where the edge finds the broker (a {@link TcpProxy} in front of it, say) */
    void startEdge(String node, String brokerUrl) throws Exception {
        startEdge(node, brokerUrl, dataRoot);
    }

    /** @param root the edge's only data root (every other edge's is {@link #dataRoot}) */
    void startEdge(String node, String brokerUrl, Path root) throws Exception {
        startEdge(node, brokerUrl, root, Map.of());
    }

    /** @param settings what this edge is set to other than the harness's edges are */
    void startEdgeWith(String node, Map<String, String> settings) throws Exception {
        startEdge(node, broker.url(), dataRoot, settings);
    }

    private void startEdge(String node, String brokerUrl, Path root, Map<String, String> settings) throws Exception {
        Properties props = new Properties();
        props.setProperty("camel.management.port", "0"); // health and metrics on any free port: many processes share this JVM
        props.setProperty("edgeai.mqtt.url", brokerUrl);
        props.setProperty("edgeai.node-name", node);
        props.setProperty("edgeai.edge.data-roots", root.toString());
        props.setProperty("edgeai.edge.state-dir", stateDir(node).toString());
        props.setProperty("edgeai.edge.coalesce-delay-ms", "20");
        props.setProperty("edgeai.edge.presence-period-ms", "500");
        props.setProperty("edgeai.edge.http-allowed", objects.url("/sets/"));
        props.setProperty("edgeai.edge.remote-poll-ms", "300");
        props.setProperty("edgeai.edge.remote-tick-ms", "50");
        props.setProperty("edgeai.edge.s3.endpoint", s3.endpoint().toString());
        props.setProperty("edgeai.edge.s3.access-key", io.edgeai.sync.local.S3Proxy.ACCESS_KEY);
        props.setProperty("edgeai.edge.s3.secret-key", io.edgeai.sync.local.S3Proxy.SECRET_KEY);
        props.putAll(settings);
        Main edge = SyncApp.create(SyncApp.EDGE, props, null);
        edge.start();
        edges.put(node, edge);
    }

    /** The edge's datasets, to see what it has done. */
    io.edgeai.sync.edge.EdgeDatasets edgeDatasets(String node) {
        return edges.get(node).getCamelContext().getRegistry().lookupByNameAndType("edgeDatasets", io.edgeai.sync.edge.EdgeDatasets.class);
    }

    void stopEdge(String node) throws Exception {
        edges.remove(node).stop();
    }

    Path stateDir(String node) {
        return home.resolve("state-" + node);
    }

    Path savedDataset(String node, String namespace, String name) {
        return stateDir(node).resolve("datasets").resolve(namespace).resolve(name + ".json");
    }

    Dataset createDataset(String name, String dataUrl, String format, String node) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
        dataset.setSpec(new DatasetSpec(dataUrl, format, node));
        return kube().resources(Dataset.class).inNamespace("default").resource(dataset).create();
    }

    Dataset dataset(String name) {
        return kube().resources(Dataset.class).inNamespace("default").withName(name).get();
    }

    Model createModel(String name, String modelUrl) {
        Model model = new Model();
        model.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
        model.setSpec(new ModelSpec(modelUrl, "pb"));
        return kube().resources(Model.class).inNamespace("default").resource(model).create();
    }

    Model model(String name) {
        return kube().resources(Model.class).inNamespace("default").withName(name).get();
    }

    /** Subscribes as an arbitrary client and collects what arrives on {@code filter} as topic=payload. */
    MqttClient subscribeRaw(String filter, java.util.List<String> into) throws Exception {
        MqttClient client = new MqttClient(broker.url(), "test-sub-" + System.nanoTime(), new MemoryPersistence());
        client.connect();
        client.subscribe(filter, 1, (topic, message) -> into.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8)));
        return client;
    }

    /** Publishes {@code payloads} on one topic as fast as one client can (retained, QoS 1, as an edge does): a node flooding its own topic. */
    void flood(String topic, java.util.List<String> payloads) throws Exception {
        try (MqttClient client = new MqttClient(broker.url(), "test-flood-" + System.nanoTime(), new MemoryPersistence())) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(65_535);
            client.connect(options);
            for (String payload : payloads) {
                MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                message.setRetained(true);
                client.publish(topic, message);
            }
            client.disconnect();
        }
    }

    /** Publishes as an arbitrary MQTT client would: what a misbehaving or spoofing node can send. */
    void publishRaw(String topic, String payload, boolean retained) throws Exception {
        try (MqttClient client = new MqttClient(broker.url(), "test-raw-" + System.nanoTime(), new MemoryPersistence())) {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            client.connect(options);
            MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            message.setRetained(retained);
            client.publish(topic, message);
            client.disconnect();
        }
    }

    @Override
    public void close() throws Exception {
        for (Main edge : edges.values()) {
            edge.stop();
        }
        cloud.stop();
        api.close();
        broker.close();
        objects.close();
        s3.close();
        io.edgeai.sync.local.ScratchDir.deleteTree(home);
    }
}
