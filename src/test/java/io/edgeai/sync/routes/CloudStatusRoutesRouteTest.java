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
 * The cloud's status path, each file as shipped: routes/cloud/status-upstream.yaml (a report checked,
 * read from JSON into its type and offered to the inbox, the writers woken only when it was taken;
 * held reports released), node-presence.yaml (a
 * node's flag, the presence check) and status-reread.yaml (every retained status read again: flags to
 * the presence, reports to the inbox).
 */
class CloudStatusRoutesRouteTest extends RouteFileTest {
    private static final List<String> SOURCES = List.of("status-upstream", "status-report", "status-held-release", "node-presence",
        "node-presence-check", "status-reread");

    @Override
    List<String> routeFiles() {
        return List.of("cloud/status-upstream.yaml", "cloud/node-presence.yaml", "cloud/status-reread.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("statusInbox", new Object() {
            public boolean admits(String topic, byte[] payload) {
                return !topic.endsWith("/refused");
            }

            /** Records the report's type as the route read it; "cleared" for an empty message. */
            public boolean offer(String topic, Object report, int bytes) {
                String read = report instanceof byte[] empty ? (empty.length == 0 ? "cleared" : "unread bytes") : report.getClass().getSimpleName();
                calls.add("statusInbox.offer(" + topic + ", " + read + ", " + bytes + " bytes)");
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
                    new RetainedReader.Retained("edgeai/nodes/edge0/status/datasets/ns/d", DATASET_REPORT.getBytes(StandardCharsets.UTF_8)),
                    new RetainedReader.Retained("edgeai/nodes/edge0/status/datasets/ns/malformed", "{\"name\":".getBytes(StandardCharsets.UTF_8)),
                    new RetainedReader.Retained("edgeai/nodes/edge0/status/datasets/ns/unchanged", DATASET_REPORT.getBytes(StandardCharsets.UTF_8)));
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        replaceFromsAndMock(SOURCES, "seda:status-writes");
        context.start();
    }

    /** The least a dataset report must carry to be read (its primitive fields). */
    private static final String DATASET_REPORT = "{\"observedGeneration\":1}";

    private void report(String route, String topic, String payload) {
        template.sendBodyAndHeader("direct:" + route, payload.getBytes(StandardCharsets.UTF_8), "CamelMqttTopic", topic);
    }

    @Test
    void aReportTakenByTheInboxWakesAWriterAndOneItDidNotTakeDoesNot() throws Exception {
        MockEndpoint wake = getMockEndpoint("mock:status-writes");
        wake.expectedMessageCount(2);
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/d", DATASET_REPORT);
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/unchanged", DATASET_REPORT);
        report("node-presence", "edgeai/nodes/edge0/online", "offline");
        template.sendBody("direct:node-presence-check", null);
        wake.assertIsSatisfied();
        assertThat(calls).containsExactly("statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/d, DatasetReport, " + DATASET_REPORT.length() + " bytes)",
            "statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/unchanged, DatasetReport, " + DATASET_REPORT.length() + " bytes)",
            "presenceStatuses.heard(edgeai/nodes/edge0/online=offline)", "presenceStatuses.check");
    }

    /** Issue 12, item 1: each report is read into the protocol's type for its topic's kind, in the route. */
    @Test
    void eachReportIsReadIntoTheTypeOfItsTopicAndAClearedOneStaysEmpty() {
        String dataset = "{\"namespace\":\"ns\",\"name\":\"d\",\"uid\":\"u\",\"observedGeneration\":1,\"numberOfSamples\":7,\"newerField\":true}";
        String model = "{\"namespace\":\"ns\",\"name\":\"m\",\"metrics\":[]}";
        String copy = "{\"namespace\":\"ns\",\"name\":\"m\",\"generation\":1}";
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/d", dataset);
        report("status-upstream", "edgeai/nodes/edge0/status/models/ns/m", model);
        report("status-upstream", "edgeai/nodes/edge0/status/model-copies/ns/m", copy);
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/gone", "");
        assertThat(calls).containsExactly("statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/d, DatasetReport, " + dataset.length() + " bytes)",
            "statusInbox.offer(edgeai/nodes/edge0/status/models/ns/m, ModelReport, " + model.length() + " bytes)",
            "statusInbox.offer(edgeai/nodes/edge0/status/model-copies/ns/m, ModelCopyReport, " + copy.length() + " bytes)",
            "statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/gone, cleared, 0 bytes)");
        assertThat(refused).isEmpty();
    }

    @Test
    void aReportThatDoesNotParseOrIsNotAdmittedIsRefusedNeverOfferedAndTheRouteGoesOn() {
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/malformed", "{\"name\":");
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/wrong-type", "{\"numberOfSamples\":\"many\",\"observedGeneration\":1}");
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/refused", "not even JSON: the inbox refused it before it was read");
        report("status-upstream", "edgeai/nodes/edge0/status/datasets/ns/d", DATASET_REPORT);
        assertThat(refused).hasSize(2).allMatch(reason -> reason.startsWith("status-report: malformed JSON on edgeai/nodes/edge0/status/datasets/ns/"));
        assertThat(calls).containsExactly("statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/d, DatasetReport, " + DATASET_REPORT.length() + " bytes)");
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
            "statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/d, DatasetReport, " + DATASET_REPORT.length() + " bytes)",
            "statusInbox.offer(edgeai/nodes/edge0/status/datasets/ns/unchanged, DatasetReport, " + DATASET_REPORT.length() + " bytes)");
        assertThat(refused).as("one malformed report among them is refused, the rest go on").hasSize(1);
        assertThat(getMockEndpoint("mock:status-writes").getReceivedCounter()).as("only the report the inbox took wakes a writer").isEqualTo(1);
    }
}
