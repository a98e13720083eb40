package io.edgeai.sync.it;

/** A real MQTT broker the tests run against. */
interface Broker extends AutoCloseable {
    String url();

    @Override
    void close();
}
