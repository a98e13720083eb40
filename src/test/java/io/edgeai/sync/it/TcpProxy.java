package io.edgeai.sync.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay between clients and a broker that a test can cut: every relayed connection is closed
 * (the broker sees the socket end without an MQTT DISCONNECT, as when a node loses its network or
 * dies) and new ones are refused until {@link #restore}.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger subscribesToDrop = new AtomicInteger();
    private volatile boolean cut;

    TcpProxy(String brokerUrl) throws IOException {
        URI target = URI.create(brokerUrl);
        targetHost = target.getHost();
        targetPort = target.getPort();
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "tcp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Drops every relayed connection and refuses new ones. */
    void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    void restore() {
        cut = false;
    }

    /**
     * Drops the connection of each of the next {@code connections} clients that send a SUBSCRIBE, when
     * it comes: the client has its CONNACK, as when a broker goes away just after a client connected.
     */
    void dropAtSubscribe(int connections) {
        subscribesToDrop.set(connections);
    }

    /** Connections relayed so far. */
    int accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket broker;
                try {
                    broker = new Socket(targetHost, targetPort);
                } catch (IOException unreachable) {
                    closeQuietly(client); // as the broker would: the client sees its connection refused
                    continue;
                }
                open.add(client);
                open.add(broker);
                accepted.incrementAndGet();
                if (cut) { // cut while this one was being connected
                    cut();
                    continue;
                }
                if (subscribesToDrop.get() > 0) {
                    relayPackets(client, broker);
                } else {
                    pump(client, broker);
                }
                pump(broker, client);
            } catch (IOException e) {
                // closed, or the broker refused: the client sees its connection end and tries again
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                release(from, to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    /** Relays a client's MQTT packets one by one, and drops the connection at a SUBSCRIBE while drops are due. */
    private void relayPackets(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (DataInputStream in = new DataInputStream(from.getInputStream()); OutputStream out = to.getOutputStream()) {
                while (true) {
                    int type = in.readUnsignedByte();
                    if ((type >> 4) == 8 && subscribesToDrop.getAndDecrement() > 0) {
                        return; // the finally closes both sides
                    }
                    ByteArrayOutputStream packet = new ByteArrayOutputStream();
                    packet.write(type);
                    int length = 0;
                    for (int shift = 0, b = 0x80; (b & 0x80) != 0; shift += 7) { // MQTT's variable-length remaining length
                        b = in.readUnsignedByte();
                        packet.write(b);
                        length |= (b & 0x7f) << shift;
                    }
                    packet.write(in.readNBytes(length));
                    out.write(packet.toByteArray());
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                release(from, to);
            }
        }, "tcp-proxy-packets");
        thread.setDaemon(true);
        thread.start();
    }

    private void release(Socket from, Socket to) {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
