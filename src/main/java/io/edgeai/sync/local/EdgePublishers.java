package io.edgeai.sync.local;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.Readiness;
import io.edgeai.sync.mqtt.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The benchmarks' simulated edges: a few MQTT connections of the benchmark process that publish
 * retained QoS 1 messages on many nodes' topics. They connect when made, all at once, before anything
 * is timed: a Paho connect takes about 0.3 s however fast the broker (its threads are polled every
 * 100 ms as they start), which is the benchmark's cost, not the cloud's or the edge's.
 */
final class EdgePublishers implements AutoCloseable {
    /** Messages published and not yet acknowledged, across the connections. */
    private static final int IN_FLIGHT = 2_000;

    private final List<MqttAsyncClient> clients = new ArrayList<>();

    EdgePublishers(String url, String clientId, int connections) throws MqttException {
        try {
            List<IMqttToken> connecting = new ArrayList<>();
            for (int p = 0; p < connections; p++) {
                MqttAsyncClient client = new MqttAsyncClient(url, clientId + "-" + p, new MemoryPersistence());
                clients.add(client);
                MqttConnectOptions options = new MqttConnectOptions();
                options.setMaxInflight(10_000);
                connecting.add(client.connect(options));
            }
            for (IMqttToken token : connecting) {
                token.waitForCompletion();
            }
        } catch (MqttException e) {
            close();
            throw e;
        }
    }

    /** One retained count for each of the first {@code datasets} from its node, as {@link ScaleBenchmark} lays them out. */
    void reportStatuses(Topics topics, int datasets, int nodes, long count) throws InterruptedException {
        String now = Instant.now().toString();
        publishAll(datasets, i -> topics.datasetStatus("node-" + (i % nodes), "default", "ds-" + i),
            i -> Json.bytes(new DatasetReport("default", "ds-" + i, ScaleBenchmark.uid(i), 1, count, now, new Readiness(true, "Counted", "counted"))));
    }

    /**
     * Publishes {@code count} retained QoS 1 messages over the connections in turn, at most
     * {@link #IN_FLIGHT} unacknowledged, and returns when the broker acknowledged them all.
     */
    void publishAll(int count, IntFunction<String> topic, IntFunction<byte[]> payload) throws InterruptedException {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicLong failed = new AtomicLong();
        IMqttActionListener release = new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                inFlight.release();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable exception) {
                failed.incrementAndGet();
                inFlight.release();
            }
        };
        for (int i = 0; i < count; i++) {
            MqttMessage message = new MqttMessage(payload.apply(i));
            message.setQos(1);
            message.setRetained(true);
            inFlight.acquire();
            try {
                clients.get(i % clients.size()).publish(topic.apply(i), message, null, release);
            } catch (MqttException e) {
                inFlight.release();
                failed.incrementAndGet();
            }
        }
        inFlight.acquire(IN_FLIGHT);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " of " + count + " messages were not published");
        }
    }

    @Override
    public void close() {
        for (MqttAsyncClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion();
                }
            } catch (MqttException e) {
                // everything was acknowledged: a connection lost while leaving changes nothing
            }
            try {
                client.close();
            } catch (MqttException e) {
                // closing a client that never connected
            }
        }
    }
}
