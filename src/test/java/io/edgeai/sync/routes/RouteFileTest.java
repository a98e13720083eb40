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
    static final Map<String, String> PROPERTIES = Map.ofEntries(Map.entry("edgeai.mqtt.topic-prefix", "edgeai"),
        Map.entry("edgeai.node-name", "edge0"), Map.entry("edgeai.mqtt.client-id", "test"), Map.entry("edgeai.mqtt.publish-retries", "0"),
        Map.entry("edgeai.edge.presence-period-ms", "60000"), Map.entry("edgeai.edge.verify-period-ms", "60000"),
        Map.entry("edgeai.edge.state-retry-ms", "60000"), Map.entry("edgeai.edge.status-resend-ms", "60000"),
        Map.entry("edgeai.cloud.events-period-ms", "60000"), Map.entry("edgeai.cloud.status-reread-ms", "60000"),
        Map.entry("edgeai.cloud.status-writers", "2"), Map.entry("edgeai.cloud.status-min-interval-ms", "60000"),
        Map.entry("edgeai.cloud.presence-check-ms", "60000"), Map.entry("edgeai.cloud.repair-period-ms", "60000"),
        Map.entry("edgeai.cloud.resync-ms", "60000"), Map.entry("edgeai.edge.remote-tick-ms", "60000"),
        Map.entry("edgeai.edge.s3.notifications", "true"), Map.entry("edgeai.edge.s3.notifications-topic", "edgeai/buckets/events"));

    /** What the error handling refused, as {@code route: reason}. */
    final List<String> refused = new CopyOnWriteArrayList<>();
    /** The calls the tests' beans record, as {@code bean.method} or {@code bean.method(argument)}. */
    final List<String> calls = new CopyOnWriteArrayList<>();

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
        io.edgeai.sync.mqtt.Refusals refusals = new io.edgeai.sync.mqtt.Refusals(1_000);
        refusals.listen(refused::add);
        registry.bind("refusals", refusals);
        registry.bind("leaderOnly", new org.apache.camel.support.RoutePolicySupport() { // the cloud's routes: as the leader
        });
        registry.bind("brokerOutage", new io.edgeai.sync.mqtt.BrokerOutage("tcp://no-broker-in-route-tests:1883"));
        registry.bind("protocolJson", io.edgeai.sync.mqtt.Json.MAPPER);
        registry.bind("topics", new io.edgeai.sync.mqtt.Topics("edgeai"));
        bindBeans(registry);
        List<String> files = new java.util.ArrayList<>(List.of("common/error-handling.yaml")); // first: it applies to the routes loaded after it
        files.addAll(routeFiles());
        for (String file : files) {
            PluginHelper.getRoutesLoader(context).loadRoutes(org.apache.camel.support.ResourceHelper.resolveMandatoryResource(context, "file:routes/" + file));
        }
    }

    /**
     * Replaces each route's {@code from} with {@code direct:<route id>}, and, in those that send to one
     * of {@code to}, sends it to {@code mock:<to without its scheme>} instead.
     */
    void replaceFromsAndMock(List<String> routeIds, String... to) throws Exception {
        for (String routeId : routeIds) {
            advise(routeId, route -> {
                route.replaceFromWith("direct:" + routeId);
                String definition = route.getOriginalRoute().toString();
                for (String uri : to) {
                    if (definition.contains(uri)) {
                        route.weaveByToUri(uri + "*").replace().to("mock:" + uri.substring(uri.indexOf(':') + 1).replaceAll("[^a-z-]", ""));
                    }
                }
            });
        }
    }

    /** Changes a route before the context starts (replaces its {@code from}, say). */
    void advise(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> advice) throws Exception {
        AdviceWith.adviceWith(context, routeId, advice);
    }
}
