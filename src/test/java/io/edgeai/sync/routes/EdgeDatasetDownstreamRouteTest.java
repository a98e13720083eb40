package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Received;
import io.edgeai.sync.mqtt.RejectedMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** routes/edge/dataset-downstream.yaml: this node's desired state, handed to lanes, then to the datasets or (issue 13) the models. */
class EdgeDatasetDownstreamRouteTest extends RouteFileTest {
    private final List<Received> handedOff = new CopyOnWriteArrayList<>();
    private final List<String> datasets = new CopyOnWriteArrayList<>();
    private final List<String> models = new CopyOnWriteArrayList<>();

    @Override
    List<String> routeFiles() {
        return List.of("edge/dataset-downstream.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("desiredDatasetLanes", new Object() {
            @SuppressWarnings("unused")
            public void handOff(Received message) {
                handedOff.add(message);
            }
        });
        registry.bind("edgeDatasets", new Object() {
            @SuppressWarnings("unused")
            public void onDesired(String topic, byte[] payload) {
                if (topic.endsWith("/refused")) {
                    throw new RejectedMessage("not a dataset topic: " + topic);
                }
                datasets.add(topic + "=" + new String(payload, StandardCharsets.UTF_8));
            }
        });
        registry.bind("edgeModels", new Object() {
            @SuppressWarnings("unused")
            public void onDesired(String topic, byte[] payload) {
                models.add(topic + "=" + new String(payload, StandardCharsets.UTF_8));
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        advise("dataset-downstream", route -> route.replaceFromWith("direct:mqtt"));
        context.start();
    }

    private void deliver(String topic, String payload) {
        template.sendBodyAndHeader("direct:dataset-desired", payload.getBytes(StandardCharsets.UTF_8), "CamelMqttTopic", topic);
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
    void datasetsAndTheirManifestGoToTheDatasetsAndThisNodesModelsToTheModels() {
        deliver("edgeai/nodes/edge0/desired/datasets/ns/d", "dataset");
        deliver("edgeai/nodes/edge0/desired/manifest", "manifest");
        deliver("edgeai/nodes/edge0/desired/models/ns/m", "model");
        deliver("edgeai/nodes/edge0/desired/models/manifest", "models manifest");
        deliver("edgeai/nodes/edge0/desired/datasets/models/manifest", "a dataset named manifest in namespace models");

        assertThat(datasets).containsExactly("edgeai/nodes/edge0/desired/datasets/ns/d=dataset", "edgeai/nodes/edge0/desired/manifest=manifest",
            "edgeai/nodes/edge0/desired/datasets/models/manifest=a dataset named manifest in namespace models");
        assertThat(models).containsExactly("edgeai/nodes/edge0/desired/models/ns/m=model",
            "edgeai/nodes/edge0/desired/models/manifest=models manifest");
    }

    @Test
    void aRefusedMessageIsLoggedWithItsReasonAndTheRouteGoesOn() {
        deliver("edgeai/nodes/edge0/desired/refused", "x");
        deliver("edgeai/nodes/edge0/desired/datasets/ns/d", "after");

        assertThat(refused).containsExactly("dataset-desired: not a dataset topic: edgeai/nodes/edge0/desired/refused");
        assertThat(datasets).containsExactly("edgeai/nodes/edge0/desired/datasets/ns/d=after");
    }
}
