package io.edgeai.sync.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.ConfigurationError;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.health.DefaultHealthCheckRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The management server that Camel Main starts for camel.management.*: probes, the scrape, and what it refuses. */
class ManagementServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final CamelContext context = new DefaultCamelContext();
    private ManagementServer server;

    @AfterEach
    void stop() {
        context.stop();
    }

    private ManagementServer start(int port) throws Exception {
        context.getCamelContextExtension().addContextPlugin(HealthCheckRegistry.class, new DefaultHealthCheckRegistry(context));
        server = ManagementServer.listen(context, "127.0.0.1", port, "/", "/observe/health", true);
        context.addService(server, true, true);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:work").routeId("work").log("worked");
            }
        });
        return server;
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessFollowsItsChecksAndLivenessDoesNot() throws Exception {
        AtomicBoolean brokerUp = new AtomicBoolean(false);
        start(0);
        ReadyCheck.register(context, "mqtt-broker", brokerUp::get, () -> "cannot reach the MQTT broker at tcp://nowhere:1883");
        context.start();

        HttpResponse<String> ready = send("GET", "/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(ready.body()).contains("\"status\":\"DOWN\"")
            .contains("{\"name\":\"mqtt-broker\",\"status\":\"DOWN\",\"message\":\"cannot reach the MQTT broker at tcp://nowhere:1883\"}");
        assertThat(send("GET", "/observe/health/live").statusCode()).as("a ready check never restarts the process").isEqualTo(200);
        assertThat(send("GET", "/observe/health").statusCode()).as("every check").isEqualTo(503);

        brokerUp.set(true);
        ready = send("GET", "/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).startsWith("{\"status\":\"UP\"").contains("{\"name\":\"mqtt-broker\",\"status\":\"UP\"}")
            .doesNotContain("message");
    }

    @Test
    void theScrapeHasOurMetersCamelsRouteTimersAndTheJvm() throws Exception {
        start(0);
        Metrics.register(context, registry -> registry.counter("edgeai.test.things").increment(3));
        context.start();
        context.createProducerTemplate().sendBody("direct:work", "x");

        HttpResponse<String> scrape = send("GET", "/observe/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(scrape.body()).contains("edgeai_test_things_total 3.0")
            .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"work\"[^}]*\\} 1\\.0")
            .contains("jvm_memory_used_bytes");
        assertThat(send("HEAD", "/observe/metrics").body()).isEmpty();
    }

    @Test
    void onlyReadsAndOnlyItsOwnPaths() throws Exception {
        start(0);
        context.start();
        HttpResponse<String> post = send("POST", "/observe/health/ready");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(send("DELETE", "/observe/metrics").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/observe/health/ready/../../metrics").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/observe/healthz").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/observe/metrics/x").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
    }

    /** Clients that send half a request and wait (slowloris) are cut off; the probes keep answering. */
    @Test
    void halfSentRequestsDoNotStarveTheProbes() throws Exception {
        start(0);
        context.start();
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port());
                socket.getOutputStream().write("GET /observe/hea".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                slow.add(socket);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> send("GET", "/observe/health/live").statusCode() == 200);
            for (java.net.Socket socket : slow) {
                assertThat(closedByServer(socket)).as("the server closed the half-sent request").isTrue();
            }
        } finally {
            for (java.net.Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** The end of the stream or a reset, within 15 s; false if the connection stays open. */
    private static boolean closedByServer(java.net.Socket socket) throws IOException {
        socket.setSoTimeout(15_000);
        try {
            return socket.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return e.getMessage().contains("reset");
        }
    }

    /**
     * Without TCP_NODELAY each small answer on a kept-alive connection waits for the client's delayed
     * ACK (40 ms). The JDK reads the setting once, when its first server starts, so ours decides it
     * for every JDK server in the process (the benchmarks' stub API ran at 94 writes/s instead of 1,000).
     */
    @Test
    void theJdkServersOfThisProcessAnswerWithoutWaitingForAcks() throws Exception {
        start(0);
        assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    }

    @Test
    void aPortInUseIsAConfigurationErrorNamingTheSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> {
                start(taken.getLocalPort());
                context.start();
            }).isInstanceOf(ConfigurationError.class).hasMessageStartingWith("cannot serve health and metrics on 127.0.0.1:" + taken.getLocalPort())
                .hasMessageContaining("camel.management.port");
        }
    }
}
