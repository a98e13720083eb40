package io.edgeai.sync.management;

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
    @Override
    public Service newHttpServer(CamelContext context, HttpServerConfigurationProperties configuration) {
        throw new IllegalArgumentException("camel.server.* is not supported: edgeai-sync serves only its management endpoints (camel.management.*)");
    }

    @Override
    public Service newHttpManagementServer(CamelContext context, HttpManagementServerConfigurationProperties configuration) {
        return ManagementServer.listen(context, configuration.getHost(), configuration.getPort(), configuration.getPath(),
            configuration.isHealthCheckEnabled() ? configuration.getHealthPath() : null, configuration.isMetricsEnabled());
    }
}
