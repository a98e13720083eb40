package io.edgeai.sync.local;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory Kubernetes API: fabric8's mock server in CRUD mode, with our CRDs installed and the
 * discovery documents that real kubectl asks for ({@link LocalDispatcher}). It stores what it is sent, refuses custom
 * resources that break their CRD's schema and prunes fields it does not declare ({@link CrdValidation}), serves
 * watches over WebSocket and, through {@link WatchStreams}, over plain HTTP, prints tables from the
 * CRDs' printer columns ({@link PrinterTable}) and serves their schemas as OpenAPI v3 (kubectl
 * explain). For local mode and tests only: production uses a real cluster.
 */
public final class LocalKubernetesApi implements AutoCloseable {
    public static final String[] CRD_FILES = {"crds/datasets.edgeai.io.yaml", "crds/models.edgeai.io.yaml"};
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The mock server logs every request at INFO through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger REQUEST_LOG = quiet("io.fabric8.mockwebserver");

    private final LocalDispatcher dispatcher = new LocalDispatcher();
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;
    private final WatchStreams front;

    public LocalKubernetesApi() throws IOException {
        this(0);
    }

    /** @param port on loopback; 0 for any free one */
    public LocalKubernetesApi(int port) throws IOException {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        List<CustomResourceDefinition> crds = loadCrds();
        stubDiscovery(crds);
        for (CustomResourceDefinition crd : crds) {
            // kubectl get asks the server to print: the columns come from the CRD, as kube-apiserver takes them
            JsonNode version = YAML.valueToTree(crd.getSpec().getVersions().get(0));
            List<PrinterTable.Column> columns = new ArrayList<>();
            version.path("additionalPrinterColumns").forEach(column -> columns.add(PrinterTable.Column.of(column)));
            dispatcher.kind(crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName(), crd.getSpec().getNames().getPlural(),
                crd.getSpec().getNames().getKind());
            dispatcher.printColumns(crd.getSpec().getGroup(), crd.getSpec().getNames().getPlural(), columns.isEmpty() ? PrinterTable.AGE_ONLY : columns);
            dispatcher.validate(crd.getSpec().getGroup(), crd.getSpec().getNames().getPlural(), new CrdValidation(crd.getSpec().getNames().getKind(),
                crd.getSpec().getGroup(), version.path("schema").path("openAPIV3Schema")));
        }
        client = server.createClient();
        // what kubectl and the kubeconfig reach: watches over HTTP there, everything else passed to the mock
        front = new WatchStreams(port, java.net.URI.create(client.getConfiguration().getMasterUrl()), dispatcher::tableOf);
        // the namespaces every kube-apiserver has from the start
        for (String namespace : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .withNewStatus().withPhase("Active").endStatus().build()).create();
        }
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

    /** Watches streamed over plain HTTP now, as kubectl and client-go watch. */
    int httpWatches() {
        return front.streaming();
    }

    /** Where kubectl and other clients reach the API (the kubeconfig's server). */
    public String url() {
        return front.url();
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

    /** A kind that local mode's API serves, as kube-apiserver's discovery describes it. */
    private record Served(String groupVersion, String plural, String singular, String kind, boolean namespaced, List<String> shortNames) {
        Map<String, Object> discovery() {
            return Map.of("name", plural, "singularName", singular, "namespaced", namespaced, "kind", kind, "shortNames", shortNames,
                "verbs", List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"));
        }
    }

    /**
     * The built-in kinds served besides our own: what the processes use (Events, Leases, Pods) and
     * what {@code kubectl apply -k deploy/} sends (the namespace, RBAC, the workloads). Stored and
     * watched like any other object; nothing runs a Deployment's pods.
     */
    private static final List<Served> BUILT_IN = List.of(
        new Served("v1", "namespaces", "namespace", "Namespace", false, List.of("ns")),
        new Served("v1", "nodes", "node", "Node", false, List.of("no")),
        new Served("v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa")),
        new Served("v1", "secrets", "secret", "Secret", true, List.of()),
        new Served("v1", "configmaps", "configmap", "ConfigMap", true, List.of("cm")),
        new Served("v1", "services", "service", "Service", true, List.of("svc")),
        new Served("v1", "pods", "pod", "Pod", true, List.of("po")),
        new Served("v1", "events", "event", "Event", true, List.of("ev")),
        new Served("apps/v1", "deployments", "deployment", "Deployment", true, List.of("deploy")),
        new Served("apps/v1", "daemonsets", "daemonset", "DaemonSet", true, List.of("ds")),
        new Served("rbac.authorization.k8s.io/v1", "clusterroles", "clusterrole", "ClusterRole", false, List.of()),
        new Served("rbac.authorization.k8s.io/v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, List.of()),
        new Served("rbac.authorization.k8s.io/v1", "roles", "role", "Role", true, List.of()),
        new Served("rbac.authorization.k8s.io/v1", "rolebindings", "rolebinding", "RoleBinding", true, List.of()),
        new Served("coordination.k8s.io/v1", "leases", "lease", "Lease", true, List.of()),
        new Served("events.k8s.io/v1", "events", "event", "Event", true, List.of("ev")),
        new Served("apiextensions.k8s.io/v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false,
            List.of("crd", "crds")));

    /**
     * kubectl discovers resources before it acts; these are the documents it asks for: the built-in
     * kinds above and our CRDs' kinds with their status subresources.
     */
    private void stubDiscovery(List<CustomResourceDefinition> crds) {
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (Served served : BUILT_IN) {
            dispatcher.kind(served.groupVersion(), served.plural(), served.kind());
            groups.computeIfAbsent(served.groupVersion(), key -> new ArrayList<>()).add(served.discovery());
        }
        for (CustomResourceDefinition crd : crds) {
            var names = crd.getSpec().getNames();
            String groupVersion = crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName();
            List<Map<String, Object>> resources = groups.computeIfAbsent(groupVersion, key -> new ArrayList<>());
            resources.add(Map.of("name", names.getPlural(), "singularName", names.getSingular(), "namespaced", true,
                "kind", names.getKind(), "shortNames", names.getShortNames() == null ? List.of() : names.getShortNames(),
                "categories", names.getCategories() == null ? List.of() : names.getCategories(),
                "verbs", List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")));
            resources.add(Map.of("name", names.getPlural() + "/status", "singularName", "", "namespaced", true, "kind", names.getKind(),
                "verbs", List.of("get", "patch", "update")));
        }
        stub("/api", Map.of("kind", "APIVersions", "versions", List.of("v1"),
            "serverAddressByClientCIDRs", List.of(Map.of("clientCIDR", "0.0.0.0/0", "serverAddress", "127.0.0.1"))));
        List<Map<String, Object>> groupList = new ArrayList<>();
        groups.forEach((groupVersion, resources) -> {
            if (groupVersion.equals("v1")) {
                stub("/api/v1", Map.of("kind", "APIResourceList", "groupVersion", "v1", "resources", resources));
                return;
            }
            String version = groupVersion.substring(groupVersion.indexOf('/') + 1);
            Map<String, Object> preferred = Map.of("groupVersion", groupVersion, "version", version);
            groupList.add(Map.of("name", groupVersion.substring(0, groupVersion.indexOf('/')), "versions", List.of(preferred), "preferredVersion", preferred));
            stub("/apis/" + groupVersion, Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", groupVersion, "resources", resources));
        });
        stub("/apis", Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", groupList));
        stub("/version", Map.of("major", "1", "minor", "31", "gitVersion", "v1.31.0-edgeai-local", "gitCommit", "", "gitTreeState", "clean",
            "buildDate", "2026-11-30T00:00:00Z", "goVersion", "", "compiler", "", "platform", "linux/amd64"));
        // kubectl asks for v2 as protobuf: an empty message (zero bytes) is valid and says nothing
        stub("/openapi/v2", "");
        stubOpenApiV3(crds);
    }

    /**
     * The OpenAPI v3 documents kubectl explain reads, one per group version of our CRDs: each kind's
     * schema is its CRD's openAPIV3Schema (with apiVersion, kind and metadata as kube-apiserver adds
     * them), named and tagged with its group, version and kind as kube-apiserver publishes CRDs.
     */
    private void stubOpenApiV3(List<CustomResourceDefinition> crds) {
        Map<String, Map<String, Object>> schemasByGroupVersion = new LinkedHashMap<>();
        Map<String, Map<String, Object>> pathsByGroupVersion = new LinkedHashMap<>();
        for (CustomResourceDefinition crd : crds) {
            String group = crd.getSpec().getGroup();
            var version = crd.getSpec().getVersions().get(0);
            String kind = crd.getSpec().getNames().getKind();
            Map<String, Object> schema = YAML.convertValue(version.getSchema().getOpenAPIV3Schema(), LinkedHashMap.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) schema.getOrDefault("properties", Map.of()));
            properties.put("apiVersion", Map.of("type", "string", "description",
                "APIVersion defines the versioned schema of this representation of an object."));
            properties.put("kind", Map.of("type", "string", "description", "Kind is a string value representing the REST resource this object represents."));
            properties.put("metadata", Map.of("type", "object", "description", "Standard object's metadata."));
            schema.put("properties", properties);
            schema.put("x-kubernetes-group-version-kind", List.of(Map.of("group", group, "kind", kind, "version", version.getName())));
            String reversed = String.join(".", reversed(group.split("\\.")));
            String name = reversed + "." + version.getName() + "." + kind;
            schemasByGroupVersion.computeIfAbsent(group + "/" + version.getName(), key -> new LinkedHashMap<>()).put(name, schema);
            // kubectl explain finds a resource's kind through the GET operation on its path
            Map<String, Object> get = Map.of("x-kubernetes-action", "get",
                "x-kubernetes-group-version-kind", Map.of("group", group, "version", version.getName(), "kind", kind),
                "responses", Map.of("200", Map.of("description", "OK", "content",
                    Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/" + name))))));
            pathsByGroupVersion.computeIfAbsent(group + "/" + version.getName(), key -> new LinkedHashMap<>())
                .put("/apis/" + group + "/" + version.getName() + "/namespaces/{namespace}/" + crd.getSpec().getNames().getPlural() + "/{name}",
                    Map.of("get", get));
        }
        Map<String, Object> index = new LinkedHashMap<>();
        schemasByGroupVersion.forEach((groupVersion, schemas) -> {
            String path = "/openapi/v3/apis/" + groupVersion;
            index.put("apis/" + groupVersion, Map.of("serverRelativeURL", path + "?hash=" + Integer.toHexString(schemas.hashCode())));
            stub(path, Map.of("openapi", "3.0.0", "info", Map.of("title", "Kubernetes CRD Swagger", "version", "v0.1.0"),
                "paths", pathsByGroupVersion.get(groupVersion),
                "components", Map.of("schemas", schemas)));
        });
        stub("/openapi/v3", Map.of("paths", index));
    }

    private static List<String> reversed(String[] parts) {
        List<String> list = new ArrayList<>(List.of(parts));
        java.util.Collections.reverse(list);
        return list;
    }

    private void stub(String path, Object body) {
        dispatcher.serve(path, body instanceof String text ? text : io.fabric8.kubernetes.client.utils.Serialization.asJson(body));
    }

    @Override
    public void close() {
        front.close();
        client.close();
        server.destroy();
    }
}
