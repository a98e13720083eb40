package io.edgeai.sync.mqtt;

import io.edgeai.sync.Causes;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once per outage that the broker cannot be reached, naming it (never its credentials), and
 * once that it can be again. The routes whose MQTT client cannot connect are restarted by Camel's
 * supervising route controller every few seconds; without this, each attempt of each route was an
 * INFO line and nothing said plainly what was wrong.
 */
public final class BrokerOutage extends EventNotifierSupport {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerOutage.class);

    private final String broker;
    /** Routes that failed to start because the broker could not be reached. */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();

    public BrokerOutage(String brokerUrl) {
        this.broker = withoutUserInfo(brokerUrl);
        setIgnoreCamelContextEvents(true);
        setIgnoreExchangeEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteRestartingFailureEvent || event instanceof CamelEvent.RouteStartedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.RouteRestartingFailureEvent failure && Causes.find(failure.getCause(), MqttException.class).isPresent()) {
            boolean first = waiting.isEmpty();
            if (waiting.add(failure.getRoute().getRouteId()) && first) {
                LOG.warn("cannot reach the MQTT broker at {}: {}; trying again", broker, rootMessage(failure.getCause()));
            }
        } else if (event instanceof CamelEvent.RouteStartedEvent started
            && waiting.remove(started.getRoute().getRouteId()) && waiting.isEmpty()) {
            LOG.info("the MQTT broker at {} is reachable again", broker);
        }
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
