package io.edgeai.sync.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.edgeai.sync.Kubectl;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10: kubectl explain describes our kinds in local mode, from the OpenAPI v3 documents made of the CRDs' schemas. */
class KubectlExplainTest {

    @Test
    void kubectlExplainDescribesTheFieldsFromTheCrds(@TempDir Path home) throws Exception {
        assumeTrue(Kubectl.installed(), "kubectl is not installed");
        try (LocalKubernetesApi api = new LocalKubernetesApi()) {
            Path kubeconfig = api.writeKubeconfig(home.resolve("kubeconfig"));
            assertThat(explain(kubeconfig, "dataset")).contains("KIND:       Dataset", "VERSION:    v1alpha1",
                "A dataset on one edge node; the node counts its samples whenever its files", "spec\t<Object> -required-");
            assertThat(explain(kubeconfig, "dataset.spec")).contains("nodeName\t<string> -required-", "format\t<string> -required-");
            assertThat(explain(kubeconfig, "eds.spec.nodeName")).contains("The edge node that holds the data (a Kubernetes node name).");
            assertThat(explain(kubeconfig, "model.spec.modelUrl")).contains("KIND:       Model", "Where the model lies");
        }
    }

    private static String explain(Path kubeconfig, String field) throws Exception {
        return Kubectl.ok(kubeconfig, "explain", field);
    }
}
