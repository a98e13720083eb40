package io.edgeai.sync.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the in-memory API: fixed discovery documents for kubectl (matched on the path, whatever the
 * query), everything else by fabric8's CRUD dispatcher, made to behave as kube-apiserver does where
 * a controller can tell:
 * <ul>
 * <li>its JSON merge patch follows RFC 7386: the stock one appends to arrays instead of replacing
 * them, so a status's conditions or metrics would grow with every patch;</li>
 * <li>optimistic concurrency: a write that names a resourceVersion (an update, a status update, a
 * patch that sets metadata.resourceVersion) is refused with 409 Conflict unless the object is still
 * at that version, checked and written as one step; the stock one let a stale status update
 * through, and answered a stale update without the reason kube-apiserver gives. Leader election on
 * a Lease rests on exactly this.</li>
 * </ul>
 */
final class LocalDispatcher extends Dispatcher {
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final Object writes = new Object();
    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher() {
        @Override
        public JsonNode merge(JsonNode source, String patch) throws KubernetesCrudDispatcherException {
            try {
                return mergePatch(source, Serialization.jsonMapper().readTree(patch));
            } catch (JsonProcessingException e) {
                throw new KubernetesCrudDispatcherException("malformed merge patch: " + e.getOriginalMessage(), 400);
            }
        }
    };

    void serve(String path, String body) {
        documents.put(path, body);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        String method = request.getMethod();
        String document = "GET".equals(method) ? documents.get(bare) : null;
        if (document != null) {
            return new MockResponse().setResponseCode(200).setBody(document);
        }
        if ("GET".equals(method)) {
            return crud.dispatch(request);
        }
        // compare and write as one step, as etcd does (the mock server serves one request at a time
        // today, so the race tests pass without this lock too; the lock does not depend on that)
        synchronized (writes) {
            MockResponse conflict = "PUT".equals(method) || isMergePatch(request) ? staleWrite(bare, new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8)) : null;
            return conflict != null ? conflict : crud.dispatch(request);
        }
    }

    private static boolean isMergePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        return "PATCH".equals(request.getMethod()) && type != null && (type.startsWith("application/merge-patch+json")
            || type.startsWith("application/strategic-merge-patch+json"));
    }

    /** A 409 Conflict if the body names a resourceVersion the stored object is no longer at. */
    private MockResponse staleWrite(String path, String body) {
        String named;
        try {
            named = Serialization.jsonMapper().readTree(body).path("metadata").path("resourceVersion").asText("");
        } catch (JsonProcessingException e) {
            return null; // the CRUD dispatcher answers malformed bodies
        }
        if (named.isEmpty()) {
            return null;
        }
        String objectPath = path.endsWith("/status") ? path.substring(0, path.length() - "/status".length()) : path;
        MockResponse stored = crud.handleGet(objectPath);
        if (!stored.getStatus().startsWith("HTTP/1.1 200")) {
            return null; // not there: the CRUD dispatcher answers that
        }
        String current;
        try {
            current = Serialization.jsonMapper().readTree(stored.getBody().readUtf8()).path("metadata").path("resourceVersion").asText("");
        } catch (JsonProcessingException e) {
            return null;
        }
        if (named.equals(current)) {
            return null;
        }
        String[] segments = objectPath.split("/");
        String name = segments[segments.length - 1];
        String plural = segments[segments.length - 2];
        String group = objectPath.startsWith("/apis/") ? segments[2] : "";
        String resource = group.isEmpty() ? plural : plural + "." + group;
        ObjectNode status = JsonNodeFactory.instance.objectNode()
            .put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
            .put("message", "Operation cannot be fulfilled on " + resource + " \"" + name
                + "\": the object has been modified; please apply your changes to the latest version and try again")
            .put("reason", "Conflict").put("code", 409);
        status.putObject("metadata");
        status.putObject("details").put("name", name).put("group", group).put("kind", plural);
        return new MockResponse().setResponseCode(409).setBody(status.toString());
    }

    /** RFC 7386: objects merge member by member, null removes, anything else (arrays too) replaces. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        patch.fields().forEachRemaining(member -> {
            if (member.getValue().isNull()) {
                result.remove(member.getKey());
            } else {
                result.set(member.getKey(), mergePatch(result.get(member.getKey()), member.getValue()));
            }
        });
        return result;
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }
}
