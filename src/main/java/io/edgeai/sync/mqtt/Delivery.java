package io.edgeai.sync.mqtt;

import org.apache.camel.Exchange;

/** Whether a message sent through the mqtt-publish route reached the broker. */
public final class Delivery {
    private Delivery() {
    }

    /** The error handler logs and swallows a publish that failed after its retries; the caller must still know. */
    public static boolean delivered(Exchange exchange) {
        return exchange.getException() == null && exchange.getProperty(Exchange.EXCEPTION_CAUGHT) == null;
    }
}
