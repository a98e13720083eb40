package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.resources.ModelMetric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EdgeModelsTest {
    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void metricsAreReadFromAnObjectOrAListAndSortedByKey() throws IOException {
        assertThat(EdgeModels.readMetrics(json("{\"recall\": 0.8, \"accuracy\": 0.91, \"note\": \"ok\"}")))
            .containsExactly(new ModelMetric("accuracy", "0.91"), new ModelMetric("note", "ok"), new ModelMetric("recall", "0.8"));
        assertThat(EdgeModels.readMetrics(json("[{\"key\": \"f1\", \"value\": \"0.7\"}]"))).containsExactly(new ModelMetric("f1", "0.7"));
    }

    @Test
    void otherShapesAreRejected() {
        assertThatThrownBy(() -> EdgeModels.readMetrics(json("42"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> EdgeModels.readMetrics(json("[{\"value\": 1}]"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> EdgeModels.readMetrics(json("{broken"))).isInstanceOf(IOException.class);
    }
}
