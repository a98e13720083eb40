package io.edgeai.sync.management;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edgeai.sync.ConfigurationError;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health probes and the Prometheus scrape on the JDK's HTTP server: {@code <health>} (every check),
 * {@code <health>/live}, {@code <health>/ready} (200 or 503, {@link HealthReport}) and
 * {@code <path>/observe/metrics}. The checks are Camel's health registry; the meters are one Prometheus
 * registry bound as {@value Metrics#REGISTRY}, with Camel's per-route timers and the JVM's memory,
 * threads and collections in it.
 */
final class ManagementServer extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);
    /** Camel's exposure level that lists every check, not only a summary while all are up. */
    private static final String EVERY_CHECK = "full";
    private static final String MAX_REQUEST_SECONDS = "sun.net.httpserver.maxReqTime";
    private static final String MAX_RESPONSE_SECONDS = "sun.net.httpserver.maxRspTime";
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    /**
     * Requests served at once. The JDK's server reads a request on the thread that serves it, so a
     * client that sends half a request holds a thread until the request limit (1 s) cuts it off:
     * starving the probes takes more than this many such connections a second.
     */
    private static final int THREADS = 16;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final CamelContext context;
    private final HttpServer server;
    private final String host;
    private final String metricsPath;
    private final String healthPath;
    private PrometheusMeterRegistry registry;
    private JvmGcMetrics gcMetrics;
    private ExecutorService executor;
    private boolean served;

    private ManagementServer(CamelContext context, HttpServer server, String host, String path, String healthPath, boolean metrics) {
        this.context = context;
        this.server = server;
        this.host = host;
        this.healthPath = healthPath;
        // where camel-micrometer-prometheus serves them (camel.metrics.path), under the server's context path
        this.metricsPath = metrics ? stripSlash(path) + "/observe/metrics" : null;
    }

    /**
     * Takes the port at once, so that a port in use stops the process while it is configured (one
     * line, exit 2), before it connects anywhere.
     *
     * @param healthPath where the probes are, or null for none; {@code metrics} whether to serve {@code path/observe/metrics}
     */
    static ManagementServer listen(CamelContext context, String host, int port, String path, String healthPath, boolean metrics) {
        if (port < 0 || port > 65535) {
            throw new ConfigurationError("camel.management.port must be a port number from 0 to 65535, not " + port);
        }
        // a client that sends half a request, or never reads the answer, would hold a thread for
        // ever, and with it the probes: the JDK's server closes such connections after these times
        // (read once, as its first server starts; values given on the command line win)
        if (System.getProperty(MAX_REQUEST_SECONDS) == null) {
            System.setProperty(MAX_REQUEST_SECONDS, "1");
        }
        if (System.getProperty(MAX_RESPONSE_SECONDS) == null) {
            System.setProperty(MAX_RESPONSE_SECONDS, "10"); // Prometheus' default scrape timeout
        }
        // without TCP_NODELAY a small answer waits for the client's delayed ACK, 40 ms a request; and
        // as these are read once for the whole JVM, every other JDK server in it (the benchmarks'
        // stub API) would pay that too
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        try {
            return new ManagementServer(context, HttpServer.create(new InetSocketAddress(host, port), 16), host, path, healthPath, metrics);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigurationError("cannot serve health and metrics on " + host + ":" + port + " (camel.management.host, camel.management.port): "
                + e.getMessage());
        }
    }

    private static String stripSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Override
    protected void doInit() {
        if (metricsPath == null) {
            return;
        }
        // in place before the routes are created, so that each route gets its timers
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        context.getRegistry().bind(Metrics.REGISTRY, registry);
        MicrometerRoutePolicyFactory routeMetrics = new MicrometerRoutePolicyFactory();
        routeMetrics.setMeterRegistry(registry);
        context.addRoutePolicyFactory(routeMetrics);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
    }

    @Override
    protected void doStart() {
        // probes and scrapes are small and rare; a flood of them waits in the backlog
        executor = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "management-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        if (healthPath != null) {
            String health = stripSlash(healthPath);
            server.createContext(health, exchange -> {
                if (refusedMethod(exchange)) {
                    return;
                }
                String path = exchange.getRequestURI().getPath();
                if (path.equals(health) || path.equals(health + "/")) {
                    reply(exchange, HealthReport.of(HealthCheckHelper.invoke(context, EVERY_CHECK)));
                } else if (path.equals(health + "/live")) {
                    reply(exchange, HealthReport.of(HealthCheckHelper.invokeLiveness(context, EVERY_CHECK)));
                } else if (path.equals(health + "/ready")) {
                    reply(exchange, HealthReport.of(HealthCheckHelper.invokeReadiness(context, EVERY_CHECK)));
                } else {
                    send(exchange, 404, "text/plain", "not found\n");
                }
            });
        }
        if (metricsPath != null) {
            server.createContext(metricsPath, exchange -> {
                if (refusedMethod(exchange)) {
                    return;
                }
                if (exchange.getRequestURI().getPath().equals(metricsPath)) {
                    send(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
                } else {
                    send(exchange, 404, "text/plain", "not found\n");
                }
            });
        }
        server.start();
        served = true;
        LOG.info("health and metrics on http://{}:{}{}", host, port(), healthPath != null ? healthPath : metricsPath);
    }

    /** The port it listens on (the one it was given, or the one the system chose for 0). */
    int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange exchange, HealthReport report) throws IOException {
        send(exchange, report.statusCode(), "application/json", report.json());
    }

    /** Anything but GET and HEAD is answered 405 at once, before any check runs or any meter is read. */
    private static boolean refusedMethod(HttpExchange exchange) throws IOException {
        if ("GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod())) {
            return false;
        }
        try (exchange) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            exchange.sendResponseHeaders(405, -1);
        }
        return true;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    protected void doStop() {
        if (served) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    protected void doShutdown() {
        if (!served) {
            server.stop(0); // never started (the process failed to): let go of the port
        }
        if (gcMetrics != null) {
            gcMetrics.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
