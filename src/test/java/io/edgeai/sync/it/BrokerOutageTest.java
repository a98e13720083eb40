package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.edgeai.sync.CapturedConsole;
import io.edgeai.sync.LoopbackPorts;
import io.edgeai.sync.SyncApp;
import io.edgeai.sync.local.EmbeddedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that cannot be reached is one warning per outage, naming the broker, whether the edge
 * starts while it is down or it goes away while the edge runs; the edge says when it is back and
 * stops at once when told to while it is down.
 */
class BrokerOutageTest {

    /** An edge's settings: node edge0, its data under home, its online flag published every {@code presenceMillis}. */
    private static Properties edge(Path home, String brokerUrl, int presenceMillis) throws java.io.IOException {
        Properties props = new Properties();
        props.setProperty("camel.management.port", "0"); // health and metrics on any free port: many processes share this JVM
        props.setProperty("edgeai.mqtt.url", brokerUrl);
        props.setProperty("edgeai.node-name", "edge0");
        props.setProperty("edgeai.edge.data-roots", Files.createDirectories(home.resolve("data")).toString());
        props.setProperty("edgeai.edge.state-dir", home.resolve("state").toString());
        props.setProperty("edgeai.edge.presence-period-ms", String.valueOf(presenceMillis));
        return props;
    }

    @Test
    void anUnreachableBrokerIsOneWarningPerOutage(@TempDir Path home) throws Exception {
        int port = LoopbackPorts.free();
        String url = "tcp://127.0.0.1:" + port;
        try (CapturedConsole log = new CapturedConsole()) {
            Properties props = edge(home, url, 200);
            props.setProperty("edgeai.mqtt.username", "edge0");
            props.setProperty("edgeai.mqtt.password", "s3cret-password");
            Main edge = SyncApp.create(SyncApp.EDGE, props, null);
            edge.start();
            String warning = "cannot reach the MQTT broker at " + url;
            await().atMost(Duration.ofSeconds(20)).until(() -> log.text().contains(warning));
            // several routes retry every 2 s: still one warning after a few rounds
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() -> log.linesWith(warning) == 1);

            try (EmbeddedBroker broker = new EmbeddedBroker(port)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> log.text().contains("the MQTT broker at " + url + " is reachable again"));
            }
            // the broker is gone again: told to stop, the edge stops at once, its publishes given up
            assertTimeoutPreemptively(Duration.ofSeconds(8), edge::stop, "stopping while the broker is down");
            assertThat(log.text()).doesNotContain("s3cret-password")
                .as("no stack trace for what a stop refuses").doesNotContain("RejectedExecutionException");
        }
    }

    @Test
    void aBrokerLostWhileRunningIsOneWarningNotOnePerMessage(@TempDir Path home) throws Exception {
        int port = LoopbackPorts.free();
        String url = "tcp://127.0.0.1:" + port;
        try (CapturedConsole log = new CapturedConsole()) {
            Properties props = edge(home, url, 100);
            Main edge;
            try (EmbeddedBroker broker = new EmbeddedBroker(port)) {
                edge = SyncApp.create(SyncApp.EDGE, props, null);
                edge.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> java.util.regex.Pattern.compile("Routes startup \\(total:(\\d+) started:\\1\\)").matcher(log.text()).find());
            }
            String warning = "cannot reach the MQTT broker at " + url;
            await().atMost(Duration.ofSeconds(20)).until(() -> log.text().contains(warning));
            // the online flag is published every 100 ms: dozens of refused publishes, one line
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> log.linesWith(warning) == 1);
            assertThat(log.text()).as("no line per message and attempt").doesNotContain("Failed delivery")
                .doesNotContain("failed in mqtt-publish");

            try (EmbeddedBroker broker = new EmbeddedBroker(port)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> log.text().contains("the MQTT broker at " + url + " is reachable again"));
                edge.stop();
            }
            assertThat(log.linesWith(warning)).isEqualTo(1);
        }
    }

    /**
     * The broker drops a client's connection between its CONNACK and its SUBACK: the route that
     * subscribes fails to start and is started again with a new client. The first client is closed, so
     * it does not reconnect under the same client id and take the session from the new one (which,
     * with Camel's consumer, went on every second or two, a stack trace each time).
     */
    @Test
    void aConnectionDroppedBeforeItsSubscriptionLeavesNoClientReconnectingBehind(@TempDir Path home) throws Exception {
        try (EmbeddedBroker broker = new EmbeddedBroker(LoopbackPorts.free()); TcpProxy proxy = new TcpProxy(broker.url());
             CapturedConsole log = new CapturedConsole()) {
            proxy.dropAtSubscribe(1);
            Main edge = SyncApp.create(SyncApp.EDGE, edge(home, proxy.url(), 1000), null);
            edge.start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> log.text().contains("the MQTT broker at " + proxy.url() + " is reachable again"));
                int connections = proxy.accepted();
                // a client left reconnecting comes back within a second, and again at every takeover
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> proxy.accepted() == connections);
                // the outage's one warning names the cause (EOFException); no stack trace
                assertThat(log.text()).doesNotContain("resubscribe failed").doesNotContain("\tat ");
            } finally {
                edge.stop();
            }
        }
    }
}
