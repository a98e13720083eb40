package io.edgeai.sync.it;

/** A real MQTT broker the tests run against. */
interface Broker extends AutoCloseable {
    String url();

    /** Stops the broker (clients lose their connections) and starts it again on the same port. */
    void restart() throws Exception;

    @Override
    void close();
}
