package io.edgeai.sync.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomObjectTest {
    /** The Kubernetes client's own JSON, as the informers and the API calls use it. */
    private final KubernetesSerialization kubernetes = new KubernetesSerialization();

    private Dataset listed(String name) {
        return kubernetes.unmarshal("""
            {"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset","metadata":{"name":"%s","namespace":"ns"},
             "spec":{"dataUrl":"/data/%s","format":"txt","nodeName":"edge0"},"status":{"numberOfSamples":3}}
            """.formatted(name, name), Dataset.class);
    }

    @Test
    void aDatasetIsReadAndWrittenAsTheApiServerHasIt() throws Exception {
        Dataset dataset = listed("d1");

        assertThat(dataset.getMetadata().getName()).isEqualTo("d1");
        assertThat(dataset.getSpec().getDataUrl()).isEqualTo("/data/d1");
        assertThat(dataset.getStatus().getNumberOfSamples()).isEqualTo(3);
        JsonNode written = new ObjectMapper().readTree(kubernetes.asJson(dataset));
        List<String> fields = new ArrayList<>();
        written.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("apiVersion", "kind", "metadata", "spec", "status");
        assertThat(written.get("apiVersion").asText()).isEqualTo("edgeai.io/v1alpha1");
        assertThat(written.get("kind").asText()).isEqualTo("Dataset");
    }

    @Test
    void theNamesAreTheClasssOnceNotEachObjectsCopy() {
        Dataset first = listed("d1");
        Dataset second = listed("d2");

        assertThat(second.getApiVersion()).isSameAs(first.getApiVersion()).isEqualTo("edgeai.io/v1alpha1");
        assertThat(second.getKind()).isSameAs(first.getKind()).isEqualTo("Dataset");
        assertThat(new Model().getKind()).isEqualTo("Model");
        assertThat(new Model().getApiVersion()).isEqualTo("edgeai.io/v1alpha1");
    }

    @Test
    void objectsAreEqualByWhatTheyHold() {
        assertThat(named(new Dataset(), "d1")).isEqualTo(named(new Dataset(), "d1")).hasSameHashCodeAs(named(new Dataset(), "d1"))
            .isNotEqualTo(named(new Dataset(), "d2")).isNotEqualTo(named(new Model(), "d1"));
    }

    private static <T extends CustomObject<?, ?>> T named(T object, String name) {
        object.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("ns").build());
        return object;
    }
}
