package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.mqtt.Outgoing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's other routes, each file as shipped: routes/edge/model-downstream.yaml (the models meant
 * for every node), dataset-watch.yaml (a data root's file watcher, from its template, on a real
 * directory) and routes/common/mqtt-publish.yaml (an outgoing message as a retained MQTT publish).
 */
class EdgeModelAndFileRoutesRouteTest extends RouteFileTest {
    @TempDir
    Path root;

    @Override
    List<String> routeFiles() {
        return List.of("edge/model-downstream.yaml", "edge/dataset-watch.yaml", "common/mqtt-publish.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("edgeModels", new Object() {
            public void onManifest(String topic, io.edgeai.sync.mqtt.Messages.Manifest manifest) {
                calls.add("edgeModels.onManifest(" + topic + ", " + manifest.items() + ")");
            }

            public void onModel(String topic, io.edgeai.sync.mqtt.Messages.DesiredModel model) {
                calls.add("edgeModels.onModel(" + topic + ")");
            }

            public void onTombstone(String topic) {
                calls.add("edgeModels.onTombstone(" + topic + ")");
            }

            public void onFileEvent(String path) {
                calls.add("edgeModels.onFileEvent(" + path + ")");
            }
        });
        registry.bind("edgeDatasets", new Object() {
            public void onFileEvent(String path) {
                calls.add("edgeDatasets.onFileEvent(" + path + ")");
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        advise("model-downstream", route -> route.replaceFromWith("direct:models"));
        advise("mqtt-publish", route -> route.weaveByToUri("paho:*").replace().to("mock:broker"));
        context.start();
    }

    @Test
    void theSharedModelsTopicsGoToTheModelsReadFromJson() {
        template.sendBodyAndHeader("direct:models", "{\"items\":[\"ns/m\"],\"issuedAt\":1}".getBytes(StandardCharsets.UTF_8), "CamelMqttTopic",
            "edgeai/models/manifest");
        assertThat(calls).containsExactly("edgeModels.onManifest(edgeai/models/manifest, [ns/m])");
    }

    @Test
    void aFileChangedUnderADataRootIsToldToTheDatasetsThenTheModels() throws Exception {
        String routeId = TemplatedRouteBuilder.builder(context, "dataset-watch").routeId("dataset-watch-0")
            .parameter("root", root.toString()).add();
        context.getRouteController().startRoute(routeId);
        Path file = root.resolve("index.txt");

        // the watcher registers asynchronously: write until it has seen a change
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Files.writeString(file, "a\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return calls.contains("edgeModels.onFileEvent(" + file + ")");
        });
        int datasets = calls.indexOf("edgeDatasets.onFileEvent(" + file + ")");
        assertThat(datasets).as("the datasets first").isGreaterThanOrEqualTo(0).isLessThan(calls.indexOf("edgeModels.onFileEvent(" + file + ")"));
    }

    /** Issue 12, item 1: a protocol record is written as JSON in the route, with the protocol's mapper; a flag and a tombstone go as they are. */
    @Test
    void anOutgoingMessageIsPublishedOnItsTopicAsJsonAsTextOrEmpty() throws Exception {
        MockEndpoint broker = getMockEndpoint("mock:broker");
        broker.expectedMessageCount(3);
        io.edgeai.sync.mqtt.Messages.Manifest manifest = new io.edgeai.sync.mqtt.Messages.Manifest(List.of("ns/a", "ns/b"), 42);

        template.sendBody("direct:mqtt-publish", Outgoing.json("edgeai/nodes/edge0/desired/manifest", manifest));
        template.sendBody("direct:mqtt-publish", Outgoing.text("edgeai/nodes/edge0/online", "online"));
        template.sendBody("direct:mqtt-publish", Outgoing.tombstone("edgeai/nodes/edge0/status/datasets/ns/gone"));

        broker.assertIsSatisfied();
        assertThat(broker.getExchanges()).extracting(exchange -> exchange.getMessage().getHeader("CamelPahoOverrideTopic") + "="
                + new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8))
            .containsExactly("edgeai/nodes/edge0/desired/manifest={\"items\":[\"ns/a\",\"ns/b\"],\"issuedAt\":42}",
                "edgeai/nodes/edge0/online=online", "edgeai/nodes/edge0/status/datasets/ns/gone=");
        assertThat(broker.getExchanges().get(0).getMessage().getBody(byte[].class))
            .as("the bytes a retained copy is compared with").isEqualTo(Outgoing.json("t", manifest).payload());
    }
}
