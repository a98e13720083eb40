package io.edgeai.sync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for servers a test starts later (or never). */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** A loopback port nothing listens on now. */
    public static int free() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
