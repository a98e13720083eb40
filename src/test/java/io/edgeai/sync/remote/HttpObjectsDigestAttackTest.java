package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Review of the remote model digest (HttpObjects.digest/digestAt). */
class HttpObjectsDigestAttackTest {
    private HttpServer raw;
    private ObjectServer server;

    @AfterEach
    void stop() {
        if (raw != null) {
            raw.stop(0);
        }
        if (server != null) {
            server.close();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /**
     * A server that sends a strong ETag but answers HEAD with 200 whatever If-None-Match says (not every
     * server or CDN answers a conditional HEAD with 304). The ETag it sends is the one digested: the
     * model is unchanged and must not be read again on every poll (the dataset poll compares the ETag;
     * the digest does not).
     */
    @Test
    void anUnchangedModelIsNotReadAgainWhenTheHeadIsAnswered200WithTheSameETag() throws Exception {
        byte[] weights = "weights".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        AtomicInteger gets = new AtomicInteger();
        raw = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        raw.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("ETag", "\"v1\"");
                if ("HEAD".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Content-Length", String.valueOf(weights.length));
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                gets.incrementAndGet();
                exchange.sendResponseHeaders(200, weights.length);
                exchange.getResponseBody().write(weights);
            }
        });
        raw.start();
        String base = "http://127.0.0.1:" + raw.getAddress().getPort();
        HttpObjects http = new HttpObjects(List.of(base + "/m/"), Duration.ofSeconds(5));
        HttpObjects.Digested first = http.digest(base + "/m/model.onnx");
        for (int poll = 0; poll < 3; poll++) {
            assertThat(http.digest(base + "/m/model.onnx")).isEqualTo(first);
        }
        assertThat(gets.get()).as("same ETag on every HEAD: the model was read once, not once per poll").isEqualTo(1);
    }

    /**
     * A weak ETag (W/"...") only says two bodies are equivalent, not byte-identical; a server that keeps
     * it across a byte change answers the conditional HEAD with 304 and the node keeps reporting the old
     * SHA-256 forever. A byte-exact digest cannot be revalidated with a weak validator.
     */
    @Test
    void aWeakETagDoesNotKeepAStaleDigest() throws Exception {
        byte[][] content = {"old weights".getBytes(StandardCharsets.US_ASCII)};
        raw = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        raw.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("ETag", "W/\"model\"");
                if ("W/\"model\"".equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                    exchange.sendResponseHeaders(304, -1);
                    return;
                }
                byte[] body = content[0];
                if ("HEAD".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        raw.start();
        String base = "http://127.0.0.1:" + raw.getAddress().getPort();
        HttpObjects http = new HttpObjects(List.of(base + "/m/"), Duration.ofSeconds(5));
        http.digest(base + "/m/model.onnx");
        content[0] = "new weights, longer".getBytes(StandardCharsets.US_ASCII);
        assertThat(http.digest(base + "/m/model.onnx").sha256()).as("the bytes changed").isEqualTo(sha256(content[0]));
    }

    /**
     * Without ETags a model is judged by size and Last-Modified (one-second steps). A retrained model of
     * the same architecture has the very same size; replaced within the second that was digested, the
     * old SHA-256 was reported for ever: unlike the dataset count, the digest had no safety re-read.
     * Now it is trusted so for {@link HttpObjects#TRUST_WITHOUT_ETAG}, then read again.
     */
    @Test
    void withoutETagsASameSizeReplacementIsNotHiddenForever() throws Exception {
        server = new ObjectServer();
        server.etags = false;
        server.lastModified = "Mon, 30 Nov 2026 12:00:00 GMT"; // both versions within one second
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        HttpObjects http = new HttpObjects(List.of(server.url("/sets/")), Duration.ofSeconds(5), now::get);
        byte[] v1 = "weights-v1".repeat(1_000).getBytes(StandardCharsets.US_ASCII);
        byte[] v2 = "weights-v2".repeat(1_000).getBytes(StandardCharsets.US_ASCII);
        server.put("/sets/model.onnx", v1);
        http.digest(server.url("/sets/model.onnx"));
        server.put("/sets/model.onnx", v2);
        assertThat(http.digest(server.url("/sets/model.onnx")).sha256()).as("within the trust: nothing tells them apart").isEqualTo(sha256(v1));
        now.addAndGet(HttpObjects.TRUST_WITHOUT_ETAG.toNanos() + 1);
        assertThat(http.digest(server.url("/sets/model.onnx")).sha256()).isEqualTo(sha256(v2));
    }
}
