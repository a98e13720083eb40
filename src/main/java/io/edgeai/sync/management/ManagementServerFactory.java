package io.edgeai.sync.management;

import io.edgeai.sync.ConfigurationError;
import org.apache.camel.CamelContext;
import org.apache.camel.Service;
import org.apache.camel.main.HttpManagementServerConfigurationProperties;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.apache.camel.main.MainHttpServerFactory;

/**
 * Camel Main's hook for its management server ({@code camel.management.*}), found through
 * META-INF/services/org/apache/camel/platform-http-server. Camel's own (camel-platform-http-main)
 * runs on Vert.x and Netty, 6 MB that the edge jar cannot carry; this one runs on the JDK's HTTP
 * server and serves the same paths for every mode.
 */
public final class ManagementServerFactory implements MainHttpServerFactory {
    /**
     * The port as written: Camel's binding turns a value it cannot read ("abc", "9881 " with a space)
     * into a random port without a word, where the probes would never find it.
     */
    private static int port(CamelContext context, int bound) {
        String written = context.getPropertiesComponent().resolveProperty("camel.management.port").orElse(null);
        return written == null ? bound : port(written);
    }

    /** A camel.management.port setting as written (spaces around it allowed), or a one-line configuration error. */
    public static int port(String written) {
        try {
            return Integer.parseInt(written.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationError("camel.management.port must be a port number, not '" + written + "'");
        }
    }

    @Override
    public Service newHttpServer(CamelContext context, HttpServerConfigurationProperties configuration) {
        throw new IllegalArgumentException("camel.server.* is not supported: edgeai-sync serves only its management endpoints (camel.management.*)");
    }

    @Override
    public Service newHttpManagementServer(CamelContext context, HttpManagementServerConfigurationProperties configuration) {
        return ManagementServer.listen(context, configuration.getHost(), port(context, configuration.getPort()), configuration.getPath(),
            configuration.isHealthCheckEnabled() ? configuration.getHealthPath() : null, configuration.isMetricsEnabled());
    }
}
