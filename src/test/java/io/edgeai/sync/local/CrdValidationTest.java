package io.edgeai.sync.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeai.sync.Kubectl;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.DatasetStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: local mode's API checks every write of a Dataset or Model against its CRD's schema and
 * refuses a mistake as kube-apiserver does (422 Invalid, the field named), with the real kubectl;
 * nothing is stored from a refused write.
 */
class CrdValidationTest {

    /** A Dataset or Model with one mistake, and what kubectl then says. */
    private static final Map<String, String> MISTAKES = Map.of(
        """
            apiVersion: edgeai.io/v1alpha1
            kind: Dataset
            metadata: {name: bad-node}
            spec: {dataUrl: /data/a.txt, format: txt, nodeName: Edge_0}
            """,
        "The Dataset \"bad-node\" is invalid: spec.nodeName: Invalid value: \"Edge_0\": spec.nodeName in body should match "
            + "'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'",
        """
            apiVersion: edgeai.io/v1alpha1
            kind: Dataset
            metadata: {name: no-format}
            spec: {dataUrl: /data/a.txt, nodeName: edge0}
            """,
        "The Dataset \"no-format\" is invalid: spec.format: Required value",
        """
            apiVersion: edgeai.io/v1alpha1
            kind: Dataset
            metadata: {name: no-spec}
            """,
        "The Dataset \"no-spec\" is invalid: spec: Required value",
        """
            apiVersion: edgeai.io/v1alpha1
            kind: Dataset
            metadata: {name: empty-url}
            spec: {dataUrl: "", format: txt, nodeName: edge0}
            """,
        "The Dataset \"empty-url\" is invalid: spec.dataUrl: Invalid value: \"\": spec.dataUrl in body should be at least 1 chars long",
        """
            apiVersion: edgeai.io/v1alpha1
            kind: Model
            metadata: {name: no-url}
            spec: {format: onnx}
            """,
        "The Model \"no-url\" is invalid: spec.modelUrl: Required value",
        """
            apiVersion: edgeai.io/v1alpha1
            kind: Model
            metadata: {name: url-number}
            spec: {modelUrl: 42}
            """,
        "The Model \"url-number\" is invalid: spec.modelUrl: Invalid value: \"integer\": spec.modelUrl in body must be of type string: \"integer\"",
        """
            apiVersion: edgeai.io/v1alpha1
            kind: Model
            metadata: {name: twice}
            spec: {modelUrl: /data/m.onnx, nodeNames: [edge0, edge1, edge0]}
            """,
        "The Model \"twice\" is invalid: spec.nodeNames[2]: Duplicate value: \"edge0\"",
        """
            apiVersion: edgeai.io/v1alpha1
            kind: Model
            metadata: {name: short-digest}
            spec: {modelUrl: /data/m.onnx, sha256: abc}
            """,
        "The Model \"short-digest\" is invalid: spec.sha256: Invalid value: \"abc\": spec.sha256 in body should match '^[0-9a-f]{64}$'");

    @Test
    void kubectlApplyOfAMistakeIsRefusedWithTheFieldNamedAndNothingIsStored(@TempDir Path home) throws Exception {
        assumeTrue(Kubectl.installed(), "kubectl is not installed");
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            Path kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));
            for (Map.Entry<String, String> mistake : MISTAKES.entrySet()) {
                Path file = Files.writeString(home.resolve("object.yaml"), mistake.getKey());
                Kubectl.Result applied = Kubectl.run(kubeconfig, "apply", "-f", file.toString());
                assertThat(applied.exit()).as(mistake.getKey()).isEqualTo(1);
                assertThat(applied.output()).as(mistake.getKey()).contains(mistake.getValue());
            }
            assertThat(Kubectl.run(kubeconfig, "get", "datasets,models", "-o", "name").output()).as("nothing stored").isBlank();
            Path good = Files.writeString(home.resolve("good.yaml"), """
                apiVersion: edgeai.io/v1alpha1
                kind: Dataset
                metadata: {name: good}
                spec: {dataUrl: /data/a.txt, format: txt, nodeName: edge0}
                """);
            assertThat(Kubectl.run(kubeconfig, "apply", "-f", good.toString()).exit()).isZero();
        }
    }

    /** Updates, patches and status writes are checked too, on the object they would leave. */
    @Test
    void writesAfterCreateAreCheckedOnWhatTheyWouldLeave() throws Exception {
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            Dataset dataset = new Dataset();
            dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("d").build());
            dataset.setSpec(new DatasetSpec("/data/d.txt", "txt", "edge0"));
            Dataset created = api.client().resource(dataset).create();

            DatasetStatus negative = new DatasetStatus();
            negative.setNumberOfSamples(-1L);
            created.setStatus(negative);
            assertThatThrownBy(() -> api.client().resource(created).updateStatus()).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("status.numberOfSamples: Invalid value: -1: status.numberOfSamples in body should be greater than or equal to 0")
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422));

            assertThatThrownBy(() -> api.client().resources(Dataset.class).inNamespace("default").withName("d")
                .patch("{\"spec\":{\"nodeName\":\"UPPER\"}}")).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.nodeName: Invalid value: \"UPPER\"");
            assertThat(api.client().resources(Dataset.class).inNamespace("default").withName("d").get().getSpec().getNodeName())
                .as("the refused patch changed nothing").isEqualTo("edge0");

            DatasetStatus counted = new DatasetStatus();
            counted.setNumberOfSamples(3L);
            counted.setUpdateTime("2026-11-30T10:00:00Z");
            created.setStatus(counted);
            assertThat(api.client().resource(created).updateStatus().getStatus().getNumberOfSamples()).isEqualTo(3L);

            counted.setUpdateTime("yesterday");
            assertThatThrownBy(() -> api.client().resources(Dataset.class).inNamespace("default").withName("d").editStatus(d -> {
                d.getStatus().setUpdateTime("yesterday");
                return d;
            })).hasMessageContaining("status.updateTime: Invalid value: \"yesterday\"");
        }
    }


    /** Fields the schema does not declare: pruned (kubectl is warned), or refused when kubectl asks for strict validation. */
    @Test
    void unknownFieldsArePrunedOrRefusedAsTheClientAsks(@TempDir Path home) throws Exception {
        assumeTrue(Kubectl.installed(), "kubectl is not installed");
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            Path kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));
            Path extra = Files.writeString(home.resolve("extra.yaml"), """
                apiVersion: edgeai.io/v1alpha1
                kind: Dataset
                metadata: {name: extra, labels: {team: vision}}
                spec: {dataUrl: /data/a.txt, format: txt, nodeName: edge0, colour: blue}
                """);
            Kubectl.Result strict = Kubectl.run(kubeconfig, "apply", "--validate=strict", "-f", extra.toString());
            assertThat(strict.exit()).isEqualTo(1);
            assertThat(strict.output()).contains("strict decoding error: unknown field \"spec.colour\"");
            assertThat(api.client().resources(Dataset.class).inNamespace("default").withName("extra").get()).isNull();

            Kubectl.Result warned = Kubectl.run(kubeconfig, "apply", "--validate=warn", "-f", extra.toString());
            assertThat(warned.exit()).as(warned.output()).isZero();
            assertThat(warned.output()).contains("unknown field \"spec.colour\"");
            com.fasterxml.jackson.databind.JsonNode stored = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Kubectl.run(kubeconfig, "get", "dataset", "extra", "-o", "json").output());
            assertThat(stored.path("spec").has("colour")).as("pruned").isFalse();
            assertThat(stored.path("spec").path("nodeName").asText()).isEqualTo("edge0");
            assertThat(stored.path("metadata").path("labels").path("team").asText()).as("metadata is never pruned").isEqualTo("vision");
        }
    }
}
