package io.edgeai.sync.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The rules deploy/rbac.yaml grants the cloud, and what kube-apiserver's authorizer would make of a
 * request: its verb, API group and resource (with subresource). A Role's namespace is not checked:
 * the tests run the cloud in namespace default, deploy/ in edgeai-system.
 */
final class RbacRules {
    private final Set<String> granted = new HashSet<>();

    static RbacRules fromDeploy() throws IOException {
        RbacRules rules = new RbacRules();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (YAMLParser parser = new YAMLFactory().createParser(Files.readString(Path.of("deploy/rbac.yaml")))) {
            for (JsonNode object : yaml.readValues(parser, JsonNode.class).readAll()) {
                String kind = object.path("kind").asText();
                if (kind.equals("ClusterRole") || kind.equals("Role")) {
                    object.path("rules").forEach(rule -> rule.path("apiGroups").forEach(group -> rule.path("resources").forEach(resource ->
                        rule.path("verbs").forEach(verb -> rules.granted.add(verb.asText() + " " + group.asText() + "/" + resource.asText())))));
                }
            }
        }
        return rules;
    }

    /** "verb group/resource[/subresource]" as the authorizer sees the request, e.g. "patch edgeai.io/datasets/status". */
    static String attributes(String method, URI uri) {
        String[] parts = uri.getPath().substring(1).split("/");
        // api/v1/... or apis/GROUP/VERSION/...
        int rest = parts[0].equals("api") ? 2 : 3;
        String group = parts[0].equals("api") ? "" : parts[1];
        if (parts.length > rest + 1 && parts[rest].equals("namespaces")) {
            rest += 2;
        }
        String resource = parts[rest];
        boolean named = parts.length > rest + 1;
        String subresource = parts.length > rest + 2 ? "/" + parts[rest + 2] : "";
        boolean watch = uri.getQuery() != null && uri.getQuery().contains("watch=true");
        String verb = switch (method) {
            case "GET" -> named ? "get" : watch ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return verb + " " + group + "/" + resource + subresource;
    }

    boolean allows(String attributes) {
        return granted.contains(attributes);
    }
}
