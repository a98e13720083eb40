package io.edgeai.sync.mqtt;

import io.edgeai.sync.Causes;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.EventNotifierSupport;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per outage that the broker cannot be reached, naming it (never its credentials), and
 * once that it can be again. Two things tell of an outage: routes whose MQTT client cannot connect
 * (Camel's supervising route controller restarts them every few seconds; without this each attempt
 * of each route was an INFO line) and publishes refused because the client is not connected (the
 * error handler hands those here instead of retrying: every sender repairs what the broker did not
 * take, so a retry would only hold up its thread and log a line per attempt).
 * A plain object, as the routes call it: Camel introspects a bean's whole class hierarchy for each
 * route that names it, and as an event notifier this class cost 4 MB and 13 ms per route at start.
 */
public final class BrokerOutage {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerOutage.class);

    private final String broker;
    /** Routes that failed to start because the broker could not be reached. */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    /** A publish failed for want of a connection, and none went through since. */
    private final AtomicBoolean publishesFailing = new AtomicBoolean();
    /** The outage was said, and its end not yet. */
    private final AtomicBoolean reported = new AtomicBoolean();
    /** Reasons a publish fails while the client has no connection to the broker. */
    private static final Set<Integer> UNREACHABLE = Set.of((int) MqttException.REASON_CODE_CLIENT_NOT_CONNECTED,
        (int) MqttException.REASON_CODE_CONNECTION_LOST, (int) MqttException.REASON_CODE_SERVER_CONNECT_ERROR,
        (int) MqttException.REASON_CODE_CLIENT_DISCONNECTING, (int) MqttException.REASON_CODE_CLIENT_CLOSED,
        (int) MqttException.REASON_CODE_CLIENT_TIMEOUT);

    public BrokerOutage(String brokerUrl) {
        this.broker = withoutUserInfo(brokerUrl);
    }

    /** What to add to the context's event notifiers: routes whose MQTT client cannot connect, and their recovery. */
    public EventNotifier routeEvents() {
        return new RouteEvents(this);
    }

    private static final class RouteEvents extends EventNotifierSupport {
        private final BrokerOutage outage;

        RouteEvents(BrokerOutage outage) {
            this.outage = outage;
            setIgnoreCamelContextEvents(true);
            setIgnoreExchangeEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.RouteRestartingFailureEvent || event instanceof CamelEvent.RouteStartedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            outage.routeEvent(event);
        }
    }

    void routeEvent(CamelEvent event) {
        if (event instanceof CamelEvent.RouteRestartingFailureEvent failure && Causes.find(failure.getCause(), MqttException.class).isPresent()) {
            waiting.add(failure.getRoute().getRouteId());
            outage(failure.getCause());
        } else if (event instanceof CamelEvent.RouteStartedEvent started && waiting.remove(started.getRoute().getRouteId())) {
            publishesFailing.set(false); // a client connected: publishes go through again too
            recovered();
        }
    }

    /** Said once per outage, whichever of routes and publishes noticed it first. */
    private void outage(Throwable cause) {
        if (reported.compareAndSet(false, true)) {
            LOG.warn("cannot reach the MQTT broker at {}: {}; what it did not take is sent again when it is back", broker, rootMessage(cause));
        }
    }

    private void recovered() {
        if (reachable() && reported.compareAndSet(true, false)) {
            LOG.info("the MQTT broker at {} is reachable again", broker);
        }
    }

    /** Whether a failure means the broker cannot be reached now (not a refusal of this one message). */
    public boolean unreachable(Throwable failure) {
        return Causes.find(failure, MqttException.class)
            .filter(mqtt -> UNREACHABLE.contains(mqtt.getReasonCode()) || mqtt.getCause() instanceof java.io.IOException)
            .isPresent();
    }

    /** A publish failed because the broker cannot be reached. */
    public void publishFailed(Throwable failure) {
        publishesFailing.set(true);
        outage(failure);
    }

    /** A publish went through: if publishes were failing, the broker is back. */
    public void published() {
        if (publishesFailing.get() && publishesFailing.compareAndSet(true, false)) {
            recovered();
        }
    }

    /** Whether the broker can be reached, as far as this process knows. */
    public boolean reachable() {
        return waiting.isEmpty() && !publishesFailing.get();
    }

    /** What readiness says while the broker cannot be reached. */
    public String unreachableMessage() {
        return "cannot reach the MQTT broker at " + broker;
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = Causes.root(failure);
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    static String withoutUserInfo(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getUserInfo() == null ? url : url.replace(uri.getRawUserInfo() + "@", "");
        } catch (IllegalArgumentException e) {
            return "(the configured edgeai.mqtt.url)";
        }
    }
}
