package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgeai.sync.SyncApp;
import io.edgeai.sync.local.EmbeddedBroker;
import io.edgeai.sync.local.LocalKubernetesApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.paho.PahoEndpoint;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route in routes/ starts, from the files on disk, exactly as shipped. */
class RoutesAsShippedTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void cloudAndEdgeStartEveryShippedRouteFromDisk(@TempDir Path dir) throws Exception {
        try (EmbeddedBroker broker = new EmbeddedBroker(0); LocalKubernetesApi api = new LocalKubernetesApi()) {
            Properties cloudProps = new Properties();
            cloudProps.setProperty("camel.management.port", "0"); // health and metrics on any free port: many processes share this JVM
            cloudProps.setProperty("edgeai.mqtt.url", broker.url());
            cloudProps.setProperty("edgeai.cloud.leader-election", "false"); // one cloud, even where the tests run in a pod
            Main cloud = SyncApp.create(SyncApp.CLOUD, cloudProps, api.client());
            Properties edgeProps = new Properties();
            edgeProps.setProperty("camel.management.port", "0"); // health and metrics on any free port: many processes share this JVM
            edgeProps.setProperty("edgeai.mqtt.url", broker.url());
            edgeProps.setProperty("edgeai.node-name", "edge0");
            edgeProps.setProperty("edgeai.edge.data-roots", Files.createDirectories(dir.resolve("data")).toString());
            edgeProps.setProperty("edgeai.edge.state-dir", dir.resolve("state").toString());
            edgeProps.setProperty("edgeai.edge.s3.notifications", "true"); // every shipped route, those off by default too
            Main edge = SyncApp.create(SyncApp.EDGE, edgeProps, null);
            cloud.start();
            edge.start();
            try {
                // a route whose MQTT client the broker dropped at start is started again by the
                // supervising controller 2 s later (seen with the embedded broker on a busy machine)
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertStartedFromDisk(cloud.getCamelContext(), "cloud", List.of());
                    assertStartedFromDisk(edge.getCamelContext(), "edge", List.of("dataset-watch-0"));
                });
                assertThat(willTopics(edge.getCamelContext())).as("only the client that publishes the online flag carries the will")
                    .containsExactly(Map.entry("paho://edgeai-publish", "edgeai/nodes/edge0/online"));
                assertThat(willTopics(cloud.getCamelContext())).isEmpty();
            } finally {
                edge.stop();
                cloud.stop();
            }
        }
    }

    private static void assertStartedFromDisk(CamelContext context, String mode, List<String> fromTemplates) throws Exception {
        List<String> shipped = new ArrayList<>(fromTemplates);
        for (Path file : yamlFiles(mode)) {
            for (JsonNode item : YAML.readTree(file.toFile())) {
                if (item.has("route")) {
                    shipped.add(item.get("route").get("id").asText());
                }
            }
        }
        assertThat(context.getRoutes()).extracting(Route::getRouteId).containsExactlyInAnyOrderElementsOf(shipped);
        for (Route route : context.getRoutes()) {
            assertThat(context.getRouteController().getRouteStatus(route.getRouteId())).as(route.getRouteId()).isEqualTo(ServiceStatus.Started);
            if (!fromTemplates.contains(route.getRouteId())) {
                assertThat(route.getSourceLocation()).as(route.getRouteId()).startsWith("file:routes/");
            }
        }
    }

    /** The MQTT endpoints (by URI without options) that connect with a last will, and its topic. */
    private static Map<String, String> willTopics(CamelContext context) {
        Map<String, String> wills = new TreeMap<>();
        for (Endpoint endpoint : context.getEndpoints()) {
            if (endpoint instanceof PahoEndpoint paho && paho.getConfiguration().getWillTopic() != null) {
                wills.put(paho.getEndpointBaseUri(), paho.getConfiguration().getWillTopic());
            }
        }
        return wills;
    }

    private static List<Path> yamlFiles(String mode) throws Exception {
        List<Path> files = new ArrayList<>();
        for (String dir : List.of(mode, "common")) {
            try (var list = Files.list(Path.of("routes", dir))) {
                files.addAll(list.filter(p -> p.toString().endsWith(".yaml")).toList());
            }
        }
        return files;
    }
}
