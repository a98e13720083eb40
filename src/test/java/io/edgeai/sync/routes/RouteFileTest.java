package io.edgeai.sync.routes;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.util.function.ThrowingConsumer;

/**
 * A route file as shipped in {@code routes/}, alone in a Camel context (camel-test-junit5), with the
 * shared error handling: its external endpoints (MQTT, informers, timers) are replaced by direct
 * endpoints and its beans by small recorders, so what the route does with a message is seen in
 * milliseconds, without a broker or an API server. An operator who edits a route runs its test:
 * {@code mvn test -Dtest=<Route>RouteTest}.
 */
abstract class RouteFileTest extends CamelTestSupport {
    /** The route files' placeholders, as a deployment would set them. */
    static final Map<String, String> PROPERTIES = Map.of("edgeai.mqtt.topic-prefix", "edgeai", "edgeai.node-name", "edge0",
        "edgeai.mqtt.client-id", "test", "edgeai.mqtt.publish-retries", "0");

    /** What the error handling refused, as {@code route: reason}. */
    final List<String> refused = new CopyOnWriteArrayList<>();

    /** The route files to load, under {@code routes/} (the error handling is always loaded). */
    abstract List<String> routeFiles();

    /** Binds the beans the routes name. */
    abstract void bindBeans(org.apache.camel.spi.Registry registry);

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties properties = new Properties();
        properties.putAll(PROPERTIES);
        configuration.withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    @Override
    protected void bindToRegistry(org.apache.camel.spi.Registry registry) throws Exception {
        registry.bind("refusals", new Object() {
            @SuppressWarnings("unused")
            public boolean refused(String where, String reason) {
                RouteFileTest.this.refused.add(where + ": " + reason);
                return true;
            }
        });
        registry.bind("brokerOutage", new io.edgeai.sync.mqtt.BrokerOutage("tcp://no-broker-in-route-tests:1883"));
        bindBeans(registry);
        List<String> files = new java.util.ArrayList<>(List.of("common/error-handling.yaml")); // first: it applies to the routes loaded after it
        files.addAll(routeFiles());
        for (String file : files) {
            PluginHelper.getRoutesLoader(context).loadRoutes(org.apache.camel.support.ResourceHelper.resolveMandatoryResource(context, "file:routes/" + file));
        }
    }

    /** Changes a route before the context starts (replaces its {@code from}, say). */
    void advise(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> advice) throws Exception {
        AdviceWith.adviceWith(context, routeId, advice);
    }
}
