package io.edgeai.sync.mqtt;

import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.component.paho.PahoComponent;
import org.apache.camel.component.paho.PahoConfiguration;
import org.apache.camel.component.paho.PahoConsumer;
import org.apache.camel.component.paho.PahoEndpoint;
import org.apache.camel.component.paho.PahoProducer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's paho component, whose consumers and producers close the MQTT client they made once they are
 * done with it. Camel's own only disconnect a client that is connected when they stop. A client whose
 * connection the broker dropped between CONNACK and SUBACK fails the route's start, and is left to
 * Paho's automatic reconnect: when the route is started again with a new client under the same client
 * id, the two take the broker's session from each other every second or two, and every takeover logs a
 * resubscribe failure with a stack trace (seen in the tests, with the embedded broker busy starting).
 * The same happened to a consumer or producer stopped while its client was reconnecting. Bound as
 * {@code paho} so that every {@code paho:} endpoint is one of these; configured from
 * {@code camel.component.paho.*} as the plain one is (the annotation names the scheme whose generated
 * configurers Camel then uses). The consumer and the producer extend Camel's two classes; their starts and
 * stops go through the endpoint's {@code start} and {@code stop}, which do the closing for both.
 */
@org.apache.camel.spi.annotations.Component("paho")
public final class ClosingPahoComponent extends PahoComponent {
    private static final Logger LOG = LoggerFactory.getLogger(ClosingPahoComponent.class);

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        ClosingEndpoint endpoint = new ClosingEndpoint(uri, remaining, this, getConfiguration().copy()); // a copy each, as Camel's own
        endpoint.setClient(getClient());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    private static final class ClosingEndpoint extends PahoEndpoint {
        ClosingEndpoint(String uri, String topic, PahoComponent component, PahoConfiguration configuration) {
            super(uri, topic, component, configuration);
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            Consumer consumer = new ClosingConsumer(this, processor);
            configureConsumer(consumer);
            return consumer;
        }

        @Override
        public Producer createProducer() throws Exception {
            return new ClosingProducer(this);
        }

        /** The client made by a consumer or producer of this endpoint, not one given to it (its owner's to close). */
        MqttClient made(MqttClient client) {
            return client != null && client != getClient() ? client : null;
        }

        /**
         * Runs a consumer's or producer's start; if it fails, closes the client that start made and
         * leaves the endpoint's (none) in its place: the next start makes a new one.
         */
        void start(Step start, java.util.function.Supplier<MqttClient> client, java.util.function.Consumer<MqttClient> setClient)
            throws Exception {
            try {
                start.run();
            } catch (Exception e) {
                try {
                    closeClient(made(client.get()));
                } finally {
                    setClient.accept(getClient());
                }
                throw e;
            }
        }

        /** Runs a consumer's or producer's stop, then closes the client it made, however the stop went. */
        void stop(Step stop, MqttClient client) throws Exception {
            MqttClient made = made(client);
            try {
                stop.run();
            } finally {
                closeClient(made);
            }
        }
    }

    /** A start or stop of Camel's paho consumer or producer. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static final class ClosingConsumer extends PahoConsumer {
        ClosingConsumer(ClosingEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
            setClient(endpoint.getClient());
        }

        @Override
        protected void doStart() throws Exception {
            endpoint().start(super::doStart, this::getClient, this::setClient);
        }

        @Override
        protected void doStop() throws Exception {
            endpoint().stop(super::doStop, getClient());
        }

        private ClosingEndpoint endpoint() {
            return (ClosingEndpoint) getEndpoint();
        }
    }

    private static final class ClosingProducer extends PahoProducer {
        ClosingProducer(ClosingEndpoint endpoint) {
            super(endpoint);
            setClient(endpoint.getClient());
        }

        @Override
        protected void doStart() throws Exception {
            endpoint().start(super::doStart, this::getClient, this::setClient);
        }

        @Override
        protected void doStop() throws Exception {
            endpoint().stop(super::doStop, getClient());
        }

        private ClosingEndpoint endpoint() {
            return (ClosingEndpoint) getEndpoint();
        }
    }

    /**
     * Disconnects and closes a client, whatever state it is in: closed, its reconnect timer finds it so
     * and stops, and it never connects again. Closing fails while a connect is in flight, which the
     * forced disconnect before each attempt ends.
     */
    static void closeClient(MqttClient client) {
        if (client == null) {
            return;
        }
        Exception last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1000, true); // with a DISCONNECT: the broker keeps this client's will to itself
                } else {
                    client.disconnectForcibly(0, 0, false); // ends a connect in flight
                }
            } catch (MqttException | RuntimeException e) {
                // not connected after all, or already closed: closing tells
            }
            try {
                client.close(true);
                return;
            } catch (MqttException | RuntimeException e) {
                last = e;
            }
        }
        LOG.warn("could not close the MQTT client {}, which may connect again on its own: {}", client.getClientId(), last.getMessage());
    }
}
