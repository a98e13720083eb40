package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.cloud.ManifestDue;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import java.util.List;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cloud's other sources of desired state, each file as shipped: routes/cloud/dataset-downstream.yaml
 * (a Dataset event), desired-state-reconcile.yaml (once at start), desired-state-repair.yaml (what
 * the broker did not take) and manifest-resync.yaml (every manifest again). Each sends what its bean
 * returns, one message at a time and in order, to desired-state-publish.
 */
class CloudDesiredStateSourcesRouteTest extends RouteFileTest {
    private static final List<String> ROUTES = List.of("dataset-downstream", "desired-state-reconcile", "desired-state-repair", "manifest-resync");

    @Override
    List<String> routeFiles() {
        return ROUTES.stream().map(route -> "cloud/" + route + ".yaml").toList();
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("datasetDownstream", new Object() {
            public List<Object> messagesFor(String event) {
                if (event.equals("bad")) {
                    throw new RejectedMessage("dataset ns/bad names no valid node");
                }
                return List.of(Outgoing.tombstone("edgeai/nodes/edge0/desired/datasets/ns/" + event), ManifestDue.datasetsOf("edge0"));
            }
        });
        registry.bind("desiredStateReconciler", new Object() {
            public List<Object> atStart() {
                return List.of(ManifestDue.datasetsOf("edge1"), Outgoing.tombstone("edgeai/models/desired/ns/gone"));
            }
        });
        registry.bind("desiredStateRepair", new Object() {
            public List<Object> due() {
                return List.of(Outgoing.tombstone("edgeai/nodes/edge2/desired/datasets/ns/d"));
            }
        });
        registry.bind("manifests", new Object() {
            public List<ManifestDue> all() {
                return List.of(ManifestDue.datasetsOf("edge0"), ManifestDue.models());
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        replaceFromsAndMock(ROUTES, "direct:desired-state-publish");
        context.start();
    }

    private List<Object> published(String route, Object body, int expected) throws Exception {
        MockEndpoint publish = getMockEndpoint("mock:desired-state-publish");
        publish.reset();
        publish.expectedMessageCount(expected);
        template.sendBody("direct:" + route, body);
        publish.assertIsSatisfied();
        return publish.getExchanges().stream().map(exchange -> exchange.getMessage().getBody())
            .map(message -> message instanceof Outgoing out ? (Object) (out.topic() + (out.isTombstone() ? " (tombstone)" : "")) : message)
            .toList();
    }

    @Test
    void aDatasetEventsMessagesArePublishedInOrderAndARefusedOneIsLogged() throws Exception {
        assertThat(published("dataset-downstream", "d", 2))
            .containsExactly("edgeai/nodes/edge0/desired/datasets/ns/d (tombstone)", ManifestDue.datasetsOf("edge0"));
        assertThat(published("dataset-downstream", "bad", 0)).isEmpty();
        assertThat(refused).containsExactly("dataset-downstream: dataset ns/bad names no valid node");
    }

    @Test
    void theStartUpCorrectionsThePendingRepairsAndTheResyncArePublished() throws Exception {
        assertThat(published("desired-state-reconcile", null, 2))
            .containsExactly(ManifestDue.datasetsOf("edge1"), "edgeai/models/desired/ns/gone (tombstone)");
        assertThat(published("desired-state-repair", null, 1)).containsExactly("edgeai/nodes/edge2/desired/datasets/ns/d (tombstone)");
        assertThat(published("manifest-resync", null, 2)).containsExactly(ManifestDue.datasetsOf("edge0"), ManifestDue.models());
    }
}
