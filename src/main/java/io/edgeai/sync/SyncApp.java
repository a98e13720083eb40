package io.edgeai.sync;

import io.edgeai.sync.cloud.CloudWiring;
import io.edgeai.sync.edge.EdgeWiring;
import io.edgeai.sync.mqtt.Refusals;
import io.edgeai.sync.mqtt.StoppingRouteMessages;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import java.util.Properties;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Builds the Camel Main of one mode: the profile's properties over application.properties, the
 * mode's YAML routes plus the shared ones ({@link RouteFiles}), and the beans those routes call.
 */
public final class SyncApp {
    public static final String CLOUD = "cloud";
    public static final String EDGE = "edge";

    private SyncApp() {
    }

    /**
     * @param overrides properties that win over every file (local mode and tests use them)
     * @param client    the Kubernetes client for cloud mode, or null for fabric8's standard resolution
     *                  (KUBECONFIG, in-cluster service account, {@code kubernetes.master})
     */
    public static Main create(String mode, Properties overrides, KubernetesClient client) {
        Main main = new Main();
        main.configure().setProfile(mode);
        main.configure().withRoutesIncludePattern(RouteFiles.pattern(mode));
        main.configure().setName("edgeai-sync-" + mode);
        // every paho: endpoint closes the clients it made (configured from camel.component.paho.* as Camel's own)
        main.bind("paho", new io.edgeai.sync.mqtt.ClosingPahoComponent());
        main.setPropertyPlaceholderLocations(propertyLocations(mode));
        if (overrides != null && !overrides.isEmpty()) {
            main.setOverrideProperties(overrides);
        }
        // lowest precedence: a setting or EDGEAI_CLOUD_INSTANCE names the replica otherwise
        main.addInitialProperty("edgeai.cloud.instance", defaultInstance());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport support) {
                StoppingRouteMessages.install(support.getCamelContext());
                Settings settings = new Settings(support.getCamelContext());
                Refusals refusals = new Refusals(settings.integer("edgeai.refusals-logged-per-minute", 20));
                support.getCamelContext().getRegistry().bind("refusals", refusals);
                try {
                    io.edgeai.sync.management.Metrics.register(support.getCamelContext(), meters -> FunctionCounter.builder("edgeai.messages.refused",
                        refusals, Refusals::total).description("Messages refused with a reason (logged at a bounded rate, all counted)").register(meters));
                    if (CLOUD.equals(mode)) {
                        CloudWiring.bind(support.getCamelContext(), settings, client != null ? client : new KubernetesClientBuilder().build());
                    } else {
                        EdgeWiring.bind(support.getCamelContext(), settings);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot start " + mode + " mode: " + e.getMessage(), e);
                }
            }
        });
        return main;
    }

    /**
     * Where settings come from, the first that has a setting giving it (Camel's properties component
     * takes the first location that defines a key): the mode's profile file and application.properties
     * in the working directory (as ./routes wins over the jar's routes), then the jar's two;
     * environment variables and JVM system properties win over all of them.
     */
    static String propertyLocations(String mode) {
        return String.join(",", "file:application-" + mode + ".properties;optional=true", "file:application.properties;optional=true",
            "classpath:application-" + mode + ".properties;optional=true", "classpath:application.properties;optional=true");
    }

    /**
     * This process among the cloud's replicas: the pod name in Kubernetes (its host name), else the
     * host name and process id, so that two clouds on one host differ too.
     */
    static String defaultInstance() {
        String pod = System.getenv("HOSTNAME");
        if (pod != null && !pod.isBlank() && System.getenv("KUBERNETES_SERVICE_HOST") != null) {
            return pod;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
