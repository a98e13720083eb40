package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.remote.BucketEventsTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/edge/bucket-notifications.yaml as shipped: a MinIO notification read in the route into the
 * objects it names, handed to the datasets and then the models; what is not a notification is
 * refused with its reason and the route goes on.
 */
class EdgeBucketNotificationsRouteTest extends RouteFileTest {
    @Override
    List<String> routeFiles() {
        return List.of("edge/bucket-notifications.yaml");
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("edgeDatasets", new Object() {
            public void objectsChanged(List<String> objects) {
                calls.add("edgeDatasets.objectsChanged(" + objects + ")");
            }
        });
        registry.bind("edgeModels", new Object() {
            public void objectsChanged(List<String> objects) {
                calls.add("edgeModels.objectsChanged(" + objects + ")");
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        replaceFromsAndMock(List.of("bucket-notifications"));
        context.start();
    }

    private void receive(String message) {
        template.sendBody("direct:bucket-notifications", message.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aNotificationMakesTheDatasetsAndThenTheModelsLookAgain() {
        receive(BucketEventsTest.minioEvent("s3:ObjectCreated:Put", "training", "sets%2Findex.txt"));
        assertThat(calls).containsExactly("edgeDatasets.objectsChanged([s3://training/sets/index.txt])",
            "edgeModels.objectsChanged([s3://training/sets/index.txt])");
        assertThat(refused).isEmpty();
    }

    @Test
    void whatIsNotANotificationIsRefusedAndTheRouteGoesOn() {
        receive("{not json");
        receive("{\"EventName\":\"s3:ObjectCreated:Put\"}");
        receive("x".repeat(70_000));
        assertThat(refused).hasSize(3);
        assertThat(refused.get(0)).startsWith("bucket-notifications: malformed JSON");
        assertThat(refused.get(1)).isEqualTo("bucket-notifications: a bucket notification without records");
        assertThat(refused.get(2)).isEqualTo("bucket-notifications: a bucket notification of 70000 bytes (at most 65536)");
        assertThat(calls).isEmpty();

        receive(BucketEventsTest.minioEvent("s3:ObjectRemoved:Delete", "training", "images/1.jpg"));
        assertThat(calls).hasSize(2);
    }
}
