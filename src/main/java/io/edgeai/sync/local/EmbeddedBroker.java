package io.edgeai.sync.local;

import io.moquette.broker.Server;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

/**
 * An in-process MQTT 3.1.1 broker (Moquette) on a loopback port, for local mode and tests. In memory
 * only, anonymous, loopback-bound: a stand-in for the production broker (mosquitto, EMQX, HiveMQ), not
 * a replacement.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Server server = new Server();
    private final int port;

    public EmbeddedBroker(int port) throws IOException {
        if (port != 0) {
            // Moquette logs a port in use and keeps its threads, so the process would neither run nor end
            try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                taken.setReuseAddress(true);
            } catch (IOException e) {
                throw new io.edgeai.sync.ConfigurationError("the embedded broker cannot listen on port " + port + " (edgeai.local.mqtt-port): "
                    + e.getMessage());
            }
        }
        this.port = port == 0 ? freePort() : port;
        Properties config = new Properties();
        config.setProperty("host", InetAddress.getLoopbackAddress().getHostAddress());
        config.setProperty("port", Integer.toString(this.port));
        config.setProperty("allow_anonymous", "true");
        config.setProperty("persistence_enabled", "false");
        config.setProperty("telemetry_enabled", "false");
        config.setProperty("websocket_port", "disabled");
        // commands a session may have queued (default 1,024); past that Moquette drops publishes, which
        // a burst of 100,000 statuses from 8 connections reached
        config.setProperty("session_queue_size", "65536");
        server.startServer(config);
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.stopServer();
    }
}
