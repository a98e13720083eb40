package io.edgeai.sync.mqtt;

import java.util.Map;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.component.paho.PahoComponent;
import org.apache.camel.component.paho.PahoConfiguration;
import org.apache.camel.component.paho.PahoConsumer;
import org.apache.camel.component.paho.PahoEndpoint;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's paho component, whose consumers close the MQTT client they made once they are done with it.
 * Camel's consumer only disconnects a client that is connected when it stops. A client whose connection
 * the broker dropped between CONNACK and SUBACK fails the route's start, and is left to Paho's automatic
 * reconnect: when the route is started again with a new client under the same client id, the two take
 * the broker's session from each other every second or two, and every takeover logs a resubscribe
 * failure with a stack trace (seen in CI, with a broker busy starting). The same happened to a route
 * stopped while its client was reconnecting. Bound as {@code paho} so that every {@code paho:} endpoint
 * is one of these; configured from {@code camel.component.paho.*} as the plain one is (the annotation
 * names the scheme whose generated configurers Camel then uses).
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
    }

    private static final class ClosingConsumer extends PahoConsumer {
        ClosingConsumer(PahoEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
            setClient(endpoint.getClient());
        }

        /** A client given to the endpoint is its owner's to close; one made here is closed here. */
        private MqttClient own() {
            MqttClient client = getClient();
            return client != null && client != ((PahoEndpoint) getEndpoint()).getClient() ? client : null;
        }

        @Override
        protected void doStart() throws Exception {
            try {
                super.doStart();
            } catch (Exception e) {
                close(own());
                setClient(((PahoEndpoint) getEndpoint()).getClient());
                throw e;
            }
        }

        @Override
        protected void doStop() throws Exception {
            MqttClient made = own();
            try {
                super.doStop();
            } finally {
                close(made);
            }
        }

        private static void close(MqttClient client) {
            if (client == null) {
                return;
            }
            try {
                if (client.isConnected()) {
                    client.disconnect(1000); // with a DISCONNECT, so that the broker does not send this client's will
                } else {
                    client.disconnectForcibly(0, 0, false); // ends a connect in flight
                }
                // closed, the client's reconnect timer finds it so and stops: it never connects again
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("closing MQTT client {}: {}", client.getClientId(), e.getMessage());
            }
        }
    }
}
