package io.edgeai.sync.local;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Kubernetes API server stand-in for the scale benchmark, so that the cloud is what is measured:
 * it answers the informers' list of Datasets (built once) and of Models (empty), accepts their
 * watches (plain HTTP or WebSocket) and keeps them open without events, and answers every status PATCH at once,
 * counting them. The in-memory API (fabric8's mock server) stores and matches every object on each
 * request and takes minutes to hold 100,000 datasets. Nothing here validates anything: benchmark only.
 */
final class StubApiServer implements AutoCloseable {
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC11B85";

    private final ServerSocket server;
    private final List<byte[]> datasets;
    private final AtomicInteger statusPatches = new AtomicInteger();
    private final Thread acceptor;

    /** @param datasets the JSON of each Dataset, served as DatasetList pages of the size the client asks for */
    StubApiServer(List<byte[]> datasets) throws IOException {
        this.datasets = List.copyOf(datasets);
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "stub-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int statusPatches() {
        return statusPatches.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                Thread connection = new Thread(() -> serve(socket), "stub-api-connection");
                connection.setDaemon(true);
                connection.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String[] request = lines[0].split(" ");
                Map<String, String> headers = new HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                    }
                }
                in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                String method = request[0];
                String target = request[1];
                if (target.contains("watch=true")) {
                    if (headers.containsKey("sec-websocket-key")) {
                        holdWebSocket(headers.get("sec-websocket-key"), in, out);
                    } else {
                        holdStream(in, out);
                    }
                    return;
                }
                if (method.equals("PATCH") && target.contains("/status")) {
                    statusPatches.incrementAndGet();
                    String name = target.replaceAll(".*/datasets/([^/?]+)/status.*", "$1");
                    respond(out, 200, ("{\"apiVersion\":\"edgeai.io/v1alpha1\",\"kind\":\"Dataset\",\"metadata\":{\"name\":\"" + name
                        + "\",\"namespace\":\"default\",\"resourceVersion\":\"2\"}}").getBytes(StandardCharsets.UTF_8));
                } else if (method.equals("GET") && target.startsWith("/apis/edgeai.io/v1alpha1/datasets")) {
                    respond(out, 200, page(target));
                } else if (method.equals("GET") && target.startsWith("/apis/edgeai.io/v1alpha1/models")) {
                    respond(out, 200, "{\"apiVersion\":\"edgeai.io/v1alpha1\",\"kind\":\"ModelList\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}"
                        .getBytes(StandardCharsets.UTF_8));
                } else {
                    respond(out, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
                        .getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /** The page of the list that {@code limit} and {@code continue} (an index here) ask for. */
    private byte[] page(String target) {
        int from = Integer.parseInt(parameter(target, "continue", "0"));
        int to = (int) Math.min(datasets.size(), from + Long.parseLong(parameter(target, "limit", Integer.toString(datasets.size()))));
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes(("{\"apiVersion\":\"edgeai.io/v1alpha1\",\"kind\":\"DatasetList\",\"metadata\":{\"resourceVersion\":\"1\""
            + (to < datasets.size() ? ",\"continue\":\"" + to + "\"" : "") + "},\"items\":[").getBytes(StandardCharsets.UTF_8));
        for (int i = from; i < to; i++) {
            if (i > from) {
                json.write(',');
            }
            json.writeBytes(datasets.get(i));
        }
        json.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return json.toByteArray();
    }

    private static String parameter(String target, String name, String absent) {
        for (String pair : target.substring(target.indexOf('?') + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return absent;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int next;
        while ((next = in.read()) >= 0) {
            head.write(next);
            matched = (next == "\r\n\r\n".charAt(matched)) ? matched + 1 : (next == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static void respond(OutputStream out, int code, byte[] body) throws IOException {
        out.write(("HTTP/1.1 " + code + (code == 200 ? " OK" : " Not Found") + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** A watch over plain HTTP that never has an event: an open chunked stream until the client closes. */
    private static void holdStream(InputStream in, OutputStream out) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        while (in.read() >= 0) {
            // nothing to say
        }
    }

    /** A watch that never has an event: the handshake, then pongs for pings until the client closes. */
    private static void holdWebSocket(String key, InputStream in, OutputStream out) throws IOException {
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept
            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        while (true) {
            int first = in.read();
            int second = in.read();
            if (first < 0 || second < 0) {
                return;
            }
            long length = second & 0x7f;
            if (length == 126) {
                length = (in.read() << 8) | in.read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | in.read();
                }
            }
            byte[] mask = (second & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
            byte[] payload = in.readNBytes((int) length);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            int opcode = first & 0x0f;
            if (opcode == 0x8) {
                out.write(new byte[] {(byte) 0x88, 0});
                out.flush();
                return;
            }
            if (opcode == 0x9 && payload.length < 126) {
                out.write(new byte[] {(byte) 0x8a, (byte) payload.length});
                out.write(payload);
                out.flush();
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
