package io.edgeai.sync.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeai.sync.mqtt.Json;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A Kubernetes API server stand-in for the scale benchmark, so that the cloud is what is measured:
 * it answers the informers' list of Datasets and of Models (empty), accepts their watches (plain HTTP
 * or WebSocket), and answers every status PATCH at once, counting it. As kube-apiserver does, a status
 * patch gives the dataset a new resourceVersion and its watchers a MODIFIED event with the whole
 * object, so the cloud's cache holds every status it wrote. The in-memory API (fabric8's mock server)
 * stores and matches every object on each request and takes minutes to hold 100,000 datasets.
 * Nothing here validates anything: benchmark only.
 */
final class StubApiServer implements AutoCloseable {
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] NOT_FOUND = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
        .getBytes(StandardCharsets.UTF_8);

    private final ServerSocket server;
    /** Each dataset's JSON as it is now, by name. */
    private final Map<String, byte[]> datasets = new ConcurrentHashMap<>();
    private final List<String> names = new ArrayList<>();
    private final AtomicLong resourceVersion = new AtomicLong(1);
    private final List<Consumer<byte[]>> datasetWatchers = new CopyOnWriteArrayList<>();
    private final AtomicInteger statusPatches = new AtomicInteger();
    private final Thread acceptor;

    /**
     * @param datasets the JSON of each Dataset (namespace default), served as DatasetList pages of the
     *                 size the client asks for
     */
    StubApiServer(List<byte[]> datasets) throws IOException {
        for (byte[] json : datasets) {
            String name = Json.MAPPER.readTree(json).path("metadata").path("name").asText();
            names.add(name);
            this.datasets.put(name, json);
        }
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "stub-api");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** A kubeconfig for the cloud under test, pointing at this server with a token it does not check. */
    java.nio.file.Path writeKubeconfig(java.nio.file.Path file) throws IOException {
        return java.nio.file.Files.writeString(file, """
            apiVersion: v1
            kind: Config
            clusters: [{name: stub, cluster: {server: "%s"}}]
            users: [{name: bench, user: {token: bench}}]
            contexts: [{name: stub, context: {cluster: stub, user: bench}}]
            current-context: stub
            """.formatted(url()));
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
                HttpHead head = HttpHead.read(in, Integer.MAX_VALUE);
                if (head == null) {
                    return;
                }
                Map<String, String> headers = head.headers();
                byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
                String method = head.method();
                String target = head.target();
                if (target.contains("watch=true")) {
                    List<Consumer<byte[]>> watchers = target.contains("/datasets") ? datasetWatchers : new ArrayList<>();
                    if (headers.containsKey("sec-websocket-key")) {
                        holdWebSocket(headers.get("sec-websocket-key"), in, out, watchers);
                    } else {
                        holdStream(in, out, watchers);
                    }
                    return;
                }
                if (method.equals("PATCH") && target.contains("/status")) {
                    statusPatches.incrementAndGet();
                    byte[] patched = patchStatus(target.replaceAll(".*/datasets/([^/?]+)/status.*", "$1"), body);
                    respond(out, patched == null ? 404 : 200, patched == null ? NOT_FOUND : patched);
                } else if (method.equals("GET") && target.startsWith("/apis/edgeai.io/v1alpha1/datasets")) {
                    respond(out, 200, page(target));
                } else if (method.equals("GET") && target.startsWith("/apis/edgeai.io/v1alpha1/models")) {
                    respond(out, 200, emptyList("edgeai.io/v1alpha1", "ModelList"));
                } else if (method.equals("POST") && target.startsWith("/apis/events.k8s.io/v1/namespaces/")) {
                    // taken as kube-apiserver takes it, so that the cloud's Events cost what they would
                    respond(out, 201, body);
                } else if (method.equals("GET") && target.startsWith("/api/v1/nodes")) {
                    respond(out, 200, emptyList("v1", "NodeList")); // the cloud lists Nodes for the models' node selectors
                } else {
                    respond(out, 404, NOT_FOUND);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static byte[] emptyList(String apiVersion, String kind) {
        return ("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\",\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Merges the patch's status into the dataset, gives it the next resourceVersion and tells the
     * watchers; the patched object, or null if there is no such dataset.
     */
    private byte[] patchStatus(String name, byte[] patch) throws IOException {
        byte[] json;
        synchronized (datasets) {
            byte[] was = datasets.get(name);
            if (was == null) {
                return null;
            }
            ObjectNode dataset = (ObjectNode) Json.MAPPER.readTree(was);
            dataset.set("status", Json.MAPPER.readTree(patch).path("status"));
            ((ObjectNode) dataset.get("metadata")).put("resourceVersion", Long.toString(resourceVersion.incrementAndGet()));
            json = Json.bytes(dataset);
            datasets.put(name, json);
        }
        ByteArrayOutputStream event = new ByteArrayOutputStream();
        event.writeBytes("{\"type\":\"MODIFIED\",\"object\":".getBytes(StandardCharsets.UTF_8));
        event.writeBytes(json);
        event.write('}');
        datasetWatchers.forEach(watcher -> watcher.accept(event.toByteArray()));
        return json;
    }

    /** The page of the list that {@code limit} and {@code continue} (an index here) ask for. */
    private byte[] page(String target) {
        int from = Integer.parseInt(parameter(target, "continue", "0"));
        int to = (int) Math.min(names.size(), from + Long.parseLong(parameter(target, "limit", Integer.toString(names.size()))));
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes(("{\"apiVersion\":\"edgeai.io/v1alpha1\",\"kind\":\"DatasetList\",\"metadata\":{\"resourceVersion\":\""
            + resourceVersion.get() + "\"" + (to < names.size() ? ",\"continue\":\"" + to + "\"" : "") + "},\"items\":[")
            .getBytes(StandardCharsets.UTF_8));
        for (int i = from; i < to; i++) {
            if (i > from) {
                json.write(',');
            }
            json.writeBytes(datasets.get(names.get(i)));
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

    private static void respond(OutputStream out, int code, byte[] body) throws IOException {
        out.write(("HTTP/1.1 " + code + (code == 200 ? " OK" : " Not Found") + "\r\nContent-Type: application/json\r\nContent-Length: "
            + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** A watch over plain HTTP: an open chunked stream of events, one JSON line each, until the client closes. */
    private static void holdStream(InputStream in, OutputStream out, List<Consumer<byte[]>> watchers) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        Consumer<byte[]> watcher = event -> send(out, (Integer.toHexString(event.length + 1) + "\r\n").getBytes(StandardCharsets.ISO_8859_1),
            event, "\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        watchers.add(watcher);
        try {
            while (in.read() >= 0) {
                // the client says nothing on a watch
            }
        } finally {
            watchers.remove(watcher);
        }
    }

    /** Writes the parts at once; a watcher that went away is left to its reader to remove. */
    private static void send(OutputStream out, byte[]... parts) {
        synchronized (out) {
            try {
                for (byte[] part : parts) {
                    out.write(part);
                }
                out.flush();
            } catch (IOException e) {
                // closed: the reading side ends the watch
            }
        }
    }

    /** A watch over WebSocket: the handshake, events as text frames, pongs for pings, until the client closes. */
    private static void holdWebSocket(String key, InputStream in, OutputStream out, List<Consumer<byte[]>> watchers) throws IOException {
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
        Consumer<byte[]> watcher = event -> send(out, frameHead(0x81, event.length), event);
        watchers.add(watcher);
        try {
            answerWebSocket(in, out);
        } finally {
            watchers.remove(watcher);
        }
    }

    /** A server's frame header (unmasked) for a payload of {@code length} bytes. */
    private static byte[] frameHead(int first, int length) {
        if (length < 126) {
            return new byte[] {(byte) first, (byte) length};
        }
        if (length < 65_536) {
            return new byte[] {(byte) first, 126, (byte) (length >> 8), (byte) length};
        }
        byte[] head = new byte[10];
        head[0] = (byte) first;
        head[1] = 127;
        for (int i = 0; i < 8; i++) {
            head[9 - i] = (byte) ((long) length >> (8 * i));
        }
        return head;
    }

    private static void answerWebSocket(InputStream in, OutputStream out) throws IOException {
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
                send(out, frameHead(0x88, 0));
                return;
            }
            if (opcode == 0x9 && payload.length < 126) {
                send(out, frameHead(0x8a, payload.length), payload);
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
