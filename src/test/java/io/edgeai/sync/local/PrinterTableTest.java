package io.edgeai.sync.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeai.sync.Kubectl;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.DatasetStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10: kubectl get in local mode prints the columns a real cluster prints, computed by the server as kube-apiserver does. */
class PrinterTableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void agesAreWrittenAsKubectlWritesThem() {
        Instant now = Instant.parse("2026-11-30T12:00:00Z");
        assertThat(PrinterTable.age("2026-11-30T11:59:55Z", now)).isEqualTo("5s");
        assertThat(PrinterTable.age("2026-11-30T11:58:01Z", now)).isEqualTo("119s");
        assertThat(PrinterTable.age("2026-11-30T11:55:30Z", now)).isEqualTo("4m30s");
        assertThat(PrinterTable.age("2026-11-30T11:55:00Z", now)).isEqualTo("5m");
        assertThat(PrinterTable.age("2026-11-30T10:00:00Z", now)).isEqualTo("120m");
        assertThat(PrinterTable.age("2026-11-30T06:48:00Z", now)).isEqualTo("5h12m");
        assertThat(PrinterTable.age("2026-11-29T00:00:00Z", now)).isEqualTo("36h");
        assertThat(PrinterTable.age("2026-11-27T09:00:00Z", now)).isEqualTo("3d3h");
        assertThat(PrinterTable.age("2026-10-01T12:00:00Z", now)).isEqualTo("60d");
        assertThat(PrinterTable.age("2023-11-30T12:00:00Z", now)).isEqualTo("3y1d"); // 1,096 days: years of 365 days, as kubectl counts
        assertThat(PrinterTable.age("2026-11-30T12:00:01Z", now)).as("a moment ahead: clocks differ a little").isEqualTo("0s");
        assertThat(PrinterTable.age("2026-11-30T12:05:00Z", now)).isEqualTo("<invalid>");
        assertThat(PrinterTable.age("yesterday", now)).isEqualTo("<invalid>");
    }

    @Test
    void columnsFindWhatTheirJsonPathNames() throws Exception {
        JsonNode dataset = JSON.readTree("""
            {"metadata": {"name": "d"}, "spec": {"nodeName": "edge0", "format": "txt"},
             "status": {"numberOfSamples": 3, "conditions": [{"type": "Counted", "status": "True"}, {"type": "Ready", "status": "Unknown", "reason": "NodeOffline"}],
                        "metrics": [{"key": "accuracy", "value": "0.9"}]}}""");
        assertThat(PrinterTable.find(dataset, ".status.numberOfSamples").asLong()).isEqualTo(3);
        assertThat(PrinterTable.find(dataset, ".status.conditions[?(@.type==\"Ready\")].reason").asText()).isEqualTo("NodeOffline");
        assertThat(PrinterTable.find(dataset, "{.status.conditions[1].status}").asText()).isEqualTo("Unknown");
        assertThat(PrinterTable.find(dataset, ".status.conditions[*].type").asText()).as("the first of several").isEqualTo("Counted");
        assertThat(PrinterTable.find(dataset, ".status.conditions[?(@.type==\"Gone\")].status")).isNull();
        assertThat(PrinterTable.find(dataset, ".status.updateTime")).isNull();
        assertThat(PrinterTable.goPrint(PrinterTable.find(dataset, ".spec"))).isEqualTo("map[format:txt nodeName:edge0]");
        assertThat(PrinterTable.goPrint(PrinterTable.find(dataset, ".status.metrics"))).isEqualTo("[map[key:accuracy value:0.9]]");
    }

    @Test
    void kubectlGetPrintsTheCrdsColumns(@TempDir Path home) throws Exception {
        assumeTrue(Kubectl.installed(), "kubectl is not installed");
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            Path kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));
            Dataset dataset = new Dataset();
            dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("images").build());
            dataset.setSpec(new DatasetSpec("/data/images/index.txt", "txt", "edge0"));
            dataset = api.client().resource(dataset).create();
            DatasetStatus status = new DatasetStatus();
            status.setNumberOfSamples(42L);
            status.setUpdateTime(Instant.now().minusSeconds(30).toString());
            status.getConditions().add(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Counted").withMessage("counted")
                .withLastTransitionTime(Instant.now().toString()).build());
            dataset.setStatus(status);
            api.client().resource(dataset).updateStatus();

            List<String> table = Kubectl.ok(kubeconfig, "get", "datasets").lines().toList();
            assertThat(table.get(0)).matches("NAME\\s+NUMBEROFSAMPLES\\s+NODE\\s+READY\\s+UPDATEAGE\\s+AGE");
            assertThat(table.get(1)).matches("images\\s+42\\s+edge0\\s+True\\s+3\\ds\\s+\\d+s");
            List<String> wide = Kubectl.ok(kubeconfig, "get", "eds", "-o", "wide").lines().toList();
            assertThat(wide.get(0)).matches("NAME\\s+NUMBEROFSAMPLES\\s+NODE\\s+READY\\s+REASON\\s+SIZE\\s+REVISION\\s+SPEC\\s+UPDATEAGE\\s+AGE");
            assertThat(wide.get(1)).contains("Counted", "map[dataUrl:/data/images/index.txt format:txt nodeName:edge0]");
            List<String> everywhere = Kubectl.ok(kubeconfig, "get", "datasets", "-A").lines().toList();
            assertThat(everywhere.get(0)).startsWith("NAMESPACE ");
            assertThat(everywhere.get(1)).as("the namespace from the row's object metadata").matches("default\\s+images\\s+42\\s.*");
            assertThat(Kubectl.ok(kubeconfig, "get", "models").lines().toList().get(0)).as("no models yet").isEqualTo("No resources found in default namespace.");
            List<String> namespaces = Kubectl.ok(kubeconfig, "get", "namespaces").lines().toList();
            assertThat(namespaces.get(0)).as("a built-in kind: its name and age").matches("NAME\\s+AGE");
            assertThat(namespaces).anyMatch(line -> line.matches("default\\s+\\d+s"));
        }
    }

}
