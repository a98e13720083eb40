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
 * query), everything else by fabric8's CRUD dispatcher, whose JSON merge patch is made to follow
 * RFC 7386 as a real API server does: the stock one appends to arrays instead of replacing them, so
 * a status's conditions or metrics would grow with every patch.
 */
final class LocalDispatcher extends Dispatcher {
    private final Map<String, String> documents = new ConcurrentHashMap<>();
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
        String document = "GET".equals(request.getMethod()) ? documents.get(query < 0 ? path : path.substring(0, query)) : null;
        if (document != null) {
            return new MockResponse().setResponseCode(200).setBody(document);
        }
        return crud.dispatch(request);
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
