package io.edgeai.sync.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The in-memory API's front door. fabric8's mock server streams watches only over WebSocket, but
 * kubectl and client-go watch over plain HTTP (a chunked stream of JSON events): this front end
 * answers those itself, from a WebSocket watch it opens on the mock, converting each event's object
 * into a Table when kubectl asks for one ({@code kubectl get -w}), and ending the stream after
 * {@code timeoutSeconds}. Every other request, WebSocket upgrades included, is passed through to the
 * mock byte for byte, one request per connection. Local mode only; on loopback.
 */
final class WatchStreams implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_CONNECTIONS = 64;
    /** Put on an event queue when the mock's watch ends (compared by identity). */
    private static final String END = new String("end of watch");
    /** The annotation on the bookmark that follows a watch's initial events (client-go's watch-list). */
    private static final String INITIAL_EVENTS_END = "k8s.io/initial-events-end";
    /** kube-apiserver bookmarks a watch about once a minute, and shortly before its timeout ends it. */
    private static final long BOOKMARK_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long BOOKMARK_BEFORE_END_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Events waiting for a client to read them; past this, its watch ends. */
    private static final int MAX_QUEUED_EVENTS = 10_000;
    private static final long WATCHDOG_GRACE_SECONDS = 2;
    /** kube-apiserver's longest watch (twice its default --min-request-timeout of 1,800 s). */
    private static final long MAX_TIMEOUT_SECONDS = 3_600;

    private final ServerSocket server;
    private final URI mock;
    /** Turns a watched object into a one-row Table for the request path, as kube-apiserver prints it. */
    private final BiFunction<String, JsonNode, ObjectNode> table;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "local-api-front");
        thread.setDaemon(true);
        return thread;
    });
    private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);
    private final java.util.concurrent.atomic.AtomicInteger streaming = new java.util.concurrent.atomic.AtomicInteger();
    private final HttpClient webSockets = HttpClient.newHttpClient();
    private final java.util.concurrent.ScheduledExecutorService watchdogs = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "local-api-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    WatchStreams(int port, URI mock, BiFunction<String, JsonNode, ObjectNode> table) throws IOException {
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.mock = mock;
        this.table = table;
        threads.execute(this::accept);
    }

    String url() {
        return "http://localhost:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (!connections.tryAcquire()) {
                    client.close(); // a flood of connections: refuse the newest, keep serving the rest
                    continue;
                }
                threads.execute(() -> {
                    try (client) {
                        serve(client);
                    } catch (IOException e) {
                        // the client or the mock went away
                    } finally {
                        connections.release();
                    }
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket client) throws IOException {
        HttpHead head;
        try {
            head = HttpHead.read(client.getInputStream(), MAX_HEAD_BYTES);
        } catch (HttpHead.TooLarge e) {
            client.getOutputStream().write("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        if (head == null) {
            return;
        }
        boolean upgrade = head.headers().containsKey("upgrade");
        if ("GET".equals(head.method()) && isWatch(head.target()) && !upgrade) {
            stream(client, head.target(), head.headers().getOrDefault("accept", "").contains("as=Table"));
        } else {
            passThrough(client, head.lines(), upgrade);
        }
    }

    private static boolean isWatch(String target) {
        int query = target.indexOf('?');
        return query >= 0 && ("&" + target.substring(query + 1) + "&").matches(".*&watch=(true|1)&.*");
    }

    /** The request to the mock as it came, but closing after its answer: the next request may be a watch this front end must see. */
    private void passThrough(Socket client, List<String> lines, boolean upgrade) throws IOException {
        try (Socket upstream = new Socket(mock.getHost(), mock.getPort())) {
            StringBuilder head = new StringBuilder(lines.get(0)).append("\r\n");
            for (String line : lines.subList(1, lines.size())) {
                if (!upgrade && line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                    continue;
                }
                head.append(line).append("\r\n");
            }
            if (!upgrade) {
                head.append("Connection: close\r\n");
            }
            OutputStream toMock = upstream.getOutputStream();
            toMock.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            toMock.flush();
            // the body (and, after an upgrade, WebSocket frames) one way, the answer the other
            threads.execute(() -> {
                try {
                    client.getInputStream().transferTo(toMock);
                    upstream.shutdownOutput();
                } catch (IOException e) {
                    // either side closed
                }
            });
            upstream.getInputStream().transferTo(client.getOutputStream());
        }
    }

    /**
     * A watch as kube-apiserver serves it over HTTP: one JSON event per chunk, until timeoutSeconds or
     * the client leaves. With {@code allowWatchBookmarks}, a BOOKMARK every minute and one just before
     * the timeout ends the stream; with {@code sendInitialEvents} (which kube-apiserver allows only
     * with bookmarks and {@code resourceVersionMatch=NotOlderThan}), the objects as they are, then a
     * BOOKMARK annotated {@value #INITIAL_EVENTS_END}.
     */
    private void stream(Socket client, String target, boolean asTable) throws IOException {
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>(MAX_QUEUED_EVENTS);
        String path = target.substring(0, target.indexOf('?'));
        long timeoutSeconds = Math.min(MAX_TIMEOUT_SECONDS, Math.max(1, queryLong(target, "timeoutSeconds", TimeUnit.MINUTES.toSeconds(30))));
        boolean bookmarks = "true".equals(query(target, "allowWatchBookmarks"));
        boolean initialEvents = "true".equals(query(target, "sendInitialEvents"));
        if (initialEvents && !(bookmarks && "NotOlderThan".equals(query(target, "resourceVersionMatch")))) {
            invalidListOptions(client, "sendInitialEvents requires setting allowWatchBookmarks to true and resourceVersionMatch to NotOlderThan");
            return;
        }
        // the mock's watch starts with every object; from a resourceVersion on, those the client has seen are left out
        long since = initialEvents ? 0 : queryLong(target, "resourceVersion", 0);
        Bookmarks marks = bookmarks ? new Bookmarks(list(target), initialEvents) : null;
        WebSocket socket;
        try {
            socket = webSockets.newWebSocketBuilder().buildAsync(URI.create("ws://" + mock.getHost() + ":" + mock.getPort() + target),
                new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            if (!events.offer(partial.toString())) {
                                // a client that does not read: kube-apiserver ends a watch whose buffer is full
                                closeQuietly(client);
                            }
                            partial.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        events.add(END);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        events.add(END);
                    }
                }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            client.getOutputStream().write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
        }
        OutputStream out = client.getOutputStream();
        streaming.incrementAndGet();
        // a write to a client that stopped reading blocks, and the timeout below is never looked at again:
        // the socket is closed a little after the stream's time is up, whatever it is doing
        java.util.concurrent.ScheduledFuture<?> watchdog = watchdogs.schedule(() -> closeQuietly(client),
            timeoutSeconds + WATCHDOG_GRACE_SECONDS, TimeUnit.SECONDS);
        try {
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long lastMark = deadline - BOOKMARK_BEFORE_END_NANOS;
            long nextMark = Math.min(System.nanoTime() + BOOKMARK_EVERY_NANOS, lastMark);
            if (marks != null && marks.initialEventsEnd()) {
                chunk(out, marks.bookmark(true));
            }
            while (true) {
                long now = System.nanoTime();
                if (marks != null && now >= nextMark && !marks.initialEventsPending()) {
                    chunk(out, marks.bookmark(false));
                    nextMark = now >= lastMark ? Long.MAX_VALUE : Math.min(now + BOOKMARK_EVERY_NANOS, lastMark);
                }
                long left = deadline - now;
                long markIn = marks == null || marks.initialEventsPending() ? Long.MAX_VALUE : Math.max(0, nextMark - now);
                long wait = Math.min(Math.min(left, TimeUnit.SECONDS.toNanos(1)), markIn);
                String event = left <= 0 ? END : events.poll(wait, TimeUnit.NANOSECONDS);
                if (event == END) {
                    break;
                }
                if (event == null) {
                    continue;
                }
                ObjectNode parsed = (ObjectNode) JSON.readTree(event);
                String shown = shown(path, parsed, asTable, since);
                if (shown == null) {
                    continue;
                }
                chunk(out, shown);
                if (marks != null) {
                    marks.sent(parsed);
                    if (marks.initialEventsEnd()) {
                        chunk(out, marks.bookmark(true));
                    }
                }
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watchdog.cancel(false);
            streaming.decrementAndGet();
            socket.abort();
        }
    }

    /** Watches being streamed over HTTP now (for tests: a client is watching). */
    int streaming() {
        return streaming.get();
    }

    private static void chunk(OutputStream out, String event) throws IOException {
        byte[] chunk = (event + "\n").getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The event as the client asked for it (a Table row, or as it is), or null if it is older than the resourceVersion watched from. */
    private String shown(String path, ObjectNode parsed, boolean asTable, long since) {
        JsonNode object = parsed.get("object");
        if (object == null || !object.has("metadata")) {
            return parsed.toString();
        }
        // the mock's watch begins with every object as ADDED: those the client has seen are left out; a
        // DELETED event carries the object's last resourceVersion, which the client may have seen too
        if (since > 0 && "ADDED".equals(parsed.path("type").asText())
            && object.path("metadata").path("resourceVersion").asLong(Long.MAX_VALUE) <= since) {
            return null;
        }
        if (asTable) {
            parsed.set("object", table.apply(path, object));
        }
        return parsed.toString();
    }

    private static long queryLong(String target, String name, long otherwise) {
        String value = query(target, name);
        try {
            return value == null ? otherwise : Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** The query parameter's value, percent-decoded, or null (also for one that does not decode). */
    private static String query(String target, String name) {
        for (String parameter : target.substring(target.indexOf('?') + 1).split("&")) {
            if (parameter.startsWith(name + "=")) {
                try {
                    return java.net.URLDecoder.decode(parameter.substring(name.length() + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** kube-apiserver's answer to watch options that do not go together. */
    private static void invalidListOptions(Socket client, String message) throws IOException {
        ObjectNode status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
            .put("message", "ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: " + message)
            .put("reason", "Invalid").put("code", 422);
        byte[] body = status.toString().getBytes(StandardCharsets.UTF_8);
        client.getOutputStream().write(("HTTP/1.1 422 Unprocessable Entity\r\nContent-Type: application/json\r\nContent-Length: " + body.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().write(body);
    }

    /** The collection as it is now, listed from the mock with the watch's selectors: where the initial events end. */
    private JsonNode list(String target) throws IOException {
        StringBuilder query = new StringBuilder();
        for (String parameter : target.substring(target.indexOf('?') + 1).split("&")) {
            if (parameter.startsWith("labelSelector=") || parameter.startsWith("fieldSelector=")) {
                query.append(query.length() == 0 ? "?" : "&").append(parameter);
            }
        }
        try {
            HttpResponse<byte[]> listed = webSockets.send(HttpRequest.newBuilder(URI.create("http://" + mock.getHost() + ":" + mock.getPort()
                + target.substring(0, target.indexOf('?')) + query)).timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return JSON.readTree(listed.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing", e);
        }
    }

    /**
     * What a watch's bookmarks say: the newest resourceVersion the client has been sent (at least the
     * collection's when the watch began), for the kind it watches. With initial events, the first
     * bookmark comes once as many objects as were listed at the watch's start have been sent.
     */
    private static final class Bookmarks {
        private final String kind;
        private final String apiVersion;
        private long resourceVersion;
        /** Initial events still to send; -1 when there are none (any more). */
        private int initialLeft;

        Bookmarks(JsonNode listed, boolean initialEvents) {
            String listKind = listed.path("kind").asText("");
            this.kind = listKind.endsWith("List") ? listKind.substring(0, listKind.length() - "List".length()) : listKind;
            this.apiVersion = listed.path("apiVersion").asText("v1");
            this.resourceVersion = listed.path("metadata").path("resourceVersion").asLong(0);
            this.initialLeft = initialEvents ? listed.path("items").size() : -1;
        }

        /** True, once, when the initial events are all sent and their bookmark is due. */
        boolean initialEventsEnd() {
            if (initialLeft == 0) {
                initialLeft = -1;
                return true;
            }
            return false;
        }

        boolean initialEventsPending() {
            return initialLeft > 0;
        }

        /** Notes an event sent to the client. */
        void sent(ObjectNode event) {
            resourceVersion = Math.max(resourceVersion, event.path("object").path("metadata").path("resourceVersion").asLong(0));
            if (initialLeft > 0) {
                initialLeft--;
            }
        }

        String bookmark(boolean initialEventsEnd) {
            ObjectNode event = JSON.createObjectNode().put("type", "BOOKMARK");
            ObjectNode metadata = event.putObject("object").put("kind", kind).put("apiVersion", apiVersion)
                .putObject("metadata").put("resourceVersion", Long.toString(resourceVersion));
            if (initialEventsEnd) {
                metadata.putObject("annotations").put(INITIAL_EVENTS_END, "true");
            }
            return event.toString();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
        watchdogs.shutdownNow();
    }

    private static void closeQuietly(Socket client) {
        try {
            client.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
