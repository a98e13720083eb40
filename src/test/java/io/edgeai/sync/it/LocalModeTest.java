package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeai.sync.local.LocalMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's walk-through with the real kubectl: apply the sample, see the count, append, see it follow. */
class LocalModeTest {
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");

    @Test
    void kubectlSeesTheSampleDatasetCounted(@TempDir Path home) throws Exception {
        if (!Files.isExecutable(KUBECTL)) {
            System.err.println("SKIPPED LocalModeTest: kubectl is not installed");
        }
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        System.setProperty("camel.management.port", "0"); // any free ports: 9876 may be taken where the tests run (LocalMode reads and clears it)
        try (LocalMode local = new LocalMode(home)) {
            // the shipped sample, pointed at this test's home instead of /tmp/edgeai-local
            String sample = Files.readString(Path.of("crds/samples/local-dataset.yaml")).replace("/tmp/edgeai-local", home.toString());
            Path manifest = Files.writeString(home.resolve("local-dataset.yaml"), sample);

            // the README's walk-through, command for command
            assertThat(kubectl(local, "apply", "-f", manifest.toString())).contains("dataset.edgeai.io/local-images created");
            assertThat(kubectl(local, "wait", "dataset/local-images", "--for=jsonpath={.status.numberOfSamples}=3", "--timeout=20s"))
                .contains("condition met");
            assertThat(kubectl(local, "get", "datasets")).matches("(?s)NAME\\s+NUMBEROFSAMPLES\\s+NODE\\s+READY.*local-images\\s+3\\s+edge0\\s.*");

            Files.writeString(home.resolve("data/images/index.txt"), "images/train/img_00000004.jpg 2\n", StandardOpenOption.APPEND);
            assertThat(kubectl(local, "wait", "dataset/local-images", "--for=jsonpath={.status.numberOfSamples}=4", "--timeout=20s"))
                .contains("condition met");
            // issue 8: kubectl describe shows the Events the cloud reported on the dataset
            await().atMost(Duration.ofSeconds(20)).until(() -> kubectl(local, "describe", "dataset", "local-images")
                .matches("(?s).*Events:.*Normal\\s+Counted.*edgeai.io/edgeai-sync-cloud.*"));
            assertThat(kubectl(local, "delete", "dataset", "local-images")).contains("deleted");

            // issue 13: the sample model, its copy verified on the node, as the README shows it
            String model = Files.readString(Path.of("crds/samples/local-model.yaml")).replace("/tmp/edgeai-local", home.toString());
            assertThat(kubectl(local, "apply", "-f", Files.writeString(home.resolve("local-model.yaml"), model).toString()))
                .contains("model.edgeai.io/local-detector created");
            assertThat(kubectl(local, "wait", "model/local-detector", "--for=condition=Ready", "--timeout=20s")).contains("condition met");
            assertThat(kubectl(local, "get", "models")).matches("(?s)NAME\\s+FORMAT\\s+AVAILABLE\\s+READY\\s+UPDATEAGE\\s+AGE\\s+"
                + "local-detector\\s+pb\\s+1/1\\s+True\\s+\\d+s"); // no metrics yet: no UpdateAge
            // meant for the nodes with a label: none has it yet, then the local node gets it
            assertThat(kubectl(local, "patch", "model", "local-detector", "--type", "merge", "-p", "{\"spec\":{\"nodeSelector\":{\"accelerator\":\"npu\"}}}"))
                .contains("patched");
            assertThat(kubectl(local, "wait", "model/local-detector", "--for=condition=Ready=false", "--timeout=20s")).contains("condition met");
            assertThat(kubectl(local, "get", "model", "local-detector", "-o", "wide")).contains("0/0", "NoTargetNodes");
            assertThat(kubectl(local, "label", "node", "edge0", "accelerator=npu")).contains("labeled");
            assertThat(kubectl(local, "get", "nodes", "-l", "accelerator=npu")).contains("edge0");
            assertThat(kubectl(local, "wait", "model/local-detector", "--for=condition=Ready", "--timeout=20s")).contains("condition met");
            assertThat(kubectl(local, "get", "model", "local-detector")).contains("1/1", "True");
            Files.writeString(home.resolve("data/models/detector/model.pb"), "changed\n", StandardOpenOption.APPEND);
            assertThat(kubectl(local, "wait", "model/local-detector", "--for=condition=Ready=false", "--timeout=20s")).contains("condition met");
            assertThat(kubectl(local, "get", "model", "local-detector", "-o", "wide")).contains("0/1", "False", "ChecksumMismatch");
        }
    }

    /**
     * Issue 11 end to end with the real kubectl: a Dataset applied with an {@code s3://} URL is counted
     * by the node from a real S3 API server (s3proxy), and follows a rewrite of the object.
     */
    @Test
    void kubectlSeesADatasetInAnS3StoreCounted(@TempDir Path home) throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        List<String> settings = List.of("camel.management.port", "edgeai.edge.s3.endpoint", "edgeai.edge.s3.access-key", "edgeai.edge.s3.secret-key",
            "edgeai.edge.remote-poll-ms");
        try (io.edgeai.sync.local.S3Proxy s3 = new io.edgeai.sync.local.S3Proxy(Files.createDirectories(home.resolve("s3")))) {
            s3.createBucket("training");
            s3.put("training", "sets/index.txt", "a\nb\n");
            // the node's store, as an operator sets it (-D); the secret too, here only
            System.setProperty("camel.management.port", "0");
            System.setProperty("edgeai.edge.s3.endpoint", s3.endpoint().toString());
            System.setProperty("edgeai.edge.s3.access-key", io.edgeai.sync.local.S3Proxy.ACCESS_KEY);
            System.setProperty("edgeai.edge.s3.secret-key", io.edgeai.sync.local.S3Proxy.SECRET_KEY);
            System.setProperty("edgeai.edge.remote-poll-ms", "500");
            try (LocalMode local = new LocalMode(Files.createDirectories(home.resolve("local")))) {
                Path manifest = Files.writeString(home.resolve("s3-dataset.yaml"), """
                    apiVersion: edgeai.io/v1alpha1
                    kind: Dataset
                    metadata:
                      name: in-s3
                    spec:
                      dataUrl: s3://training/sets/index.txt
                      format: txt
                      nodeName: edge0
                    """);
                assertThat(kubectl(local, "apply", "-f", manifest.toString())).contains("dataset.edgeai.io/in-s3 created");
                assertThat(kubectl(local, "wait", "dataset/in-s3", "--for=jsonpath={.status.numberOfSamples}=2", "--timeout=20s"))
                    .contains("condition met");
                s3.put("training", "sets/index.txt", "a\nb\nc\n");
                assertThat(kubectl(local, "wait", "dataset/in-s3", "--for=jsonpath={.status.numberOfSamples}=3", "--timeout=20s"))
                    .contains("condition met");
                assertThat(kubectl(local, "get", "dataset", "in-s3")).matches("(?s).*in-s3\\s+3\\s+edge0\\s+True.*");
            }
        } finally {
            settings.forEach(System::clearProperty);
        }
    }

    private static String kubectl(LocalMode local, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", local.kubeconfig().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
