package io.edgeai.sync.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10: kubectl get -w and kubectl wait watch local mode's API over plain HTTP, as they watch kube-apiserver. */
class WatchStreamsTest {
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static Dataset created(LocalKubernetesApi api, String name) {
        Dataset dataset = new Dataset();
        dataset.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName(name).build());
        dataset.setSpec(new DatasetSpec("/data/" + name, "txt", "edge0"));
        return api.client().resource(dataset).create();
    }

    private static void count(LocalKubernetesApi api, String name, long samples) {
        api.client().resources(Dataset.class).inNamespace("default").withName(name).editStatus(d -> {
            d.setStatus(new io.edgeai.sync.resources.DatasetStatus());
            d.getStatus().setNumberOfSamples(samples);
            return d;
        });
    }

    private static Process kubectl(Path kubeconfig, Path output, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    @Test
    void kubectlGetWatchShowsTheCountChangeAndKubectlWaitSeesIt(@TempDir Path home) throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            Path kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));
            created(api, "images");

            Path watched = home.resolve("watch.txt");
            Process watch = kubectl(kubeconfig, watched, "get", "datasets", "-w");
            Path waited = home.resolve("wait.txt");
            Process wait = kubectl(kubeconfig, waited, "wait", "--for=jsonpath={.status.numberOfSamples}=5", "dataset/images", "--timeout=60s");
            try {
                // both are past their list and watching: the change below can only reach them through a watch
                await().atMost(Duration.ofSeconds(20)).until(() -> api.httpWatches() == 2);
                count(api, "images", 5);

                await().atMost(Duration.ofSeconds(20)).until(() -> Files.readAllLines(watched).stream()
                    .anyMatch(line -> line.matches("images\\s+5\\s+edge0\\s.*")));
                List<String> rows = Files.readAllLines(watched);
                assertThat(rows.get(0)).matches("NAME\\s+NUMBEROFSAMPLES\\s+NODE\\s+READY\\s+UPDATEAGE\\s+AGE");
                assertThat(rows).as("the listed row once, then the change").hasSize(3);
                assertThat(wait.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(wait.exitValue()).isZero();
                assertThat(Files.readString(waited)).contains("dataset.edgeai.io/images condition met");
            } finally {
                watch.destroy();
                wait.destroy();
            }
        }
    }

    @Test
    void aWatchEndsAfterItsTimeoutAndSpeaksJsonEventsToOtherClients() throws Exception {
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            created(api, "a");
            String list = api.client().resources(Dataset.class).inNamespace("default").list().getMetadata().getResourceVersion();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var pending = http.sendAsync(HttpRequest.newBuilder(URI.create(api.url() + "/apis/edgeai.io/v1alpha1/namespaces/default/datasets?watch=true"
                + "&resourceVersion=" + list + "&timeoutSeconds=3")).build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> api.httpWatches() == 1);
            count(api, "a", 7);
            HttpResponse<String> response = pending.get(20, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            List<String> events = response.body().lines().toList();
            assertThat(events).as("only what changed after the list, then the end of the stream").hasSize(1);
            assertThat(events.get(0)).contains("\"type\":\"MODIFIED\"", "\"numberOfSamples\":7");
            assertThat(api.httpWatches()).isZero();
        }
    }

    /** client-go's watch-list: the objects as they are, a bookmark where they end, then changes; and a bookmark before the timeout. */
    @Test
    void initialEventsEndWithAnAnnotatedBookmarkAndTheStreamWithAnother() throws Exception {
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            created(api, "a");
            created(api, "b");
            String datasets = api.url() + "/apis/edgeai.io/v1alpha1/namespaces/default/datasets?watch=true";
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
            var pending = http.sendAsync(HttpRequest.newBuilder(URI.create(datasets + "&sendInitialEvents=true&allowWatchBookmarks=true"
                + "&resourceVersionMatch=NotOlderThan&timeoutSeconds=4")).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(events::add));
            List<com.fasterxml.jackson.databind.JsonNode> initial = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                initial.add(JSON.readTree(events.poll(20, TimeUnit.SECONDS)));
            }
            assertThat(initial).extracting(event -> event.path("type").asText()).containsExactly("ADDED", "ADDED", "BOOKMARK");
            com.fasterxml.jackson.databind.JsonNode mark = initial.get(2).path("object");
            assertThat(mark.path("kind").asText()).as("the kind of the list, which kube-apiserver calls DatasetList").isEqualTo("Dataset");
            assertThat(mark.path("metadata").path("annotations").path("k8s.io/initial-events-end").asText()).isEqualTo("true");
            long listed = Long.parseLong(api.client().resources(Dataset.class).inNamespace("default").list().getMetadata().getResourceVersion());
            assertThat(mark.path("metadata").path("resourceVersion").asLong()).isEqualTo(listed);

            count(api, "a", 3);
            com.fasterxml.jackson.databind.JsonNode modified = JSON.readTree(events.poll(20, TimeUnit.SECONDS));
            assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
            pending.get(20, TimeUnit.SECONDS);
            assertThat(events).as("one bookmark shortly before the timeout, at the change last sent").hasSize(1);
            com.fasterxml.jackson.databind.JsonNode last = JSON.readTree(events.poll());
            assertThat(last.path("type").asText()).isEqualTo("BOOKMARK");
            assertThat(last.path("object").path("metadata").path("annotations").isMissingNode()).isTrue();
            assertThat(last.path("object").path("metadata").path("resourceVersion").asText())
                .isEqualTo(modified.path("object").path("metadata").path("resourceVersion").asText());

            HttpResponse<String> encoded = http.send(HttpRequest.newBuilder(URI.create(datasets + "&sendInitialEvents=%74rue&timeoutSeconds=%31"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(encoded.statusCode()).as("query values are percent-decoded: sendInitialEvents=true").isEqualTo(422);

            HttpResponse<String> alone = http.send(HttpRequest.newBuilder(URI.create(datasets + "&sendInitialEvents=true")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(alone.statusCode()).as("kube-apiserver allows initial events only with bookmarks from NotOlderThan").isEqualTo(422);
            assertThat(alone.body()).contains("\"reason\":\"Invalid\"", "sendInitialEvents requires");
        }
    }

    /** A watch from a list's resourceVersion sees a deletion made after the list (the DELETED object keeps its last resourceVersion). */
    @Test
    void aDeletionAfterTheListReachesAWatchFromTheListsResourceVersion() throws Exception {
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            created(api, "a");
            created(api, "b");
            String listed = api.client().resources(Dataset.class).inNamespace("default").list().getMetadata().getResourceVersion();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            var pending = http.sendAsync(HttpRequest.newBuilder(URI.create(api.url() + "/apis/edgeai.io/v1alpha1/namespaces/default/datasets"
                + "?watch=true&resourceVersion=" + listed + "&timeoutSeconds=3")).build(), HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> api.httpWatches() == 1);
            api.client().resources(Dataset.class).inNamespace("default").withName("b").delete();
            assertThat(pending.get(20, TimeUnit.SECONDS).body()).contains("\"type\":\"DELETED\"", "\"name\":\"b\"");
        }
    }

    /** A client that stops reading (kubectl get -w | less, paused) is cut off when its time is up; its thread and slot come back. */
    @Test
    void aClientThatNeverReadsIsCutOffAtItsTimeout() throws Exception {
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            Dataset big = new Dataset();
            big.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("big").addToAnnotations("note", "x".repeat(200_000)).build());
            big.setSpec(new DatasetSpec("/data/big", "txt", "edge0"));
            api.client().resource(big).create();
            URI url = URI.create(api.url());
            try (java.net.Socket client = new java.net.Socket()) {
                client.setReceiveBufferSize(1024);
                client.connect(new java.net.InetSocketAddress(url.getHost(), url.getPort()));
                client.getOutputStream().write(("GET /apis/edgeai.io/v1alpha1/namespaces/default/datasets?watch=true&timeoutSeconds=2 HTTP/1.1\r\n"
                    + "Host: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                await().atMost(Duration.ofSeconds(10)).until(() -> api.httpWatches() == 1);
                for (int i = 0; i < 60; i++) { // 60 events of 200 KB: far more than the sockets hold
                    count(api, "big", i);
                }
                await("the stream ended a little after its 2 s").atMost(Duration.ofSeconds(15)).until(() -> api.httpWatches() == 0);
            }
        }
    }

    @Test
    void whatIsNotJsonIsRefusedAtOnceInsteadOfHangingTheApi() throws Exception {
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/default/configmaps"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("not json"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(garbage.statusCode()).isEqualTo(400);
            assertThat(garbage.body()).contains("\"reason\":\"BadRequest\"");
            ByteArrayOutputStream protobuf = new ByteArrayOutputStream();
            protobuf.write(new byte[] {0x6b, 0x38, 0x73, 0x00});
            HttpResponse<String> binary = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/vnd.kubernetes.protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(protobuf.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(binary.statusCode()).isEqualTo(415);
            assertThat(new String(binary.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).contains("JSON only");
        }
    }
}
