package io.edgeai.sync.mqtt;

import io.edgeai.sync.Settings;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.paho.PahoComponent;
import org.apache.camel.component.paho.PahoConfiguration;

/**
 * Completes the paho component, which Camel Main configured from {@code camel.component.paho.*}
 * (application.properties: the broker, keep-alive, timeouts, in-flight window), with what is no
 * tunable: QoS 1, MQTT 3.1.1, clean sessions (the protocol relies on retained messages, not on
 * queued sessions) and automatic reconnects, which the protocol depends on; the identity, read
 * from a password file where one is given; and the TLS trust store. The edge's last will, on its
 * own online topic, is {@value #WILL_TOPIC}, which only the client that publishes the online flag
 * takes (routes/common/mqtt-publish.yaml). Credentials come from settings, never from route URIs, so
 * they do not show in logs.
 */
public final class MqttSettings {
    private static final int MQTT_3_1_1 = org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1;
    /** Where the broker announces the loss of the client that publishes the node's online flag; unset in the cloud. */
    private static final String WILL_TOPIC = "edgeai.mqtt.will-topic";

    /** The connection settings that became the paho component's own, by their former names: set, they would do nothing. */
    private static final java.util.Map<String, String> RENAMED = java.util.Map.of(
        "edgeai.mqtt.max-reconnect-delay-ms", "camel.component.paho.max-reconnect-delay",
        "edgeai.mqtt.keep-alive-s", "camel.component.paho.keep-alive-interval",
        "edgeai.mqtt.connection-timeout-s", "camel.component.paho.connection-timeout",
        "edgeai.mqtt.max-inflight", "camel.component.paho.max-inflight");

    private MqttSettings() {
    }

    /** @param willTopic where the broker announces the loss of this process's publisher, or null for none */
    public static void configure(CamelContext context, Settings settings, String willTopic) throws Exception {
        RENAMED.forEach((old, now) -> {
            if (settings.get(old, null) != null) {
                throw new io.edgeai.sync.ConfigurationError(old + " is now " + now + " (application.properties)");
            }
        });
        PahoConfiguration config = context.getComponent("paho", PahoComponent.class).getConfiguration();
        BrokerOutage outage = new BrokerOutage(config.getBrokerUrl());
        context.getManagementStrategy().addEventNotifier(outage.routeEvents());
        context.getRegistry().bind("brokerOutage", outage);
        // the protocol's JSON and topics, for the routes' data formats and choices
        context.getRegistry().bind("protocolJson", Json.MAPPER);
        context.getRegistry().bind("topics", new Topics(settings.get("edgeai.mqtt.topic-prefix", "edgeai")));
        io.edgeai.sync.management.ReadyCheck.register(context, "mqtt-broker", outage::reachable, outage::unreachableMessage);
        io.edgeai.sync.management.Metrics.register(context, metrics -> io.micrometer.core.instrument.Gauge
            .builder("edgeai.mqtt.broker.reachable", outage, o -> o.reachable() ? 1 : 0)
            .description("1 while the MQTT broker can be reached, as far as this process knows").register(metrics));
        config.setQos(1);
        // 3.1.1 only: Paho falls back to 3.1 when a 3.1.1 connect fails (a broker restarting), and 3.1
        // refuses client ids over 23 characters, which replica names make the cloud's
        config.setMqttVersion(MQTT_3_1_1);
        config.setCleanSession(true);
        config.setAutomaticReconnect(true);
        String user = settings.get("edgeai.mqtt.username", null);
        if (user != null) {
            config.setUserName(user);
            String password = settings.secret("edgeai.mqtt.password-file", "edgeai.mqtt.password");
            config.setPassword(password != null ? password : "");
        }
        String trustStore = settings.get("edgeai.mqtt.trust-store", null);
        if (trustStore != null) {
            Properties ssl = new Properties();
            ssl.setProperty("com.ibm.ssl.trustStore", trustStore);
            ssl.setProperty("com.ibm.ssl.trustStorePassword", settings.get("edgeai.mqtt.trust-store-password", ""));
            config.setSslClientProps(ssl);
        }
        if (willTopic != null) {
            // not the component's: every subscriber would carry it, and one dropped subscriber would
            // announce a running node offline until its next online flag
            context.getPropertiesComponent().addInitialProperty(WILL_TOPIC, willTopic);
        }
    }
}
