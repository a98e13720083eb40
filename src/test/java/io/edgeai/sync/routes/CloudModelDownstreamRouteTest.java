package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.cloud.ManifestDue;
import io.edgeai.sync.cloud.ResourceEvent;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.RejectedMessage;
import java.util.List;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.RoutePolicySupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/cloud/model-downstream.yaml and node-labels.yaml (issue 13): a Model event, or a Node's,
 * becomes the messages {@code modelDownstream} judges, each sent on to desired-state-publish in order.
 */
class CloudModelDownstreamRouteTest extends RouteFileTest {
    @Override
    List<String> routeFiles() {
        return List.of("cloud/model-downstream.yaml", "cloud/node-labels.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("leaderOnly", new RoutePolicySupport() {
        });
        registry.bind("modelDownstream", new Object() {
            @SuppressWarnings("unused")
            public List<Object> messagesFor(ResourceEvent<?> event) {
                if (event.after() == null) {
                    throw new RejectedMessage("refused on purpose");
                }
                return List.of(Outgoing.tombstone("edgeai/nodes/edge0/desired/models/ns/" + event.after()), ManifestDue.modelsOf("edge0"));
            }

            @SuppressWarnings("unused")
            public List<Object> nodeChanged(ResourceEvent<?> event) {
                return List.of(Outgoing.tombstone("edgeai/nodes/" + event.after() + "/desired/models/ns/m"));
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        replaceFromsAndMock(List.of("model-downstream", "node-labels"), "direct:desired-state-publish");
        context.start();
    }

    @Test
    void eachMessageJudgedForAModelOrANodeIsPublishedInOrder() throws Exception {
        MockEndpoint publish = getMockEndpoint("mock:desired-state-publish");
        publish.expectedMessageCount(3);

        template.sendBody("direct:model-downstream", new ResourceEvent<>(ResourceEvent.Type.ADDED, null, "m"));
        template.sendBody("direct:node-labels", new ResourceEvent<>(ResourceEvent.Type.UPDATED, "edge1", "edge1"));

        publish.assertIsSatisfied();
        assertThat(publish.getExchanges()).extracting(exchange -> exchange.getMessage().getBody())
            .map(body -> body instanceof Outgoing out ? out.topic() + (out.isTombstone() ? " (tombstone)" : "") : body)
            .containsExactly("edgeai/nodes/edge0/desired/models/ns/m (tombstone)", ManifestDue.modelsOf("edge0"),
                "edgeai/nodes/edge1/desired/models/ns/m (tombstone)");
    }

    @Test
    void aRefusedEventIsLoggedAndTheRouteGoesOn() throws Exception {
        MockEndpoint publish = getMockEndpoint("mock:desired-state-publish");
        publish.expectedMessageCount(2);

        template.sendBody("direct:model-downstream", new ResourceEvent<>(ResourceEvent.Type.DELETED, "gone", null));
        template.sendBody("direct:model-downstream", new ResourceEvent<>(ResourceEvent.Type.ADDED, null, "next"));

        publish.assertIsSatisfied();
        assertThat(refused).containsExactly("model-downstream: refused on purpose");
    }
}
