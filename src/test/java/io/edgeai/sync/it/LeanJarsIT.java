package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.LoopbackPorts;
import io.edgeai.sync.local.EmbeddedBroker;
import io.edgeai.sync.local.LocalKubernetesApi;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: the jars the build ships, run as an operator runs them (java -jar, settings from the
 * environment): the edge jar is small and holds no Kubernetes client, no broker, no in-memory API;
 * the cloud jar no in-memory API or broker; and the two of them, as separate processes, keep a
 * dataset's count in the API. Runs after the package phase (failsafe), on the jars in target/.
 */
class LeanJarsIT {
    private static final Path TARGET = Path.of("target");
    private static final Path EDGE_JAR = TARGET.resolve("edgeai-sync-edge.jar");
    private static final Path CLOUD_JAR = TARGET.resolve("edgeai-sync-cloud.jar");
    private static final long EDGE_JAR_LIMIT = 15L * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<Process> started = new ArrayList<>();

    /** A launched jar and the file its output goes to. */
    private record Launched(Process process, Path log) {
        /** Waits for it to end and returns what it printed. */
        List<String> finish() throws Exception {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        }

        boolean isAlive() {
            return process.isAlive();
        }

        int exitValue() {
            return process.exitValue();
        }
    }

    @AfterEach
    void stopProcesses() throws InterruptedException {
        for (Process process : started) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(entry -> entry.getName()).toList();
        }
    }

    @Test
    void theEdgeJarIsSmallAndHoldsOnlyWhatAnEdgeRuns() throws IOException {
        assertThat(Files.size(EDGE_JAR)).as("the edge jar's size").isLessThanOrEqualTo(EDGE_JAR_LIMIT);
        List<String> edge = entries(EDGE_JAR);
        for (String absent : List.of("io/fabric8/", "io/vertx/", "io/netty/", "io/moquette/", "org/bouncycastle/", "org/h2/",
            "io/edgeai/sync/cloud/", "io/edgeai/sync/local/", "io/edgeai/sync/resources/Dataset.class",
            "io/edgeai/sync/resources/CustomObject", "routes/cloud/",
            "com/sun/jna/win32-x86/", "com/sun/jna/darwin-aarch64/")) {
            assertThat(edge).as("the edge jar holds no " + absent).noneMatch(name -> name.startsWith(absent));
        }
        assertThat(edge).contains("io/edgeai/sync/edge/EdgeWiring.class", "routes/edge/dataset-downstream.yaml",
            "com/sun/jna/linux-x86-64/libjnidispatch.so", "com/sun/jna/linux-aarch64/libjnidispatch.so");

        List<String> cloud = entries(CLOUD_JAR);
        for (String absent : List.of("io/moquette/", "io/fabric8/mockwebserver/", "io/fabric8/kubernetes/client/server/mock/",
            "io/edgeai/sync/local/", "io/edgeai/sync/edge/", "routes/edge/", "io/fabric8/openshift/")) {
            assertThat(cloud).as("the cloud jar holds no " + absent).noneMatch(name -> name.startsWith(absent));
        }
        assertThat(cloud).contains("io/edgeai/sync/cloud/CloudWiring.class", "io/fabric8/kubernetes/client/KubernetesClient.class",
            "routes/cloud/status-upstream.yaml");
    }

    @Test
    void aLeanJarAskedForAModeItLacksSaysWhereItIs(@TempDir Path home) throws Exception {
        Launched local = launch(EDGE_JAR, home, Map.of(), "local");
        assertThat(local.finish()).containsExactly("edgeai-sync: this jar runs only edge; local is in edgeai-sync.jar");
        assertThat(local.exitValue()).isEqualTo(2);

        Launched cloud = launch(EDGE_JAR, home, Map.of(), "cloud");
        assertThat(cloud.finish()).containsExactly("edgeai-sync: this jar runs only edge; cloud is in edgeai-sync-cloud.jar and edgeai-sync.jar");
        assertThat(cloud.exitValue()).isEqualTo(2);

        Launched version = launch(CLOUD_JAR, home, Map.of(), "--version");
        assertThat(version.finish()).singleElement().asString().startsWith("edgeai-sync ");
        assertThat(version.exitValue()).isZero();
    }

    @Test
    void theCloudAndTheEdgeJarsKeepADatasetsCount(@TempDir Path home) throws Exception {
        Path data = Files.createDirectories(home.resolve("data"));
        Path index = Files.writeString(data.resolve("index.txt"), "a 1\nb 2\n");
        int edgePort = LoopbackPorts.free();
        try (LocalKubernetesApi api = new LocalKubernetesApi(); EmbeddedBroker broker = new EmbeddedBroker(LoopbackPorts.free())) {
            Path kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));
            Launched cloud = launch(CLOUD_JAR, Files.createDirectories(home.resolve("cloud")), Map.of("KUBECONFIG", kubeconfig.toString(),
                "EDGEAI_MQTT_URL", broker.url(), "EDGEAI_CLOUD_LEADER_ELECTION", "false"), "-Dcamel.management.port=0", "cloud");
            Launched edge = launch(EDGE_JAR, Files.createDirectories(home.resolve("edge")), Map.of("EDGEAI_MQTT_URL", broker.url(),
                "EDGEAI_NODE_NAME", "edge0", "EDGEAI_EDGE_DATA_ROOTS", data.toString(), "EDGEAI_EDGE_STATE_DIR", home.resolve("state").toString()),
                "-Dcamel.management.port=" + edgePort, "edge");

            Dataset dataset = new Dataset();
            dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("images").build());
            dataset.setSpec(new DatasetSpec(index.toString(), "txt", "edge0"));
            api.client().resource(dataset).create();

            await().atMost(Duration.ofSeconds(60)).until(() -> Long.valueOf(2).equals(samples(api)));
            Files.writeString(index, "c 3\n", java.nio.file.StandardOpenOption.APPEND);
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(3).equals(samples(api)));

            await().atMost(Duration.ofSeconds(20)).until(() -> get(edgePort, "/observe/health/ready").statusCode() == 200);
            assertThat(get(edgePort, "/observe/metrics").body()).contains("edgeai_edge_datasets 1.0").contains("edgeai_mqtt_broker_reachable 1.0");
            assertThat(cloud.isAlive()).isTrue();
            assertThat(edge.isAlive()).isTrue();
            // a broker that drops a connection is one warning naming the cause (an EOFException): no stack trace
            assertThat(Files.readString(edge.log())).doesNotContain("\tat ").doesNotContain(" ERROR ");
        }
    }

    private static Long samples(LocalKubernetesApi api) {
        Dataset current = api.client().resources(Dataset.class).inNamespace("default").withName("images").get();
        return current == null || current.getStatus() == null ? null : current.getStatus().getNumberOfSamples();
    }

    private static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code java [jvmFlags] -jar JAR mode} in {@code home}, with only the given EDGEAI_ settings and KUBECONFIG. */
    private Launched launch(Path jar, Path home, Map<String, String> env, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m"));
        List<String> rest = List.of(arguments);
        command.addAll(rest.subList(0, rest.size() - 1));
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), rest.get(rest.size() - 1)));
        Path log = Files.createTempFile(home, jar.getFileName() + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("EDGEAI_") || name.equals("KUBECONFIG"));
        builder.environment().putAll(env);
        Process process = builder.start();
        started.add(process);
        return new Launched(process, log);
    }
}
