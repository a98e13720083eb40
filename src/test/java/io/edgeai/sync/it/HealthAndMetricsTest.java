package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.LoopbackPorts;
import io.edgeai.sync.SyncApp;
import io.edgeai.sync.local.EmbeddedBroker;
import io.edgeai.sync.local.LocalKubernetesApi;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: both processes answer Kubernetes probes and Prometheus scrapes on the management server:
 * ready means the broker can be reached (and, for the cloud, its caches have listed); the metrics say
 * how many datasets are ready and why not, and what the status path and the recounts did.
 */
class HealthAndMetricsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static boolean answers(int port, String path, int status, String contains) {
        try {
            HttpResponse<String> response = get(port, path);
            return response.statusCode() == status && response.body().contains(contains);
        } catch (Exception e) {
            return false;
        }
    }

    private static Dataset dataset(String name, Path file) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName(name).build());
        dataset.setSpec(new DatasetSpec(file.toString(), "txt", "edge0"));
        return dataset;
    }

    @Test
    void probesAndScrapesSayWhatIsGoingOn(@TempDir Path home) throws Exception {
        int cloudPort = LoopbackPorts.free();
        int edgePort = LoopbackPorts.free();
        int brokerPort = LoopbackPorts.free();
        Path data = Files.createDirectories(home.resolve("data"));
        Files.writeString(data.resolve("index.txt"), "a\nb\n");
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            EmbeddedBroker broker = new EmbeddedBroker(brokerPort);
            Properties cloudProps = new Properties();
            cloudProps.setProperty("edgeai.mqtt.url", broker.url());
            cloudProps.setProperty("edgeai.cloud.leader-election", "false");
            cloudProps.setProperty("camel.management.port", String.valueOf(cloudPort));
            Properties edgeProps = new Properties();
            edgeProps.setProperty("edgeai.mqtt.url", broker.url());
            edgeProps.setProperty("edgeai.node-name", "edge0");
            edgeProps.setProperty("edgeai.edge.data-roots", data.toString());
            edgeProps.setProperty("edgeai.edge.state-dir", home.resolve("state").toString());
            edgeProps.setProperty("edgeai.edge.presence-period-ms", "200");
            edgeProps.setProperty("camel.management.port", String.valueOf(edgePort));
            Main cloud = SyncApp.create(SyncApp.CLOUD, cloudProps, api.client());
            Main edge = SyncApp.create(SyncApp.EDGE, edgeProps, null);
            cloud.start();
            edge.start();
            try {
                api.client().resource(dataset("counted", data.resolve("index.txt"))).create();
                api.client().resource(dataset("missing", data.resolve("nowhere.txt"))).create();

                await().atMost(Duration.ofSeconds(20)).until(() -> answers(cloudPort, "/observe/health/ready", 200, "UP"));
                await().atMost(Duration.ofSeconds(20)).until(() -> answers(edgePort, "/observe/health/ready", 200, "UP"));
                // the census of datasets is taken at most every 5 s
                await().atMost(Duration.ofSeconds(30)).until(() -> answers(cloudPort, "/observe/metrics", 200,
                    "edgeai_datasets{reason=\"Counted\"} 1.0") && answers(cloudPort, "/observe/metrics", 200,
                    "edgeai_datasets{reason=\"PathNotFound\"} 1.0"));
                // the node's online flag arrives on its own subscription, not with the counts
                await().atMost(Duration.ofSeconds(20)).until(() -> answers(cloudPort, "/observe/metrics", 200, "edgeai_nodes_online 1.0"));
                String cloudMetrics = get(cloudPort, "/observe/metrics").body();
                assertThat(cloudMetrics).contains("edgeai_status_reports_total{outcome=\"written\"}")
                    .contains("edgeai_mqtt_broker_reachable 1.0").contains("routeId=\"status-write\"");
                String edgeMetrics = get(edgePort, "/observe/metrics").body();
                assertThat(edgeMetrics).contains("edgeai_edge_datasets 2.0").contains("edgeai_edge_recount_seconds_count")
                    .contains("edgeai_edge_statuses_undelivered 0.0").contains("edgeai_edge_changes_coalesced_total");
                // the counted file is "a\nb\n": each count of it reads its 4 bytes (the missing one reads none)
                java.util.regex.Matcher bytes = java.util.regex.Pattern.compile("edgeai_edge_counted_bytes_total (\\d+)\\.0").matcher(edgeMetrics);
                assertThat(bytes.find()).as(edgeMetrics).isTrue();
                assertThat(Long.parseLong(bytes.group(1))).isPositive().satisfies(read -> assertThat(read % 4).isZero());

                // a status that does not parse is refused in the cloud's status route, and counted
                try (org.eclipse.paho.client.mqttv3.MqttClient spoof = new org.eclipse.paho.client.mqttv3.MqttClient(broker.url(), "malformed-edge",
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence())) {
                    spoof.connect();
                    spoof.publish("edgeai/nodes/edge0/status/datasets/default/counted", "{\"numberOfSamples\":".getBytes(), 1, false);
                    spoof.disconnect();
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> answers(cloudPort, "/observe/metrics", 200, "edgeai_messages_refused_total 1.0"));

                broker.close(); // the edge's next presence publish finds no broker
                await().atMost(Duration.ofSeconds(20)).until(() -> answers(edgePort, "/observe/health/ready", 503, "mqtt-broker"));
                assertThat(get(edgePort, "/observe/health/ready").body().replace("\\", "")).contains("cannot reach the MQTT broker at " + broker.url());
                assertThat(get(edgePort, "/observe/health/live").statusCode()).as("alive: restarting would not bring the broker back")
                    .isEqualTo(200);
                assertThat(get(edgePort, "/observe/metrics").body()).contains("edgeai_mqtt_broker_reachable 0.0");

                broker = new EmbeddedBroker(brokerPort);
                await().atMost(Duration.ofSeconds(20)).until(() -> answers(edgePort, "/observe/health/ready", 200, "UP"));
                broker.close();
            } finally {
                edge.stop();
                cloud.stop();
            }
        }
    }
}
