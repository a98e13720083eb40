package io.edgeai.sync.cloud;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.paho.PahoConfiguration;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the broker retains under a topic filter, with a short-lived MQTT client of its own (the
 * broker sends a new subscription everything it retains). Every retained status is read again each
 * re-read period, so that a report the broker dropped on its way to the cloud is still written; the
 * retained desired state is read once at start-up ({@link RetainedSnapshot}). The routes' own
 * clients are left alone: stopping one while the broker is unreachable would wait forever. Everything
 * here has a timeout, and a failure costs one log line.
 */
public final class RetainedReader {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedReader.class);
    /** The retained messages arrive right after the subscription; this long without a new topic ends the read. */
    private static final long QUIET_MILLIS = 1_000;
    private static final long MAX_MILLIS = 120_000;

    /** One retained status as the broker holds it. */
    public record Retained(String topic, byte[] payload) {
    }

    private final PahoConfiguration mqtt;
    private final String clientId;
    private final String[] filters;
    private final int qos;

    /**
     * @param mqtt    the paho component's configuration: the same broker, identity and TLS as the routes
     * @param qos     1 where every message must come (the desired state at start-up); 0 for the periodic
     *                re-read, a safety net that reads again soon: no acknowledgements to a client that
     *                disconnects right after (Moquette was seen to wedge on acknowledgements racing a
     *                disconnect)
     * @param filters what {@link #retained()} reads, in one session
     */
    public RetainedReader(PahoConfiguration mqtt, String clientId, int qos, String... filters) {
        this.qos = qos;
        this.mqtt = mqtt;
        this.clientId = clientId;
        this.filters = filters.clone();
    }

    /**
     * Everything retained under the filters, read in one session; what arrived before a failure
     * (logged) if the broker fails. Messages published meanwhile come too: they are what the broker
     * retains from then on. (The retained flag cannot tell them apart: Moquette clears it.)
     */
    public List<Retained> retained() {
        List<Retained> all = new ArrayList<>();
        try {
            read(all);
        } catch (MqttException e) {
            LOG.warn("cannot read what the broker retains under {} now ({})", String.join(", ", filters), e.getMessage());
        }
        return all;
    }

    /** Everything retained under the filters, or an exception if the broker could not be read to the end. */
    public List<Retained> retainedOrFail() throws MqttException {
        List<Retained> all = new ArrayList<>();
        read(all);
        return all;
    }

    private void read(List<Retained> all) throws MqttException {
        BlockingQueue<Retained> arriving = new LinkedBlockingQueue<>();
        try (MqttClient client = new MqttClient(mqtt.getBrokerUrl(), clientId, new MemoryPersistence())) {
            client.setTimeToWait(TimeUnit.SECONDS.toMillis(Math.max(1, mqtt.getConnectionTimeout())));
            client.connect(options());
            for (String filter : filters) {
                client.subscribe(filter, qos, (topic, message) -> arriving.add(new Retained(topic, message.getPayload())));
            }
            // the retained messages come as a burst of distinct topics; live traffic goes on after it,
            // mostly on topics already read (online flags every presence period, reports), so the read
            // ends once no new topic came for the quiet time, however busy the broker is
            long deadline = System.currentTimeMillis() + MAX_MILLIS;
            Set<String> topics = new HashSet<>();
            long lastNewTopic = System.currentTimeMillis();
            Retained next;
            while (System.currentTimeMillis() < deadline && (next = arriving.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                all.add(next);
                long now = System.currentTimeMillis();
                if (topics.add(next.topic())) {
                    lastNewTopic = now;
                } else if (now - lastNewTopic >= QUIET_MILLIS) {
                    break;
                }
            }
            client.disconnect();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("read {} retained messages under {}", all.size(), String.join(", ", filters));
    }

    private MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(mqtt.getMqttVersion());
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(mqtt.getConnectionTimeout());
        options.setKeepAliveInterval(mqtt.getKeepAliveInterval());
        if (mqtt.getUserName() != null) {
            options.setUserName(mqtt.getUserName());
            options.setPassword(mqtt.getPassword() == null ? new char[0] : mqtt.getPassword().toCharArray());
        }
        if (mqtt.getSslClientProps() != null) {
            options.setSSLProperties(mqtt.getSslClientProps());
        }
        return options;
    }
}
