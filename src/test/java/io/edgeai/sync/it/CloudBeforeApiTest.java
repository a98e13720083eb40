package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.CapturedConsole;
import io.edgeai.sync.LoopbackPorts;
import io.edgeai.sync.SyncApp;
import io.edgeai.sync.local.EmbeddedBroker;
import io.edgeai.sync.local.LocalKubernetesApi;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.main.Main;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/** A cloud started before its Kubernetes API server says so, and converges once the API is there. */
class CloudBeforeApiTest {

    @Test
    void aCloudStartedBeforeItsApiServerSaysSoAndConvergesWhenItComes() throws Exception {
        int port = LoopbackPorts.free();
        String apiUrl = "http://127.0.0.1:" + port;
        Set<String> desired = ConcurrentHashMap.newKeySet();
        try (CapturedConsole log = new CapturedConsole();
             EmbeddedBroker broker = new EmbeddedBroker(0);
             KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(apiUrl)
                 .withRequestRetryBackoffLimit(0).build()).build();
             MqttClient edge = new MqttClient(broker.url(), "watching-edge", new MemoryPersistence())) {
            edge.connect();
            edge.subscribe("edgeai/nodes/edge0/desired/#", 1, (topic, message) -> desired.add(topic));
            Properties props = new Properties();
            props.setProperty("camel.management.port", "0"); // health and metrics on any free port: many processes share this JVM
            props.setProperty("edgeai.mqtt.url", broker.url());
            props.setProperty("edgeai.cloud.leader-election", "false"); // one cloud, even where the tests run in a pod
            Main cloud = SyncApp.create(SyncApp.CLOUD, props, client);
            cloud.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> log.text().lines()
                    .anyMatch(line -> line.contains("ERROR") && line.contains("cannot list datasets") && line.contains(apiUrl)));
                assertThat(log.text().lines().filter(line -> line.contains("cannot list datasets")))
                    .as("once per outage, not per retry").hasSize(1);

                try (LocalKubernetesApi api = new LocalKubernetesApi(port)) {
                    Dataset dataset = new Dataset();
                    dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("late").build());
                    dataset.setSpec(new DatasetSpec("/data/late.txt", "txt", "edge0"));
                    api.client().resource(dataset).create();

                    await().atMost(Duration.ofSeconds(60)).until(() -> desired.contains("edgeai/nodes/edge0/desired/datasets/default/late"));
                    await().atMost(Duration.ofSeconds(10)).until(() -> log.text()
                        .contains("datasets in all namespaces are listed and watched again at " + apiUrl));
                }
            } finally {
                cloud.stop();
                edge.disconnect();
            }
        }
    }
}
