package io.edgeai.sync.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server (the JDK's) that serves objects as a web server or an object store does: an
 * ETag per content, conditional requests ({@code If-None-Match}, {@code If-Match}), byte ranges
 * ({@code Range: bytes=N-}), 404 for what it does not have and 403 for paths under
 * {@code /private/}. It records every request as {@code METHOD path [Range]} so tests can count
 * what was read.
 */
public final class ObjectServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** When set, every request fails with this status (a failing endpoint). */
    public volatile int failWith;
    /** Whether objects carry an ETag (some web servers give only Last-Modified). */
    public volatile boolean etags = true;
    /** When set, every object's Last-Modified (two versions within one second look so). */
    public volatile String lastModified;
    private final Map<String, String> modified = new ConcurrentHashMap<>();

    public ObjectServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void put(String path, byte[] content) {
        objects.put(path, content.clone());
        modified.put(path, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
    }

    public void remove(String path) {
        objects.remove(path);
    }

    public void put(String path, String content) {
        put(path, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Requests that read a body (GETs), and those that asked for a range. */
    public long gets() {
        return requests.stream().filter(request -> request.startsWith("GET ")).count();
    }

    private static String etag(byte[] content) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(content);
        return "\"" + Long.toHexString(crc.getValue()) + "-" + content.length + "\"";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String range = exchange.getRequestHeaders().getFirst("Range");
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + (range != null ? " " + range : ""));
            if (failWith != 0) {
                exchange.sendResponseHeaders(failWith, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/private/")) {
                exchange.sendResponseHeaders(403, -1);
                return;
            }
            byte[] content = objects.get(path);
            if (content == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String etag = etags ? etag(content) : null;
            if (etag != null) {
                exchange.getResponseHeaders().set("ETag", etag);
            }
            exchange.getResponseHeaders().set("Last-Modified", lastModified != null ? lastModified : modified.get(path));
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
            String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
            if (etag != null && etag.equals(ifNoneMatch)) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            if (ifMatch != null && !ifMatch.equals(etag)) { // no ETag: no match
                exchange.sendResponseHeaders(412, -1);
                return;
            }
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            int from = 0;
            if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
                from = Integer.parseInt(range.substring(6, range.length() - 1));
                exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            }
            int length = content.length - from;
            if (head) {
                exchange.getResponseHeaders().set("Content-Length", String.valueOf(length));
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(range != null ? 206 : 200, length == 0 ? -1 : length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(content, from, length);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
