package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.Model;
import io.fabric8.kubernetes.api.model.Condition;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeanItemStoreTest {
    private final LeanItemStore<Dataset> store = new LeanItemStore<>();

    /** A Dataset as kube-apiserver sends it after kubectl apply and a status write, parsed as the informer does. */
    private static Dataset asListed(String name, String node) {
        String json = """
            {"apiVersion":"edgeai.io/v1alpha1","kind":"Dataset",
             "metadata":{"name":"%s","namespace":"team-a","uid":"uid-%s","generation":2,"resourceVersion":"77",
               "creationTimestamp":"2026-11-30T00:00:00Z",
               "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"apiVersion\\":\\"edgeai.io/v1alpha1\\"}","team":"vision"},
               "managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{}}}]},
             "spec":{"dataUrl":"/data/%s/index.txt","format":"txt","nodeName":"%s"},
             "status":{"numberOfSamples":3,"observedGeneration":2,"updateTime":"2026-11-30T00:00:01.5Z",
               "conditions":[{"type":"Ready","status":"True","reason":"Counted","message":"counted","observedGeneration":2,
                 "lastTransitionTime":"2026-11-30T00:00:01Z"}]}}
            """.formatted(name, name, name, node);
        return Json.read(json.getBytes(StandardCharsets.UTF_8), Dataset.class, "dataset");
    }

    @Test
    void whatTheCloudNeverReadsIsDroppedAndWhatItReadsStays() {
        store.put("team-a/d1", asListed("d1", "edge-7"));

        Dataset cached = store.get("team-a/d1");
        assertThat(cached.getMetadata().getManagedFields()).isEmpty();
        assertThat(cached.getMetadata().getAnnotations()).containsOnlyKeys("team");
        assertThat(cached.getMetadata().getUid()).isEqualTo("uid-d1");
        assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("77");
        assertThat(cached.getMetadata().getGeneration()).isEqualTo(2);
        assertThat(cached.getSpec().getDataUrl()).isEqualTo("/data/d1/index.txt");
        assertThat(cached.getSpec().getNodeName()).isEqualTo("edge-7");
        assertThat(cached.getStatus().getNumberOfSamples()).isEqualTo(3);
        Condition ready = cached.getStatus().getConditions().get(0);
        assertThat(ready.getReason()).isEqualTo("Counted");
        assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-30T00:00:01Z");
    }

    @Test
    void valuesThatRepeatAcrossObjectsAreHeldOnce() {
        Dataset first = asListed("d1", "edge-7");
        Dataset second = asListed("d2", "edge-7");
        assertThat(first.getSpec().getNodeName()).isNotSameAs(second.getSpec().getNodeName()); // as parsed: two copies

        store.put("team-a/d1", first);
        store.put("team-a/d2", second);

        assertThat(second.getSpec().getNodeName()).isSameAs(first.getSpec().getNodeName());
        assertThat(second.getSpec().getFormat()).isSameAs(first.getSpec().getFormat());
        assertThat(second.getMetadata().getNamespace()).isSameAs(first.getMetadata().getNamespace());
        assertThat(second.getStatus().getConditions().get(0).getReason()).isSameAs(first.getStatus().getConditions().get(0).getReason());
        assertThat(second.getMetadata().getLabels()).isSameAs(first.getMetadata().getLabels()); // both empty: the one empty map
        assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());
    }

    @Test
    void cachedObjectsCannotBeChangedThroughTheirEmptyCollections() {
        store.put("team-a/d1", asListed("d1", "edge-7"));

        assertThatThrownBy(() -> store.get("team-a/d1").getMetadata().getFinalizers().add("mine"))
            .isInstanceOf(UnsupportedOperationException.class);
        // the conditions are held in a list of their own size, which cannot change either
        assertThatThrownBy(() -> store.get("team-a/d1").getStatus().getConditions().add(new Condition()))
            .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aListWithAHoleInItIsKeptAsItCame() {
        Dataset dataset = asListed("d1", "edge-7");
        dataset.getStatus().setConditions(new java.util.ArrayList<>(java.util.Arrays.asList(null, new Condition())));

        store.put("team-a/d1", dataset);

        assertThat(store.get("team-a/d1").getStatus().getConditions()).hasSize(2).containsNull();
    }

    @Test
    void modelsAreTrimmedToo() {
        Model model = Json.read("""
            {"apiVersion":"edgeai.io/v1alpha1","kind":"Model","metadata":{"name":"m","namespace":"team-a",
             "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"},"managedFields":[{"manager":"kubectl"}]},
             "spec":{"modelUrl":"/models/m.onnx","format":"onnx"}}
            """.getBytes(StandardCharsets.UTF_8), Model.class, "model");
        LeanItemStore<Model> models = new LeanItemStore<>();

        models.put("team-a/m", model);

        assertThat(models.get("team-a/m").getMetadata().getAnnotations()).isEmpty();
        assertThat(models.get("team-a/m").getMetadata().getManagedFields()).isEmpty();
        assertThat(models.get("team-a/m").getSpec().getModelUrl()).isEqualTo("/models/m.onnx");
    }

    private static final String BY_NODE = "node";

    private void indexByNode() {
        store.addIndex(BY_NODE, dataset -> List.of(dataset.getSpec().getNodeName()));
    }

    @Test
    void theIndexFindsEachObjectUnderItsNodeAsItMovesAndGoes() {
        indexByNode();
        store.put("team-a/d1", asListed("d1", "edge-7"));
        store.put("team-a/d2", asListed("d2", "edge-7"));
        store.put("team-a/d3", asListed("d3", "edge-8"));
        assertThat(store.byIndex(BY_NODE, "edge-7").map(d -> d.getMetadata().getName())).containsExactlyInAnyOrder("d1", "d2");

        store.put("team-a/d2", asListed("d2", "edge-8"));
        assertThat(store.byIndex(BY_NODE, "edge-7").map(d -> d.getMetadata().getName())).containsExactly("d1");
        assertThat(store.byIndex(BY_NODE, "edge-8").map(d -> d.getMetadata().getName())).containsExactlyInAnyOrder("d2", "d3");

        store.remove("team-a/d1");
        assertThat(store.byIndex(BY_NODE, "edge-7")).isEmpty();
        assertThat(store.indexKeys(BY_NODE, "edge-7")).isEmpty();
        assertThat(store.byIndex(BY_NODE, "edge-9")).isEmpty();
    }

    @Test
    void anObjectUpdatedInPlaceKeepsTheKeyTheStoreHoldsInItsIndex() {
        indexByNode();
        String listed = new String("team-a/d1"); // the informer computes a new key string for every event
        store.put(listed, asListed("d1", "edge-7"));

        store.put(new String("team-a/d1"), asListed("d1", "edge-7")); // a status written: same node

        assertThat(store.indexKeys(BY_NODE, "edge-7")).singleElement().isSameAs(listed);
    }

    @Test
    void aModelIsIndexedUnderEveryNodeItNamesAndANullNameIsPassedOver() {
        LeanItemStore<Model> models = new LeanItemStore<>();
        models.addIndex(BY_NODE, model -> model.getSpec().getNodeNames());
        Model model = Json.read("""
            {"apiVersion":"edgeai.io/v1alpha1","kind":"Model","metadata":{"name":"m","namespace":"team-a"},
             "spec":{"modelUrl":"/models/m.onnx","format":"onnx","nodeNames":["edge-1","edge-2",null]}}
            """.getBytes(StandardCharsets.UTF_8), Model.class, "model");
        models.put("team-a/m", model);
        assertThat(models.byIndex(BY_NODE, "edge-1")).hasSize(1);
        assertThat(models.byIndex(BY_NODE, "edge-2")).hasSize(1);

        Model narrowed = Json.read("""
            {"apiVersion":"edgeai.io/v1alpha1","kind":"Model","metadata":{"name":"m","namespace":"team-a"},
             "spec":{"modelUrl":"/models/m.onnx","format":"onnx","nodeNames":["edge-2","edge-3"]}}
            """.getBytes(StandardCharsets.UTF_8), Model.class, "model");
        models.put("team-a/m", narrowed);

        assertThat(models.byIndex(BY_NODE, "edge-1")).isEmpty();
        assertThat(models.byIndex(BY_NODE, "edge-2")).containsExactly(narrowed);
        assertThat(models.byIndex(BY_NODE, "edge-3")).containsExactly(narrowed);
    }

    @Test
    void anIndexIsAddedBeforeTheStoreHoldsAnything() {
        store.put("team-a/d1", asListed("d1", "edge-7"));

        assertThatThrownBy(this::indexByNode).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anIndexFunctionThatGivesNothingLeavesTheObjectOutOfTheIndex() {
        store.addIndex(BY_NODE, dataset -> null);
        store.put("team-a/d1", asListed("d1", "edge-7"));

        assertThat(store.byIndex(BY_NODE, "edge-7")).isEmpty();
        assertThat(store.byIndex(BY_NODE, null)).isEmpty();
        assertThat(store.get("team-a/d1")).isNotNull();
    }
}
