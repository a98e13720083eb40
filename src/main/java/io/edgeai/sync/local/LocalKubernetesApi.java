package io.edgeai.sync.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory Kubernetes API: fabric8's mock server in CRUD mode, with our CRDs installed and the
 * discovery documents that real kubectl asks for ({@link LocalDispatcher}). It stores what it is sent and serves watches, but
 * it does not validate against the CRD schema and serves no printer-column tables; the CRD tests
 * cover those. For local mode and tests only: production uses a real cluster.
 */
public final class LocalKubernetesApi implements AutoCloseable {
    public static final String[] CRD_FILES = {"crds/datasets.edgeai.io.yaml", "crds/models.edgeai.io.yaml"};
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The mock server logs every request at INFO through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger REQUEST_LOG = quiet("io.fabric8.mockwebserver");

    private final LocalDispatcher dispatcher = new LocalDispatcher();
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    public LocalKubernetesApi() throws IOException {
        this(0);
    }

    /** @param port on loopback; 0 for any free one */
    public LocalKubernetesApi(int port) throws IOException {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), port);
        List<CustomResourceDefinition> crds = loadCrds();
        stubDiscovery(crds);
        client = server.createClient();
        for (CustomResourceDefinition crd : crds) {
            crd.setStatus(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder()
                .withConditions(new CustomResourceDefinitionConditionBuilder().withType("Established").withStatus("True").build())
                .withAcceptedNames(crd.getSpec().getNames())
                .build());
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    public String url() {
        return client.getConfiguration().getMasterUrl();
    }

    /** A kubeconfig that points kubectl (and any client) at this API. */
    public Path writeKubeconfig(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        String server = url().endsWith("/") ? url().substring(0, url().length() - 1) : url();
        Files.writeString(file, String.join("\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: edgeai-local",
            "  cluster:",
            "    server: " + server,
            "contexts:",
            "- name: edgeai-local",
            "  context: {cluster: edgeai-local, user: edgeai-local, namespace: default}",
            "current-context: edgeai-local",
            "users:",
            "- name: edgeai-local",
            "  user: {token: local-mode}",
            ""));
        return file;
    }

    static List<CustomResourceDefinition> loadCrds() throws IOException {
        List<CustomResourceDefinition> crds = new ArrayList<>();
        for (String name : CRD_FILES) {
            Path onDisk = Path.of(name);
            try (InputStream in = Files.exists(onDisk) ? Files.newInputStream(onDisk)
                : LocalKubernetesApi.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    throw new IOException("CRD " + name + " is neither in the working directory nor in the jar");
                }
                crds.add(YAML.readValue(in, CustomResourceDefinition.class));
            }
        }
        return crds;
    }

    /**
     * kubectl discovers resources before it acts; these are the documents it asks for.
     */
    private void stubDiscovery(List<CustomResourceDefinition> crds) {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (CustomResourceDefinition crd : crds) {
            var names = crd.getSpec().getNames();
            resources.add(Map.of("name", names.getPlural(), "singularName", names.getSingular(), "namespaced", true,
                "kind", names.getKind(), "shortNames", names.getShortNames() == null ? List.of() : names.getShortNames(),
                "categories", names.getCategories() == null ? List.of() : names.getCategories(),
                "verbs", List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")));
            resources.add(Map.of("name", names.getPlural() + "/status", "singularName", "", "namespaced", true, "kind", names.getKind(),
                "verbs", List.of("get", "patch", "update")));
        }
        String group = crds.get(0).getSpec().getGroup();
        String version = crds.get(0).getSpec().getVersions().get(0).getName();
        Map<String, Object> groupVersion = Map.of("groupVersion", group + "/" + version, "version", version);
        Map<String, Object> crdGroupVersion = Map.of("groupVersion", "apiextensions.k8s.io/v1", "version", "v1");
        stub("/api", Map.of("kind", "APIVersions", "versions", List.of("v1"),
            "serverAddressByClientCIDRs", List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", "127.0.0.1"))));
        stub("/apis", Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", List.of(
            Map.of("name", group, "versions", List.of(groupVersion), "preferredVersion", groupVersion),
            Map.of("name", "apiextensions.k8s.io", "versions", List.of(crdGroupVersion), "preferredVersion", crdGroupVersion))));
        stub("/api/v1", Map.of("kind", "APIResourceList", "groupVersion", "v1", "resources", List.of(
            Map.of("name", "namespaces", "singularName", "namespace", "namespaced", false, "kind", "Namespace",
                "verbs", List.of("create", "delete", "get", "list", "patch", "update", "watch")))));
        stub("/apis/apiextensions.k8s.io/v1", Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", "apiextensions.k8s.io/v1",
            "resources", List.of(Map.of("name", "customresourcedefinitions", "singularName", "customresourcedefinition", "namespaced", false,
                "kind", "CustomResourceDefinition", "shortNames", List.of("crd", "crds"),
                "verbs", List.of("create", "delete", "get", "list", "patch", "update", "watch")))));
        stub("/apis/" + group + "/" + version, Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", group + "/" + version,
            "resources", resources));
        // empty but valid OpenAPI documents let kubectl's client-side validation pass (kubectl asks
        // for v2 as protobuf, and an empty protobuf message is zero bytes)
        stub("/openapi/v2", "");
        stub("/openapi/v3", Map.of("paths", Map.of()));
    }

    private void stub(String path, Object body) {
        dispatcher.serve(path, body instanceof String text ? text : io.fabric8.kubernetes.client.utils.Serialization.asJson(body));
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
