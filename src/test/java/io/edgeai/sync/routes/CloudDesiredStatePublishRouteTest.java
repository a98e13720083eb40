package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.cloud.ManifestDue;
import io.edgeai.sync.mqtt.Outgoing;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/cloud/desired-state-publish.yaml: objects and tombstones go to the lanes as they come; a
 * manifest is queued once while it waits, then computed on the manifest thread, and what it computes
 * (the manifest, and a node's models after it) goes to the lanes in that order.
 */
class CloudDesiredStatePublishRouteTest extends RouteFileTest {
    private final List<String> handedOff = new CopyOnWriteArrayList<>();
    private final Set<ManifestDue> queued = ConcurrentHashMap.newKeySet();
    private final List<ManifestDue> computed = new CopyOnWriteArrayList<>();

    @Override
    List<String> routeFiles() {
        return List.of("cloud/desired-state-publish.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("manifests", new Object() {
            public boolean enqueue(ManifestDue due) {
                return queued.add(due);
            }

            public long waitMillis(ManifestDue due) {
                return 0;
            }

            public List<Outgoing> compute(ManifestDue due) {
                computed.add(due);
                queued.remove(due);
                return List.of(Outgoing.json(due.topic(new io.edgeai.sync.mqtt.Topics("edgeai")), "manifest"),
                    Outgoing.json("edgeai/nodes/" + due.node() + "/desired/models/ns/m", "model"));
            }
        });
        registry.bind("desiredStateLanes", new Object() {
            public void handOff(Outgoing message) {
                handedOff.add(message.topic());
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        context.start();
    }

    @Test
    void objectsGoToTheLanesAndAManifestAskedForTwiceWhileItWaitsIsComputedOnce() {
        queued.add(ManifestDue.modelsOf("edge0")); // waiting already: asked for again, it is not queued twice
        template.sendBody("direct:desired-state-publish", Outgoing.tombstone("edgeai/nodes/edge0/desired/models/ns/gone"));
        template.sendBody("direct:desired-state-publish", ManifestDue.modelsOf("edge0"));
        assertThat(computed).isEmpty();
        queued.clear();
        template.sendBody("direct:desired-state-publish", ManifestDue.modelsOf("edge1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> handedOff.size() == 3);
        assertThat(computed).containsExactly(ManifestDue.modelsOf("edge1"));
        assertThat(handedOff).containsExactly("edgeai/nodes/edge0/desired/models/ns/gone", "edgeai/nodes/edge1/desired/models/manifest",
            "edgeai/nodes/edge1/desired/models/ns/m");
    }
}
