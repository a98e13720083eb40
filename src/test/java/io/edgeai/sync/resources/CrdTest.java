package io.edgeai.sync.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.edgeai.sync.local.LocalKubernetesApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the in-memory API does not check, checked here: the samples against the CRDs' own
 * openAPIV3Schema (as the API server would at apply time), and the printer columns' JSONPaths
 * evaluated by the real kubectl on a resource with a status.
 */
class CrdTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode crd(String plural) throws IOException {
        return YAML.readTree(Path.of("crds", plural + ".edgeai.io.yaml").toFile());
    }

    private static JsonSchema schemaOf(JsonNode crd) {
        JsonNode openApi = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApi);
    }

    private static Set<String> errors(JsonSchema schema, String yaml) throws IOException {
        return schema.validate(YAML.readTree(yaml)).stream().map(ValidationMessage::getMessage).collect(Collectors.toSet());
    }

    @Test
    void theCrdsKeepTheSeedsShape() throws IOException {
        for (String plural : List.of("datasets", "models")) {
            JsonNode crd = crd(plural);
            assertThat(crd.at("/spec/group").asText()).isEqualTo("edgeai.io");
            assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
            assertThat(crd.at("/spec/versions/0/name").asText()).isEqualTo("v1alpha1");
            assertThat(crd.at("/spec/versions/0/subresources/status").isObject()).isTrue();
        }
        JsonNode dataset = crd("datasets").at("/spec/versions/0/schema/openAPIV3Schema/properties");
        assertThat(dataset.at("/spec/properties").fieldNames()).toIterable().containsExactlyInAnyOrder("dataUrl", "format", "nodeName");
        assertThat(dataset.at("/status/properties").fieldNames()).toIterable()
            .contains("numberOfSamples", "updateTime", "observedGeneration", "conditions");
        JsonNode model = crd("models").at("/spec/versions/0/schema/openAPIV3Schema/properties");
        assertThat(model.at("/status/properties/metrics/items/properties").fieldNames()).toIterable().containsExactlyInAnyOrder("key", "value");
    }

    /**
     * The short names (and plurals) kube-apiserver v1.31 serves for its built-in resources: a CRD short
     * name among them is shadowed, or shadows them (`ds` had listed DaemonSets, issue 10).
     */
    private static final Set<String> BUILT_IN_NAMES = Set.of("cs", "cm", "ep", "ev", "limits", "ns", "no", "pvc", "pv", "po", "podtemplates",
        "rc", "quota", "sa", "svc", "crd", "crds", "ds", "deploy", "rs", "sts", "hpa", "cj", "csr", "ing", "ingclass", "netpol", "pdb", "pc",
        "sc", "csidrivers", "csinodes", "va", "leases", "events", "pods", "nodes", "secrets", "services", "jobs", "cronjobs", "roles",
        "rolebindings", "clusterroles", "clusterrolebindings", "endpointslices", "priorityclasses", "runtimeclasses", "apiservices",
        "flowschemas", "prioritylevelconfigurations", "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
        "volumeattachments", "storageclasses", "controllerrevisions", "daemonsets", "deployments", "replicasets", "statefulsets");

    @Test
    void noNameOfOursIsAlsoABuiltInOne() throws IOException {
        for (String plural : List.of("datasets", "models")) {
            JsonNode names = crd(plural).at("/spec/names");
            List<String> ours = new java.util.ArrayList<>(List.of(names.path("plural").asText(), names.path("singular").asText()));
            names.path("shortNames").forEach(shortName -> ours.add(shortName.asText()));
            assertThat(ours).as(plural).doesNotContainAnyElementsOf(BUILT_IN_NAMES);
        }
    }

    @Test
    void everySampleIsValid() throws IOException {
        try (var samples = Files.list(Path.of("crds/samples"))) {
            for (Path sample : samples.toList()) {
                JsonNode resource = YAML.readTree(sample.toFile());
                String plural = resource.get("kind").asText().equals("Dataset") ? "datasets" : "models";
                assertThat(schemaOf(crd(plural)).validate(resource)).as(sample.toString()).isEmpty();
            }
        }
    }

    @Test
    void mistakesAreCaughtAtApplyTime() throws IOException {
        JsonSchema datasets = schemaOf(crd("datasets"));
        assertThat(errors(datasets, "spec: {dataUrl: /d, format: txt}")).anyMatch(m -> m.contains("nodeName"));
        assertThat(errors(datasets, "spec: {dataUrl: /d, format: txt, nodeName: Edge_0}")).anyMatch(m -> m.contains("pattern"));
        assertThat(errors(datasets, "spec: {dataUrl: /d, format: txt, nodeName: 'edge/0'}")).anyMatch(m -> m.contains("pattern"));
        assertThat(errors(datasets, "spec: {dataUrl: '', format: txt, nodeName: edge0}")).isNotEmpty();
        assertThat(errors(datasets, "spec: {dataUrl: /d, format: txt, nodeName: edge0}\nstatus: {numberOfSamples: -1}")).isNotEmpty();
        assertThat(errors(datasets, "spec: {dataUrl: /d, format: txt, nodeName: edge-0.zone-a}")).isEmpty();
        assertThat(errors(schemaOf(crd("models")), "spec: {format: pb}")).anyMatch(m -> m.contains("modelUrl"));
    }

    @Test
    void theDatasetPrinterColumnsShowTheStatusInRealKubectl(@TempDir Path dir) throws Exception {
        Map<String, String> row = printedRow(dir, "datasets", "Dataset", """
            {"dataUrl": "/data/index.txt", "format": "txt", "nodeName": "edge0"}""", """
            {"status": {"numberOfSamples": 42, "updateTime": "2026-11-28T10:00:00Z", "conditions": [
              {"type": "Other", "status": "False", "reason": "Nope"}, {"type": "Ready", "status": "True", "reason": "Counted"}]}}""");
        assertThat(row.keySet()).contains("NumberOfSamples", "Node", "spec", "Ready", "UpdateAge", "Age");
        assertThat(row).containsEntry("NumberOfSamples", "42").containsEntry("Node", "edge0").containsEntry("Ready", "True")
            .containsEntry("Reason", "Counted").containsEntry("UpdateAge", "2026-11-28T10:00:00Z");
        assertThat(row.get("spec")).contains("nodeName:edge0");
    }

    @Test
    void theModelPrinterColumnsShowTheMetricsInRealKubectl(@TempDir Path dir) throws Exception {
        Map<String, String> row = printedRow(dir, "models", "Model", """
            {"modelUrl": "/models/m.pb", "format": "pb"}""", """
            {"status": {"updateTime": "2026-11-28T11:00:00Z", "metrics": [{"key": "accuracy", "value": "0.91"}]}}""");
        assertThat(row.keySet()).contains("UpdateAge", "Metrics", "Age");
        assertThat(row).containsEntry("Format", "pb").containsEntry("UpdateAge", "2026-11-28T11:00:00Z");
        assertThat(row.get("Metrics")).contains("accuracy").contains("0.91");
    }

    /**
     * Creates one resource with a status in the in-memory API, then lets the real kubectl print it with
     * the CRD's own printer columns (as custom columns, since the in-memory API serves no tables).
     */
    private static Map<String, String> printedRow(Path dir, String plural, String kind, String spec, String statusPatch) throws Exception {
        Path kubectl = Path.of("/usr/bin/kubectl");
        if (!Files.isExecutable(kubectl)) {
            System.err.println("SKIPPED printer columns: kubectl is not installed");
        }
        assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed");
        List<String> names = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (JsonNode column : crd(plural).at("/spec/versions/0/additionalPrinterColumns")) {
            names.add(column.get("name").asText());
            columns.add(column.get("name").asText() + ":" + column.get("jsonPath").asText());
        }
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup("edgeai.io").withVersion("v1alpha1").withPlural(plural).withNamespaced(true).withKind(kind).build();
            GenericKubernetesResource resource = YAML.convertValue(YAML.readTree(
                "{\"apiVersion\": \"edgeai.io/v1alpha1\", \"kind\": \"" + kind + "\", \"metadata\": {\"name\": \"shown\", \"namespace\": \"default\"},"
                    + " \"spec\": " + spec + "}"), GenericKubernetesResource.class);
            var resources = api.client().genericKubernetesResources(context).inNamespace("default");
            resources.resource(resource).create();
            resources.withName("shown").subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), statusPatch);
            Path kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));

            Process process = new ProcessBuilder(kubectl.toString(), "--kubeconfig", kubeconfig.toString(), "get", plural, "shown",
                "-o", "custom-columns=" + String.join(",", columns)).redirectErrorStream(true).start();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String[] lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split("\n");
            assertThat(lines).hasSize(2);
            assertThat(List.of(lines[0].trim().split("\\s+"))).containsExactlyElementsOf(names);
            List<String> cells = cells(lines[0], lines[1], names);
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                row.put(names.get(i), cells.get(i));
            }
            return row;
        }
    }

    /** kubectl aligns each value under its header; a value (the spec map) may hold spaces. */
    private static List<String> cells(String header, String row, List<String> names) {
        int[] starts = new int[names.size() + 1];
        int from = 0;
        for (int i = 0; i < names.size(); i++) {
            starts[i] = header.indexOf(names.get(i), from);
            from = starts[i] + names.get(i).length();
        }
        starts[names.size()] = row.length();
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            cells.add(row.substring(Math.min(starts[i], row.length()), Math.min(starts[i + 1], row.length())).trim());
        }
        return cells;
    }
}
