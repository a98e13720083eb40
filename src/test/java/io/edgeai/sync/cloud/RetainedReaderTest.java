package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.edgeai.sync.local.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.paho.PahoConfiguration;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * The periodic re-read ends once the retained burst is over, even while the broker keeps sending live
 * messages on the same topics (online flags every presence period): it read for its whole 5-minute
 * cap before, holding the re-read route.
 */
class RetainedReaderTest {
    @Test
    void aReadEndsAfterTheRetainedMessagesWhateverTheLiveTraffic() throws Exception {
        try (EmbeddedBroker broker = new EmbeddedBroker(0);
             MqttClient edge = new MqttClient(broker.url(), "busy-edge", new MemoryPersistence())) {
            edge.connect();
            for (String node : List.of("edge0", "edge1", "edge2")) {
                MqttMessage online = new MqttMessage("online".getBytes(StandardCharsets.UTF_8));
                online.setRetained(true);
                online.setQos(1);
                edge.publish("edgeai/nodes/" + node + "/online", online);
            }
            ScheduledExecutorService busy = Executors.newSingleThreadScheduledExecutor();
            busy.scheduleAtFixedRate(() -> {
                try {
                    edge.publish("edgeai/nodes/edge0/online", "online".getBytes(StandardCharsets.UTF_8), 1, true);
                } catch (Exception e) {
                    // the test ends
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            try {
                PahoConfiguration mqtt = new PahoConfiguration();
                mqtt.setBrokerUrl(broker.url());
                RetainedReader reader = new RetainedReader(mqtt, "reader", 0, "edgeai/nodes/+/online");
                List<RetainedReader.Retained> read = assertTimeoutPreemptively(Duration.ofSeconds(10), reader::retained);
                assertThat(read).extracting(RetainedReader.Retained::topic)
                    .contains("edgeai/nodes/edge0/online", "edgeai/nodes/edge1/online", "edgeai/nodes/edge2/online");
            } finally {
                busy.shutdownNow();
                edge.disconnect();
            }
        }
    }
}
