package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import io.edgeai.sync.edge.Reasons;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hostile review of issue 11 (HTTP datasets): web servers that lie, hang, or are reached around the allowlist. */
class HttpObjectsAttackTest {
    private final ObjectServer server;
    private final HttpObjects http;
    private final ExecutorService caller = Executors.newCachedThreadPool();
    private HttpServer hostile;

    HttpObjectsAttackTest() throws Exception {
        server = new ObjectServer();
        http = new HttpObjects(List.of(server.url("/sets/")), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        caller.shutdownNow();
        server.close();
        if (hostile != null) {
            hostile.stop(0);
        }
    }

    private interface Count {
        Object run() throws Exception;
    }

    /** What a count gave (a Counted, or the Refused/other throwable) within {@code limit}, or a failure saying it did not end. */
    private Object within(Duration limit, Count count, java.util.function.Supplier<String> state) throws Exception {
        Future<Object> running = caller.submit(() -> {
            try {
                return count.run();
            } catch (Throwable t) {
                return t;
            }
        });
        try {
            return running.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            running.cancel(true);
            return fail("the count did not end within " + limit.toMillis() + " ms (http-timeout 1000 ms): " + state.get());
        }
    }

    /**
     * ";" path parameters: Tomcat (and servers behind it) read "/sets/..;/private/x" as "/private/x", a
     * double-decoding server "%252e%252e" as "..". The URL is compared as a string after
     * java.net.URI.normalize(), which leaves both alone, so they pass the prefix check and are requested.
     */
    @Test
    void pathParameterAndDoubleEncodedDotSegmentsAreNotFetched() throws Exception {
        server.put("/private/index.txt", "secret\n");
        List<String> fetched = new ArrayList<>();
        for (String url : List.of(server.url("/sets/..;/private/index.txt"), server.url("/sets/%252e%252e/private/index.txt"))) {
            int before = server.requests.size();
            try {
                http.count(url, "txt", false);
            } catch (HttpObjects.Refused refused) {
                // expected, but only before any request
            }
            if (server.requests.size() > before) {
                fetched.add(url + " -> " + server.requests.subList(before, server.requests.size()));
            }
        }
        assertThat(fetched).as("URLs whose path climbs out of /sets/ on common servers were requested").isEmpty();
    }

    /**
     * http-timeout-ms bounds connecting and the response headers only: a server that sends its
     * headers and then one byte a second holds the counting thread as long as it likes.
     */
    @Test
    void aBodyThatTricklesForeverIsBoundedInTime() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hostile.setExecutor(Executors.newCachedThreadPool());
        hostile.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, no end announced
            try (OutputStream body = exchange.getResponseBody()) {
                for (int i = 0; i < 120; i++) {
                    body.write("1\n".getBytes());
                    body.flush();
                    sent.incrementAndGet();
                    Thread.sleep(500);
                }
            } catch (InterruptedException | java.io.IOException e) {
                // stopped
            }
        });
        hostile.start();
        String prefix = "http://127.0.0.1:" + hostile.getAddress().getPort() + "/sets/";
        HttpObjects slow = new HttpObjects(List.of(prefix), Duration.ofSeconds(1));
        Object result = within(Duration.ofSeconds(8), () -> slow.count(prefix + "index.txt", "txt", false),
            () -> sent.get() + " lines trickled in so far, and the read goes on");
        assertThat(result).isInstanceOfSatisfying(HttpObjects.Refused.class, r -> assertThat(r.reason()).isEqualTo(Reasons.UNREACHABLE));
    }

    /**
     * readWhole retries a 412 with readWhole(uri, format, null): with no If-Match left, a server that
     * answers 412 again is asked again, and again (unbounded recursion: thousands of requests, then
     * a StackOverflowError, an Error nothing catches, so the dataset gets no status at all).
     */
    @Test
    void aServerThatAlwaysAnswers412IsNotAskedForever() throws Exception {
        AtomicInteger gets = new AtomicInteger();
        hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hostile.createContext("/", exchange -> {
            try (exchange) {
                if ("GET".equals(exchange.getRequestMethod())) {
                    gets.incrementAndGet();
                }
                exchange.getResponseHeaders().set("ETag", "\"e\"");
                exchange.sendResponseHeaders(412, -1);
            }
        });
        hostile.start();
        String prefix = "http://127.0.0.1:" + hostile.getAddress().getPort() + "/sets/";
        HttpObjects liar = new HttpObjects(List.of(prefix), Duration.ofSeconds(1));
        Object result = within(Duration.ofSeconds(60), () -> liar.count(prefix + "index.txt", "txt", false),
            () -> gets.get() + " GETs so far");
        assertThat(gets.get()).as("GETs sent for one count; the count ended with " + result).isLessThanOrEqualTo(2);
        assertThat(result).isInstanceOf(HttpObjects.Refused.class);
    }

    /**
     * The checkpoint is kept per URL, without the format it was scanned with (the local counter keeps
     * the format and does not resume across formats): two Datasets on one URL, one "txt" and one
     * "csv", get whichever format's count was kept last (a 304 returns it as it is).
     */
    @Test
    void twoFormatsOnOneUrlAreCountedEachByItsOwn() throws Exception {
        String url = server.url("/sets/labels.csv");
        server.put("/sets/labels.csv", "path,label\nx,1\n\"multi\nline\",2\n");
        assertThat(http.count(url, "txt", false).samples()).as("as lines").isEqualTo(4);
        assertThat(http.count(url, "csv", false).samples()).as("as CSV records (a header, one quoted field over two lines)").isEqualTo(2);
    }
}
