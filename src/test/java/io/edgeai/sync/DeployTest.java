package io.edgeai.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 9: deploy/ renders offline with the real kubectl, and what it renders agrees with what the
 * processes do: the probe paths and port they serve, settings that exist, the pod label and service
 * account leader election and RBAC expect, RBAC for every API call the cloud makes, no secrets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployTest {
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Map<String, JsonNode> rendered = new HashMap<>();
    private String text;

    @BeforeAll
    void render() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        Process kustomize = new ProcessBuilder(KUBECTL.toString(), "kustomize", "deploy/").redirectErrorStream(true).start();
        text = new String(kustomize.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kustomize.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kustomize.exitValue()).as(text).isZero();
        try (YAMLParser parser = new YAMLFactory().createParser(text)) {
            for (JsonNode object : YAML.readValues(parser, JsonNode.class).readAll()) {
                rendered.put(object.path("kind").asText() + "/" + object.path("metadata").path("name").asText(), object);
            }
        }
    }

    private JsonNode object(String kindAndName) {
        assertThat(rendered).containsKey(kindAndName);
        return rendered.get(kindAndName);
    }

    private static Properties settings() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("application.properties"))) {
            properties.load(in);
        }
        return properties;
    }

    @Test
    void everythingIsThereInItsNamespace() {
        assertThat(rendered).containsKeys("Namespace/edgeai-system", "CustomResourceDefinition/datasets.edgeai.io",
            "CustomResourceDefinition/models.edgeai.io", "ServiceAccount/edgeai-sync-cloud", "ClusterRole/edgeai-sync-cloud",
            "Deployment/edgeai-sync-cloud", "DaemonSet/edgeai-sync-edge");
        for (String workload : List.of("Deployment/edgeai-sync-cloud", "DaemonSet/edgeai-sync-edge", "ServiceAccount/edgeai-sync-cloud")) {
            assertThat(object(workload).path("metadata").path("namespace").asText()).as(workload).isEqualTo("edgeai-system");
        }
    }

    @Test
    void probesAskWhatTheProcessesServe() throws IOException {
        int port = Integer.parseInt(settings().getProperty("camel.management.port").trim());
        for (String workload : List.of("Deployment/edgeai-sync-cloud", "DaemonSet/edgeai-sync-edge")) {
            JsonNode container = object(workload).path("spec").path("template").path("spec").path("containers").get(0);
            assertThat(container.path("ports").get(0).path("containerPort").asInt()).as(workload).isEqualTo(port);
            assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/live");
            assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/observe/health/ready");
            assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(object(workload).path("spec").path("template").path("spec").path("securityContext").path("runAsNonRoot").asBoolean())
                .isTrue();
        }
    }

    @Test
    void everyEnvironmentVariableIsASettingAndNoneIsASecret() throws IOException {
        Set<String> settings = settings().stringPropertyNames().stream()
            .map(key -> key.toUpperCase().replace('.', '_').replace('-', '_')).collect(Collectors.toSet());
        List<String> names = new ArrayList<>();
        for (String workload : List.of("Deployment/edgeai-sync-cloud", "DaemonSet/edgeai-sync-edge")) {
            object(workload).path("spec").path("template").path("spec").path("containers").get(0).path("env")
                .forEach(env -> names.add(env.path("name").asText()));
        }
        assertThat(names).filteredOn(name -> name.startsWith("EDGEAI_")).isNotEmpty().allMatch(settings::contains);
        assertThat(names).doesNotContain("EDGEAI_MQTT_PASSWORD");
        assertThat(text).doesNotContainIgnoringCase("password:").doesNotContain("kind: Secret");
    }

    @Test
    void theCloudPodsAreWhatLeaderElectionCountsAndRunAsTheAccountRbacNames() {
        JsonNode cloud = object("Deployment/edgeai-sync-cloud");
        assertThat(cloud.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(cloud.path("spec").path("template").path("metadata").path("labels").path("app.kubernetes.io/name").asText())
            .isEqualTo("edgeai-sync-cloud");
        assertThat(cloud.path("spec").path("template").path("spec").path("serviceAccountName").asText()).isEqualTo("edgeai-sync-cloud");
        JsonNode edge = object("DaemonSet/edgeai-sync-edge").path("spec").path("template").path("spec");
        assertThat(edge.path("automountServiceAccountToken").asBoolean(true)).as("the edge never calls the API").isFalse();
        JsonNode edgeContainer = edge.path("containers").get(0);
        assertThat(edgeContainer.toString()).contains("\"fieldPath\":\"spec.nodeName\"");
        assertThat(edgeContainer.path("volumeMounts").findValuesAsText("mountPath")).contains("/data");
        edgeContainer.path("volumeMounts").forEach(mount -> {
            if (mount.path("mountPath").asText().equals("/data")) {
                assertThat(mount.path("readOnly").asBoolean()).as("data roots are read, never written").isTrue();
            }
        });
    }

    /** What the cloud calls (the informers, status patches, Events, leader election) and nothing else. */
    @Test
    void rbacGrantsWhatTheCloudCallsAndNoMore() {
        Map<String, Set<String>> granted = new HashMap<>();
        for (String role : List.of("ClusterRole/edgeai-sync-cloud", "Role/edgeai-sync-cloud-leader-election")) {
            object(role).path("rules").forEach(rule -> rule.path("resources").forEach(resource -> rule.path("apiGroups").forEach(group -> {
                Set<String> verbs = granted.computeIfAbsent(group.asText() + "/" + resource.asText(), k -> new java.util.TreeSet<>());
                rule.path("verbs").forEach(verb -> verbs.add(verb.asText()));
            })));
        }
        assertThat(granted).containsExactlyInAnyOrderEntriesOf(Map.of(
            "edgeai.io/datasets", Set.of("get", "list", "watch"),
            "edgeai.io/models", Set.of("get", "list", "watch"),
            "edgeai.io/datasets/status", Set.of("patch"),
            "/nodes", Set.of("list", "watch"),
            "edgeai.io/models/status", Set.of("patch"),
            "events.k8s.io/events", Set.of("create", "get", "update"),
            "coordination.k8s.io/leases", Set.of("create", "get", "update"),
            "/pods", Set.of("list")));
    }

    /** The Secret template names the Secrets the workloads mount, holds no password, and stays out of the base. */
    @Test
    void theSecretTemplateFitsTheWorkloadsAndHoldsNoPassword() throws IOException {
        Map<String, JsonNode> secrets = new HashMap<>();
        try (YAMLParser parser = new YAMLFactory().createParser(Files.readString(Path.of("deploy/secrets/mqtt-secrets.template.yaml")))) {
            for (JsonNode secret : YAML.readValues(parser, JsonNode.class).readAll()) {
                assertThat(secret.path("kind").asText()).isEqualTo("Secret");
                assertThat(secret.path("metadata").path("namespace").asText()).isEqualTo("edgeai-system");
                secret.path("stringData").forEach(value -> assertThat(value.asText()).as("a template holds no password").isEmpty());
                secrets.put(secret.path("metadata").path("name").asText(), secret);
            }
        }
        for (String workload : List.of("Deployment/edgeai-sync-cloud", "DaemonSet/edgeai-sync-edge")) {
            List<String> mounted = object(workload).path("spec").path("template").path("spec").path("volumes").findValuesAsText("secretName");
            assertThat(secrets).as(workload).containsKeys(mounted.toArray(String[]::new));
        }
        assertThat(secrets.get("edgeai-sync-cloud-mqtt").path("stringData").has("password")).isTrue();
        assertThat(text).as("the base never carries the template").doesNotContain("kind: Secret");
    }

    /** The bare-host unit: systemd-analyze finds nothing to say (it warns, exit 0, on a misspelt setting: any output fails). */
    @Test
    void theSystemdUnitVerifies() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd is not installed");
        Process verify = new ProcessBuilder(analyze.toString(), "verify", "deploy/systemd/edgeai-sync-edge.service")
            .redirectErrorStream(true).start();
        String said = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(said).isZero();
        assertThat(said).isBlank();
    }

    /**
     * The image cannot be built here (no registry for its base image), so this checks what can be
     * checked: the image starts the class the tests start, with the argument each manifest passes
     * being a mode that class knows, under the name the manifests use.
     */
    @Test
    void theImageRunsWhatTheTestsRunWithModesItKnows() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<mainClass>" + EdgeaiSync.class.getName() + "</mainClass>")
            .contains("<to><image>edgeai-sync:${project.version}</image></to>");
        assertThat(object("Deployment/edgeai-sync-cloud").path("spec").path("template").path("spec").path("containers").get(0)
            .path("args").get(0).asText()).isEqualTo(SyncApp.CLOUD);
        assertThat(object("DaemonSet/edgeai-sync-edge").path("spec").path("template").path("spec").path("containers").get(0)
            .path("args").get(0).asText()).isEqualTo(SyncApp.EDGE);
        assertThat(text).contains("image: edgeai-sync:");
    }

    /** What an operator tries first: the base applied to local mode's API with the real kubectl, twice (the second changes nothing), then changed. */
    @Test
    void kubectlApplyOfTheBaseIsAcceptedByLocalModesApi(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        try (io.edgeai.sync.local.LocalKubernetesApi api = new io.edgeai.sync.local.LocalKubernetesApi()) {
            Path kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));
            String first = Kubectl.ok(kubeconfig, "apply", "-k", "deploy/");
            assertThat(first).contains("namespace/edgeai-system created", "deployment.apps/edgeai-sync-cloud created",
                "daemonset.apps/edgeai-sync-edge created", "clusterrole.rbac.authorization.k8s.io/edgeai-sync-cloud created");
            assertThat(Kubectl.ok(kubeconfig, "get", "deployments,daemonsets,serviceaccounts,roles,rolebindings", "-n", "edgeai-system", "-o", "name"))
                .contains("deployment.apps/edgeai-sync-cloud", "daemonset.apps/edgeai-sync-edge", "serviceaccount/edgeai-sync-cloud");
            assertThat(api.client().apps().deployments().inNamespace("edgeai-system").withName("edgeai-sync-cloud").get().getSpec().getReplicas())
                .isEqualTo(2);
            assertThat(Kubectl.ok(kubeconfig, "apply", "-k", "deploy/")).contains("deployment.apps/edgeai-sync-cloud unchanged")
                .doesNotContain("created");
            // an operator's change, looked at first (server-side dry runs: nothing may be stored)...
            Path changed = Files.writeString(home.resolve("changed.yaml"), text.replace("replicas: 2", "replicas: 4"));
            Kubectl.Result diff = Kubectl.run(kubeconfig, "diff", "-f", changed.toString());
            assertThat(diff.exit()).as("kubectl diff exits 1 when it finds differences: " + diff.output()).isEqualTo(1);
            assertThat(diff.output()).contains("-  replicas: 2", "+  replicas: 4");
            assertThat(Kubectl.ok(kubeconfig, "apply", "--dry-run=server", "-f", changed.toString()))
                .contains("deployment.apps/edgeai-sync-cloud configured (server dry run)");
            assertThat(api.client().apps().deployments().inNamespace("edgeai-system").withName("edgeai-sync-cloud").get().getSpec().getReplicas())
                .as("a dry run changes nothing").isEqualTo(2);
            // ...then applied: kubectl sends a strategic merge patch for built-in kinds
            assertThat(Kubectl.ok(kubeconfig, "apply", "-f", changed.toString())).contains("deployment.apps/edgeai-sync-cloud configured");
            assertThat(api.client().apps().deployments().inNamespace("edgeai-system").withName("edgeai-sync-cloud").get().getSpec().getReplicas())
                .isEqualTo(4);
        }
    }

}
