package io.edgeai.sync.it;

/** A real MQTT broker the tests run against. */
interface Broker extends AutoCloseable {
    String url();

    /** Something done while the broker is down. */
    interface WhileDown {
        void run() throws Exception;
    }

    /** Stops the broker (clients lose their connections), runs {@code whileDown}, and starts it again on the same port. */
    void restart(WhileDown whileDown) throws Exception;

    default void restart() throws Exception {
        restart(() -> { });
    }

    @Override
    void close();
}
