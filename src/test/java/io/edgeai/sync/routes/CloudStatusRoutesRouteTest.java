package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.cloud.RetainedReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cloud's status path, each file as shipped: routes/cloud/status-upstream.yaml (a report into
 * the inbox, the writers woken only when it was taken; held reports released), node-presence.yaml (a
 * node's flag, the presence check) and status-reread.yaml (every retained status read again: flags to
 * the presence, reports to the inbox).
 */
class CloudStatusRoutesRouteTest extends RouteFileTest {
    private static final List<String> SOURCES = List.of("status-upstream", "status-held-release", "node-presence", "node-presence-check",
        "status-reread");

    @Override
    List<String> routeFiles() {
        return List.of("cloud/status-upstream.yaml", "cloud/node-presence.yaml", "cloud/status-reread.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("statusInbox", new Object() {
            public boolean offer(String topic, byte[] payload) {
                calls.add("statusInbox.offer(" + topic + ")");
                return !topic.endsWith("/unchanged");
            }

            public boolean releaseDue() {
                calls.add("statusInbox.releaseDue");
                return true;
            }
        });
        registry.bind("statusWrites", new Object() {
            public void drain() {
                calls.add("statusWrites.drain");
            }
        });
        registry.bind("presenceStatuses", new Object() {
            public boolean heard(String topic, byte[] payload) {
                calls.add("presenceStatuses.heard(" + topic + "=" + new String(payload, StandardCharsets.UTF_8) + ")");
                return true;
            }

            public boolean check() {
                calls.add("presenceStatuses.check");
                return false;
            }

            public long now() {
                return 42;
            }

            public boolean reread(String topic, byte[] payload, long readSince) {
                calls.add("presenceStatuses.reread(" + topic + ", since " + readSince + ")");
                return false;
            }
        });
        registry.bind("statusReread", new Object() {
            public List<RetainedReader.Retained> retained() {
                return List.of(new RetainedReader.Retained("edgeai/nodes/edge0/online", "online".getBytes(StandardCharsets.UTF_8)),
                    new RetainedReader.Retained("edgeai/nodes/edge0/status/datasets/ns/d", "{}".getBytes(StandardCharsets.UTF_8)),
                    new RetainedReader.Retained("edgeai/nodes/edge0/status/datasets/ns/unchanged", "{}".getBytes(StandardCharsets.UTF_8)));
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        replaceFromsAndMock(SOURCES, "seda:status-writes");
        context.start();
    }

    private void report(String route, String topic, String payload) {
        template.sendBodyAndHeader("direct:" + route, payload.getBytes(StandardCharsets.UTF_8), "CamelMqttTopic", topic);
    }

    @Test
    void aReportTakenByTheInboxWakesAWriterAndOneItDidNotTakeDoesNot() throws Exception {
        MockEndpoint wake = getMockEndpoint("mock:status-writes");
        wake.expectedMessageCount(2);
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/d", "{}");
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/unchanged", "{}");
        report("node-presence", "edgeai/nodes/edge0/online", "offline");
        template.sendBody("direct:node-presence-check", null);
        wake.assertIsSatisfied();
        assertThat(calls).containsExactly("statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/d)",
            "statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/unchanged)", "presenceStatuses.heard(edgeai/nodes/edge0/online=offline)",
            "presenceStatuses.check");
    }

    @Test
    void aWokenWriterDrainsTheInboxAndHeldReportsAreReleasedOnTheirTimer() {
        template.sendBody("seda:status-writes", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.contains("statusWrites.drain"));
        template.sendBody("direct:status-held-release", null);
        assertThat(calls).contains("statusInbox.releaseDue");
        assertThat(getMockEndpoint("mock:status-writes").getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void theReReadSendsFlagsToThePresenceWithWhenItBeganAndReportsToTheInbox() {
        template.sendBody("direct:status-reread", null);
        assertThat(calls).containsExactly("presenceStatuses.reread(edgeai/nodes/edge0/online, since 42)",
            "statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/d)", "statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/unchanged)");
        assertThat(getMockEndpoint("mock:status-writes").getReceivedCounter()).as("only the report the inbox took wakes a writer").isEqualTo(1);
    }
}
