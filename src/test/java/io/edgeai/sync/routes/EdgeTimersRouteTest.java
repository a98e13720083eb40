package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Outgoing;
import java.util.List;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's timed routes, each file as shipped: routes/edge/safety-recount.yaml,
 * state-save-retry.yaml, status-upstream.yaml (and status-resend), node-presence.yaml and
 * remote-poll.yaml. A tick
 * calls the datasets first and the models after, and a failure of one does not stop the route.
 */
class EdgeTimersRouteTest extends RouteFileTest {
    @Override
    List<String> routeFiles() {
        return List.of("edge/safety-recount.yaml", "edge/state-save-retry.yaml", "edge/status-upstream.yaml", "edge/node-presence.yaml",
            "edge/remote-poll.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("edgeDatasets", new Object() {
            public void verifyAll() {
                calls.add("edgeDatasets.verifyAll");
            }

            public void retryUnsaved() {
                calls.add("edgeDatasets.retryUnsaved");
                throw new IllegalStateException("state directory is read-only");
            }

            public void resendUndelivered() {
                calls.add("edgeDatasets.resendUndelivered");
            }

            public void pollRemote() {
                calls.add("edgeDatasets.pollRemote");
            }
        });
        registry.bind("edgeModels", new Object() {
            public void forwardAll() {
                calls.add("edgeModels.forwardAll");
            }

            public void pollRemote() {
                calls.add("edgeModels.pollRemote");
            }

            public void retryUnsaved() {
                calls.add("edgeModels.retryUnsaved");
            }

            public void resendUndelivered() {
                calls.add("edgeModels.resendUndelivered");
            }
        });
        registry.bind("nodePresence", new Object() {
            public Outgoing online() {
                return Outgoing.json("edgeai/nodes/edge0/online", "online");
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        replaceFromsAndMock(List.of("safety-recount", "state-save-retry", "status-resend", "node-presence", "remote-poll"), "direct:mqtt-publish");
        advise("status-upstream", route -> route.weaveByToUri("direct:mqtt-publish").replace().to("mock:mqtt-publish"));
        context.start();
    }

    @Test
    void theSafetyPassRecountsTheDatasetsThenJudgesTheModels() {
        template.sendBody("direct:safety-recount", null);
        assertThat(calls).containsExactly("edgeDatasets.verifyAll", "edgeModels.forwardAll");
    }

    /** Issue 11: each tick asks the datasets, then the models, which remote ones are due (RemotePolls spreads them over the period). */
    @Test
    void theRemotePollTickAsksTheDatasetsThenTheModelsForTheDuePolls() {
        template.sendBody("direct:remote-poll", null);
        template.sendBody("direct:remote-poll", null);
        assertThat(calls).containsExactly("edgeDatasets.pollRemote", "edgeModels.pollRemote", "edgeDatasets.pollRemote", "edgeModels.pollRemote");
    }

    @Test
    void theStatusResendAsksTheDatasetsThenTheModels() {
        template.sendBody("direct:status-resend", null);
        assertThat(calls).containsExactly("edgeDatasets.resendUndelivered", "edgeModels.resendUndelivered");
    }

    /** A save that fails is retried (and logged) by the error handling; the route goes on to its next tick. */
    @Test
    void aFailedSaveRetryLeavesTheRouteRunning() {
        template.sendBody("direct:state-save-retry", null);
        template.sendBody("direct:state-save-retry", null);
        assertThat(calls).containsExactly("edgeDatasets.retryUnsaved", "edgeDatasets.retryUnsaved");
        assertThat(context.getRouteController().getRouteStatus("state-save-retry").isStarted()).isTrue();
    }

    @Test
    void statusesAndTheOnlineFlagGoToTheBrokerAsTheyCome() throws Exception {
        MockEndpoint publish = getMockEndpoint("mock:mqtt-publish");
        publish.expectedMessageCount(2);
        template.sendBody("direct:status-upstream", Outgoing.json("edgeai/nodes/edge0/status/datasets/ns/d", "{}"));
        template.sendBody("direct:node-presence", null);
        publish.assertIsSatisfied();
        assertThat(publish.getExchanges()).extracting(exchange -> exchange.getMessage().getBody(Outgoing.class).topic())
            .containsExactly("edgeai/nodes/edge0/status/datasets/ns/d", "edgeai/nodes/edge0/online");
    }
}
