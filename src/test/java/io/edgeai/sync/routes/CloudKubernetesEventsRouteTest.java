package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.cloud.KubernetesEvents;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import java.util.List;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/cloud/kubernetes-events.yaml: each due Event call goes to camel-kubernetes'
 * kubernetes-events endpoint with its operation, namespace and name in the headers and the Event as
 * the body; a call the API refuses is handed back (to be tried again later), and the others still go.
 */
class CloudKubernetesEventsRouteTest extends RouteFileTest {
    private final List<String> failed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    List<String> routeFiles() {
        return List.of("cloud/kubernetes-events.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("kubernetesEvents", new Object() {
            public List<KubernetesEvents.Call> due() {
                return List.of(call("createEvent", "refused"), call("updateEvent", "d.series"));
            }

            public void failed(KubernetesEvents.Call call, String reason) {
                failed.add(call.name() + ": " + reason);
            }
        });
        registry.bind("kubernetesClient", new Object());
    }

    private static KubernetesEvents.Call call(String operation, String name) {
        return new KubernetesEvents.Call(operation, "ns", name, new EventBuilder().withNewMetadata().withName(name).endMetadata());
    }

    @BeforeEach
    void start() throws Exception {
        advise("kubernetes-events", route -> {
            route.replaceFromWith("direct:tick");
            route.weaveByToUri("kubernetes-events*").replace().to("mock:api");
        });
        context.start();
    }

    @Test
    void eachDueEventGoesToTheEndpointWithItsHeadersAndARefusedOneIsHandedBack() throws Exception {
        MockEndpoint api = getMockEndpoint("mock:api");
        api.expectedMessageCount(2);
        api.whenExchangeReceived(1, exchange -> {
            throw new IllegalStateException("403 Forbidden");
        });

        template.sendBody("direct:tick", null);

        api.assertIsSatisfied();
        assertThat(api.getExchanges()).extracting(exchange -> exchange.getMessage().getHeader("CamelKubernetesOperation") + " "
                + exchange.getMessage().getHeader("CamelKubernetesNamespaceName") + "/" + exchange.getMessage().getHeader("CamelKubernetesEventName"))
            .containsExactly("createEvent ns/refused", "updateEvent ns/d.series");
        assertThat(api.getExchanges().get(1).getMessage().getBody()).isInstanceOf(EventBuilder.class);
        assertThat(failed).containsExactly("refused: 403 Forbidden");
    }
}
