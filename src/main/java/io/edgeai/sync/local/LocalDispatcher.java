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
import java.util.List;
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
 * <li>Events written as events.k8s.io/v1 are also served as core/v1 Events, filtered by
 * {@code involvedObject.*} field selectors, as kube-apiserver serves both from one store:
 * {@code kubectl describe} reads them so.</li>
 * </ul>
 */
final class LocalDispatcher extends Dispatcher {
    private static final java.util.regex.Pattern FIELD_TERM = java.util.regex.Pattern.compile("([^!=]+)(!=|==|=)(.*)");
    /** The fields kube-apiserver selects Events by. */
    private static final java.util.regex.Pattern EVENT_FIELDS = java.util.regex.Pattern.compile(
        "involvedObject\\.(kind|namespace|name|uid|apiVersion|resourceVersion|fieldPath)|reason|reportingComponent|source|type"
            + "|metadata\\.(name|namespace)");
    private static final java.util.regex.Pattern CORE_EVENTS = java.util.regex.Pattern.compile("/api/v1(?:/namespaces/([^/]+))?/events");
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

    /** Printer columns by "group/plural" ("/namespaces" for the core group); kinds not named get Age. */
    private final Map<String, List<PrinterTable.Column>> printerColumns = new ConcurrentHashMap<>();
    /** group/plural to (group/version, kind). */
    private final Map<String, Map.Entry<String, String>> kinds = new ConcurrentHashMap<>();

    /** Custom resources by "group/plural", checked on every write as kube-apiserver checks them. */
    private final Map<String, CrdValidation> validations = new ConcurrentHashMap<>();

    void serve(String path, String body) {
        documents.put(path, body);
    }

    void validate(String group, String plural, CrdValidation validation) {
        validations.put(group + "/" + plural, validation);
    }

    /** The kind of a resource the API serves, for the kind of its lists. */
    void kind(String groupVersion, String plural, String kind) {
        kinds.put(groupOf(groupVersion) + "/" + plural, Map.entry(groupVersion, kind));
    }

    private static String groupOf(String groupVersion) {
        return groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
    }

    void printColumns(String group, String plural, List<PrinterTable.Column> columns) {
        printerColumns.put(group + "/" + plural, List.copyOf(columns));
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
            java.util.regex.Matcher coreEvents = CORE_EVENTS.matcher(bare);
            if (coreEvents.matches()) {
                return coreEvents(coreEvents.group(1), query < 0 ? "" : path.substring(query + 1));
            }
            String accept = request.getHeader("Accept");
            if (accept != null && accept.contains("as=Table") && !path.contains("watch=true")) {
                MockResponse table = table(path, bare);
                if (table != null) {
                    return table;
                }
            }
            return query >= 0 && path.contains("watch=") ? crud.dispatch(request) : listed(crud.dispatch(request), bare);
        }
        Written written = written(request);
        if (written.refusal() != null) {
            return written.refusal();
        }
        JsonNode body = written.json();
        // compare and write as one step, as etcd does (the mock server serves one request at a time
        // today, so the race tests pass without this lock too; the lock does not depend on that)
        synchronized (writes) {
            MockResponse invalid = invalidWrite(request, bare, body);
            if (invalid != null) {
                return invalid;
            }
            MockResponse conflict = "PUT".equals(method) || "PATCH".equals(method) ? staleWrite(bare, body) : null;
            if (conflict != null) {
                return conflict;
            }
            if (query >= 0 && path.substring(query).contains("dryRun=All")) {
                return dryRun(request, bare, body);
            }
            // fields the schema does not declare are pruned, or refused if the client asked for strict validation
            byte[] stored = request.getBody().getBytes();
            List<String> unknown = List.of();
            CrdValidation validation = validationFor(bare);
            String type = request.getHeader("Content-Type");
            if (validation != null && body != null && body.isObject() && (type == null || !type.startsWith("application/json-patch+json"))) {
                CrdValidation.Pruned pruned = validation.pruned(body);
                unknown = pruned.removed();
                if (!unknown.isEmpty() && path.contains("fieldValidation=Strict")) {
                    String kind = body.path("kind").asText("object");
                    return json(400, failure(400, "BadRequest", kind + " in version \"" + bare.split("/")[3] + "\" cannot be handled as a " + kind
                        + ": strict decoding error: " + unknown.stream().map(field -> "unknown field \"" + field + "\"")
                        .collect(java.util.stream.Collectors.joining(", "))));
                }
                if (!unknown.isEmpty()) {
                    stored = pruned.object().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            // the CRUD dispatcher knows a status write by the path's end: kubectl adds ?fieldManager=...
            String target = query >= 0 && bare.endsWith("/status") ? bare : path;
            // and it knows no strategic merge (kubectl's patch of built-in kinds, and apply of a changed
            // one): taken as a JSON merge patch, which it is for every field but lists merged by key
            boolean strategic = type != null && type.startsWith("application/strategic-merge-patch+json");
            io.fabric8.mockwebserver.http.Headers headers = strategic
                ? request.getHeaders().newBuilder().set("Content-Type", "application/merge-patch+json").build() : request.getHeaders();
            MockResponse answer = crud.dispatch(target.equals(path) && unknown.isEmpty() && !strategic ? request
                : new RecordedRequest(request.getHttpVersion(), request.method(), target, headers, new io.fabric8.mockwebserver.http.Buffer(stored)));
            for (String field : unknown) {
                answer.addHeader("Warning", "299 - \"unknown field \\\"" + field + "\\\"\"");
            }
            return answer;
        }
    }

    /** The schema check of the custom resource a path names, or null for any other path. */
    private CrdValidation validationFor(String bare) {
        return !bare.startsWith("/apis/") || resourcePath(bare).isEmpty() ? null : validations.get(groupPlural(bare));
    }

    /** {@code group/plural} of the resource a path names ({@code /plural} for the core group), the key of what is known per resource. */
    private static String groupPlural(String bare) {
        return (bare.startsWith("/apis/") ? bare.split("/")[2] : "") + "/" + resourcePath(bare).get(0);
    }

    /** A resource path after its group and version, without the namespace: [plural], [plural, name] or [plural, name, subresource]. */
    private static List<String> resourcePath(String bare) {
        String[] segments = bare.split("/");
        int first = bare.startsWith("/apis/") ? 4 : 3;
        List<String> rest = List.of(segments).subList(Math.min(first, segments.length), segments.length);
        return rest.size() >= 3 && rest.get(0).equals("namespaces") ? rest.subList(2, rest.size()) : rest;
    }

    /**
     * What kubectl get asks for: the stored list or object as a Table (server-side printing), or null
     * to answer as JSON (a subresource, or not a resource path).
     */
    private MockResponse table(String path, String bare) {
        List<PrinterTable.Column> columns = columnsFor(bare);
        if (columns == null) {
            return null;
        }
        MockResponse stored = crud.handleGet(path);
        if (!stored.getStatus().startsWith("HTTP/1.1 200")) {
            return stored;
        }
        JsonNode body;
        try {
            body = Serialization.jsonMapper().readTree(stored.getBody().readUtf8());
        } catch (JsonProcessingException e) {
            return new MockResponse().setResponseCode(500).setBody(e.getOriginalMessage());
        }
        List<JsonNode> objects = new java.util.ArrayList<>();
        if (body.has("items")) {
            body.path("items").forEach(objects::add);
        } else {
            objects.add(body);
        }
        String resourceVersion = body.path("metadata").path("resourceVersion").asText("");
        return json(200, PrinterTable.of(columns, objects, resourceVersion, java.time.Instant.now()));
    }

    /**
     * A list as kube-apiserver answers it: of kind {@code DatasetList}, apiVersion
     * {@code edgeai.io/v1alpha1}, where the CRUD dispatcher says {@code List} and {@code v1}.
     */
    private MockResponse listed(MockResponse answer, String bare) {
        List<String> rest = resourcePath(bare);
        Map.Entry<String, String> kind = rest.size() != 1 || !answer.getStatus().startsWith("HTTP/1.1 200") ? null : kinds.get(groupPlural(bare));
        if (kind == null) {
            return answer;
        }
        try {
            JsonNode body = Serialization.jsonMapper().readTree(answer.getBody().readUtf8());
            if (body instanceof ObjectNode list && list.has("items")) {
                list.put("kind", kind.getValue() + "List").put("apiVersion", kind.getKey());
            }
            return json(200, body);
        } catch (JsonProcessingException e) {
            return new MockResponse().setResponseCode(500).setBody(e.getOriginalMessage());
        }
    }

    /** One watched object as the one-row Table kubectl get -w asks for. */
    ObjectNode tableOf(String bare, JsonNode object) {
        List<PrinterTable.Column> columns = columnsFor(bare);
        return PrinterTable.of(columns == null ? PrinterTable.AGE_ONLY : columns, List.of(object),
            object.path("metadata").path("resourceVersion").asText(""), java.time.Instant.now());
    }

    /** The printer columns of the resource a path names (a collection or one object), or null for a subresource or another path. */
    private List<PrinterTable.Column> columnsFor(String bare) {
        List<String> rest = resourcePath(bare);
        if (!bare.startsWith("/apis/") && !bare.startsWith("/api/") || rest.isEmpty() || rest.size() > 2) {
            return null;
        }
        return printerColumns.getOrDefault(groupPlural(bare), PrinterTable.AGE_ONLY);
    }

    /** The core/v1 view of the events.k8s.io/v1 Events in a namespace (or all), filtered by the query's field selector. */
    private MockResponse coreEvents(String namespace, String query) {
        // field selectors as kube-apiserver takes them for Events: field=value, field==value, field!=value
        List<String[]> selector = new java.util.ArrayList<>();
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("fieldSelector=")) {
                String decoded = java.net.URLDecoder.decode(parameter.substring("fieldSelector=".length()), java.nio.charset.StandardCharsets.UTF_8);
                for (String term : decoded.split(",")) {
                    if (term.isBlank()) {
                        continue;
                    }
                    java.util.regex.Matcher parsed = FIELD_TERM.matcher(term.trim());
                    if (!parsed.matches() || !EVENT_FIELDS.matcher(parsed.group(1)).matches()) {
                        ObjectNode status = failure(400, "BadRequest", "field label not supported: " + (parsed.matches() ? parsed.group(1) : term));
                        return new MockResponse().setResponseCode(400).setBody(status.toString());
                    }
                    selector.add(new String[] {parsed.group(1), parsed.group(2), parsed.group(3)});
                }
            }
        }
        MockResponse stored = crud.handleGet(namespace == null ? "/apis/events.k8s.io/v1/events" : "/apis/events.k8s.io/v1/namespaces/" + namespace + "/events");
        ObjectNode list = JsonNodeFactory.instance.objectNode().put("kind", "EventList").put("apiVersion", "v1");
        list.putObject("metadata");
        com.fasterxml.jackson.databind.node.ArrayNode items = list.putArray("items");
        if (stored.getStatus().startsWith("HTTP/1.1 200")) {
            try {
                for (JsonNode event : Serialization.jsonMapper().readTree(stored.getBody().readUtf8()).path("items")) {
                    ObjectNode core = coreEvent(event);
                    if (selector.stream().allMatch(term -> term[2].equals(fieldOf(core, term[0])) != "!=".equals(term[1]))) {
                        items.add(core);
                    }
                }
            } catch (JsonProcessingException e) {
                return new MockResponse().setResponseCode(500).setBody(e.getOriginalMessage());
            }
        }
        return json(200, list);
    }

    private static String fieldOf(JsonNode event, String field) {
        JsonNode node = event;
        for (String part : ("source".equals(field) ? "source.component" : field).split("\\.")) {
            node = node.path(part);
        }
        return node.asText("");
    }

    /** An events.k8s.io/v1 Event as core/v1 shows it: regarding is involvedObject, note is message. */
    static ObjectNode coreEvent(JsonNode event) {
        ObjectNode core = JsonNodeFactory.instance.objectNode().put("kind", "Event").put("apiVersion", "v1");
        core.set("metadata", event.path("metadata").deepCopy());
        core.set("involvedObject", event.path("regarding").deepCopy());
        core.put("reason", event.path("reason").asText(null));
        core.put("message", event.path("note").asText(null));
        core.put("type", event.path("type").asText(null));
        core.put("action", event.path("action").asText(null));
        core.put("reportingComponent", event.path("reportingController").asText(""));
        core.put("reportingInstance", event.path("reportingInstance").asText(""));
        core.putObject("source").put("component", event.path("reportingController").asText(""));
        if (event.hasNonNull("eventTime")) {
            core.set("eventTime", event.get("eventTime").deepCopy());
        }
        if (event.hasNonNull("series")) {
            core.set("series", event.get("series").deepCopy());
            core.put("count", event.path("series").path("count").asInt(1));
        } else {
            core.put("count", event.path("deprecatedCount").asInt(1));
        }
        return core;
    }

    /** A write's body, read once: its JSON (null for a request without one), or the answer refusing it. */
    private record Written(JsonNode json, MockResponse refusal) {
    }

    /**
     * A 415 for a body in another encoding than JSON (kubectl sends protobuf for some commands) and a
     * 400 for one that does not parse: the CRUD dispatcher would hang on either.
     */
    private static Written written(RecordedRequest request) {
        String method = request.getMethod();
        if (!"POST".equals(method) && !"PUT".equals(method) && !"PATCH".equals(method)) {
            return new Written(null, null);
        }
        String type = request.getHeader("Content-Type");
        if (type != null && !type.contains("json")) {
            return new Written(null, json(415, failure(415, "UnsupportedMediaType", "the in-memory API reads JSON only, not " + type)));
        }
        try {
            // read without consuming the body: the CRUD dispatcher reads it next
            return new Written(Serialization.jsonMapper().readTree(new String(request.getBody().getBytes(), java.nio.charset.StandardCharsets.UTF_8)),
                null);
        } catch (JsonProcessingException e) {
            return new Written(null, json(400, failure(400, "BadRequest", "the body is not JSON: " + e.getOriginalMessage())));
        }
    }

    /**
     * A 422 if the object this write would leave (the body created or put, the stored object patched,
     * a status written into it) breaks its CRD's schema; null for kinds without one, and for writes
     * the CRUD dispatcher refuses anyway (nothing stored to patch, a body that does not parse).
     */
    private MockResponse invalidWrite(RecordedRequest request, String bare, JsonNode body) {
        CrdValidation validation = validationFor(bare);
        JsonNode result = validation == null ? null : wouldLeave(request, bare, body);
        ObjectNode failure = result == null ? null : validation.invalid(result);
        return failure == null ? null : json(422, failure);
    }

    /**
     * The object a create, update or patch would leave (the body created or put, the stored object
     * patched, a status written into it), or null where the CRUD dispatcher must answer (nothing
     * stored to patch, a body that does not parse, another method).
     */
    private JsonNode wouldLeave(RecordedRequest request, String bare, JsonNode body) {
        String method = request.getMethod();
        if (body == null) {
            return null;
        }
        List<String> resource = resourcePath(bare);
        boolean status = resource.size() == 3 && resource.get(2).equals("status");
        try {
            if ("POST".equals(method)) {
                return body;
            }
            String objectPath = status ? bare.substring(0, bare.length() - "/status".length()) : bare;
            MockResponse stored = crud.handleGet(objectPath);
            if (!stored.getStatus().startsWith("HTTP/1.1 200")) {
                return null;
            }
            JsonNode current = Serialization.jsonMapper().readTree(stored.getBody().readUtf8());
            String type = request.getHeader("Content-Type");
            JsonNode written = "PUT".equals(method) ? body
                : type != null && type.startsWith("application/json-patch+json") ? io.fabric8.zjsonpatch.JsonPatch.apply(body, current)
                : mergePatch(current, body);
            // a write to /status changes only the status; a write to the object, everything else
            JsonNode kept = status ? written.get("status") : current.get("status");
            ObjectNode result = (ObjectNode) (status ? current : written).deepCopy();
            if (kept == null || kept.isNull()) {
                result.remove("status");
            } else {
                result.set("status", kept);
            }
            return result;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    /**
     * A write with {@code dryRun=All} (kubectl diff, apply --dry-run=server): checked as any write,
     * answered with the object it would leave, and nothing stored.
     */
    private MockResponse dryRun(RecordedRequest request, String bare, JsonNode body) {
        String method = request.getMethod();
        if ("DELETE".equals(method)) {
            return crud.handleGet(bare);
        }
        JsonNode result = wouldLeave(request, bare, body);
        if (result == null) {
            return json(404, failure(404, "NotFound", "nothing at " + bare + " to " + method.toLowerCase(java.util.Locale.ROOT)));
        }
        CrdValidation validation = validationFor(bare);
        return json("POST".equals(method) ? 201 : 200, validation == null ? result : validation.pruned(result).object());
    }

    /**
     * A 409 Conflict if the body names a resourceVersion the stored object is no longer at: an object
     * or merge patch that sets it, or a JSON patch that tests or replaces it (fabric8's {@code edit}).
     */
    private MockResponse staleWrite(String path, JsonNode body) {
        String named = body == null ? "" : body.path("metadata").path("resourceVersion").asText("");
        if (body != null && body.isArray()) {
            for (JsonNode operation : body) {
                if ("/metadata/resourceVersion".equals(operation.path("path").asText()) && operation.has("value")) {
                    named = operation.path("value").asText("");
                }
            }
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
        ObjectNode status = failure(409, "Conflict", "Operation cannot be fulfilled on " + resource + " \"" + name
            + "\": the object has been modified; please apply your changes to the latest version and try again");
        status.putObject("details").put("name", name).put("group", group).put("kind", plural);
        return new MockResponse().setResponseCode(409).setBody(status.toString());
    }

    private static MockResponse json(int code, JsonNode body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body.toString());
    }

    /** A kube-apiserver Status object for a failed request. */
    private static ObjectNode failure(int code, String reason, String message) {
        ObjectNode status = JsonNodeFactory.instance.objectNode()
            .put("kind", "Status").put("apiVersion", "v1").put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
        status.putObject("metadata");
        return status;
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
