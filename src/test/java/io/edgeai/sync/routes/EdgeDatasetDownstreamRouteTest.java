package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DesiredDataset;
import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Messages.Manifest;
import io.edgeai.sync.mqtt.Received;
import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/edge/dataset-downstream.yaml: this node's desired state, handed to lanes, then by the topic's
 * kind to the datasets or (issue 13) to the models (model-downstream.yaml's model-desired), read from
 * JSON into the protocol's types in the route (issue 12); what does not parse is refused.
 */
class EdgeDatasetDownstreamRouteTest extends RouteFileTest {
    private final List<Received> handedOff = new CopyOnWriteArrayList<>();

    @Override
    List<String> routeFiles() {
        return List.of("edge/dataset-downstream.yaml", "edge/model-downstream.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("desiredDatasetLanes", new Object() {
            public void handOff(Received message) {
                handedOff.add(message);
            }
        });
        registry.bind("edgeDatasets", new Object() {
            public void onDataset(String topic, DesiredDataset dataset) {
                calls.add("dataset " + (dataset == null ? "null" : dataset.key() + " on " + dataset.spec().getNodeName()));
            }

            public void onManifest(String topic, Manifest manifest) {
                calls.add("dataset manifest " + manifest.items());
            }

            public void onTombstone(String topic) {
                calls.add("dataset tombstone " + topic);
            }
        });
        registry.bind("edgeModels", new Object() {
            public void onModel(String topic, DesiredModel model) {
                calls.add("model " + model.key() + " for " + model.spec().getNodeNames());
            }

            public void onManifest(String topic, Manifest manifest) {
                calls.add("models manifest " + manifest.items());
            }

            public void onTombstone(String topic) {
                calls.add("model tombstone " + topic);
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        advise("dataset-downstream", route -> route.replaceFromWith("direct:mqtt"));
        advise("model-downstream", route -> route.replaceFromWith("direct:shared-models"));
        context.start();
    }

    private void deliver(String topic, String payload) {
        template.sendBodyAndHeader("direct:dataset-desired", payload.getBytes(StandardCharsets.UTF_8), "CamelMqttTopic", topic);
    }

    private static String json(Object value) {
        return Json.string(value);
    }

    @Test
    void whatTheBrokerDeliversIsHandedToTheLanesWithItsTopic() {
        template.sendBodyAndHeader("direct:mqtt", "{}".getBytes(StandardCharsets.UTF_8), "CamelMqttTopic", "edgeai/nodes/edge0/desired/manifest");

        assertThat(handedOff).singleElement().satisfies(message -> {
            assertThat(message.topic()).isEqualTo("edgeai/nodes/edge0/desired/manifest");
            assertThat(message.payload()).asString(StandardCharsets.UTF_8).isEqualTo("{}");
        });
    }

    @Test
    void eachKindOfTopicIsReadIntoItsTypeAndGoesToTheDatasetsOrTheModels() {
        ModelSpec named = new ModelSpec("/data/m.onnx", "onnx");
        named.setNodeNames(List.of("edge0"));
        deliver("edgeai/nodes/edge0/desired/datasets/ns/d", json(new DesiredDataset("ns", "d", "u", 1, new DatasetSpec("/data/d", "txt", "edge0"), 5)));
        deliver("edgeai/nodes/edge0/desired/manifest", json(new Manifest(List.of("ns/d"), 6)));
        deliver("edgeai/nodes/edge0/desired/datasets/ns/gone", "");
        deliver("edgeai/nodes/edge0/desired/models/ns/m", json(new DesiredModel("ns", "m", "u", 1, named, 7)));
        deliver("edgeai/nodes/edge0/desired/models/manifest", json(new Manifest(List.of("ns/m"), 8)));
        deliver("edgeai/nodes/edge0/desired/models/ns/old", "");
        deliver("edgeai/nodes/edge0/desired/datasets/models/manifest", // a dataset named manifest in namespace models
            json(new DesiredDataset("models", "manifest", "u", 1, new DatasetSpec("/data/m", "txt", "edge0"), 9)));
        template.sendBodyAndHeader("direct:shared-models", json(new Manifest(List.of(), 10)).getBytes(StandardCharsets.UTF_8),
            "CamelMqttTopic", "edgeai/models/manifest");

        assertThat(calls).containsExactly("dataset ns/d on edge0", "dataset manifest [ns/d]", "dataset tombstone edgeai/nodes/edge0/desired/datasets/ns/gone",
            "model ns/m for [edge0]", "models manifest [ns/m]", "model tombstone edgeai/nodes/edge0/desired/models/ns/old",
            "dataset models/manifest on edge0", "models manifest []");
    }

    @Test
    void aMessageThatIsNotJsonOfItsTypeIsRefusedWithItsReasonAndTheRouteGoesOn() {
        deliver("edgeai/nodes/edge0/desired/datasets/ns/bad", "{\"namespace\": [");
        deliver("edgeai/nodes/edge0/desired/manifest", "{\"items\": \"not a list\"}");
        deliver("edgeai/nodes/edge0/desired/datasets/ns/null", "null");
        deliver("edgeai/nodes/edge0/desired/datasets/ns/d", json(new DesiredDataset("ns", "d", "u", 1, new DatasetSpec("/data/d", "txt", "edge0"), 5)));

        assertThat(refused).hasSize(2).allMatch(reason -> reason.startsWith("dataset-desired: malformed JSON on edgeai/nodes/edge0/desired/"));
        assertThat(calls).as("JSON null reaches the bean, which refuses it").containsExactly("dataset null", "dataset ns/d on edge0");
    }
}
