package io.edgeai.sync.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A custom resource checked against its CRD's {@code openAPIV3Schema}, as kube-apiserver checks every
 * create, update and patch: the schema is the CRD's own (from crds/, never a copy), validated with
 * networknt's JSON Schema validator, and a mistake is answered as kube-apiserver answers it, a 422
 * {@code Invalid} Status whose message and causes name the field
 * ({@code Dataset.edgeai.io "x" is invalid: spec.nodeName: Invalid value: "Edge_0": ...}).
 */
final class CrdValidation {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** What every object has besides what its CRD's schema declares. */
    private static final java.util.Set<String> ROOT_FIELDS = java.util.Set.of("apiVersion", "kind", "metadata");

    private final String kind;
    private final String group;
    private final JsonSchema schema;
    private final JsonNode openApi;

    CrdValidation(String kind, String group, JsonNode openApiV3Schema) {
        this.kind = kind;
        this.group = group;
        this.openApi = openApiV3Schema;
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        // structural schemas are OpenAPI v3's subset of draft 4; of the x-kubernetes-* keywords,
        // list-type set is checked (duplicates), the others change no validation of ours
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApiV3Schema, config);
    }

    /** An object without the fields its schema does not declare, and those fields as paths (spec.foo). */
    record Pruned(JsonNode object, List<String> removed) {
    }

    /**
     * {@code object} (a copy) without the fields its schema does not declare; kube-apiserver prunes
     * them, or refuses the write when the client asks for strict field validation.
     */
    Pruned pruned(JsonNode object) {
        JsonNode copy = object.deepCopy();
        List<String> removed = new ArrayList<>();
        prune(copy, openApi, "", true, removed);
        return new Pruned(copy, removed);
    }

    private static void prune(JsonNode node, JsonNode schema, String path, boolean root, List<String> removed) {
        if (node == null || schema == null || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            return;
        }
        if (node.isObject() && schema.has("properties")) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode declared = schema.path("properties").get(name);
                String field = path.isEmpty() ? name : path + "." + name;
                if (declared != null) {
                    prune(node.get(name), declared, field, false, removed);
                } else if (!root || !ROOT_FIELDS.contains(name)) {
                    ((ObjectNode) node).remove(name);
                    removed.add(field);
                }
            }
        } else if (node.isArray() && schema.has("items")) {
            for (int i = 0; i < node.size(); i++) {
                prune(node.get(i), schema.get("items"), path + "[" + i + "]", false, removed);
            }
        }
    }

    /** Null if {@code object} is valid, else the Status body of the 422 kube-apiserver would answer. */
    ObjectNode invalid(JsonNode object) {
        List<String[]> errors = new ArrayList<>(schema.validate(object).stream().map(CrdValidation::fieldError).toList());
        duplicates(object, openApi, "", errors);
        errors.sort(Comparator.comparing((String[] error) -> error[0]));
        if (errors.isEmpty()) {
            return null;
        }
        String name = object.path("metadata").path("name").asText("");
        List<String> messages = errors.stream().map(error -> error[0] + ": " + error[1]).toList();
        String message = kind + "." + group + " \"" + name + "\" is invalid: "
            + (messages.size() == 1 ? messages.get(0) : "[" + String.join(", ", messages) + "]");
        ObjectNode status = JSON.objectNode().put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure").put("message", message).put("reason", "Invalid");
        ObjectNode details = status.putObject("details").put("name", name).put("group", group).put("kind", kind);
        ArrayNode causes = details.putArray("causes");
        for (String[] error : errors) {
            causes.addObject().put("reason", error[2]).put("message", error[1]).put("field", error[0]);
        }
        status.put("code", 422);
        return status;
    }

    /** Items repeated in a list whose schema says {@code x-kubernetes-list-type: set}, as kube-apiserver reports them. */
    private static void duplicates(JsonNode node, JsonNode schema, String path, List<String[]> errors) {
        if (node == null || schema == null) {
            return;
        }
        if (node.isObject() && schema.has("properties")) {
            node.fields().forEachRemaining(field -> duplicates(field.getValue(), schema.path("properties").get(field.getKey()),
                path.isEmpty() ? field.getKey() : path + "." + field.getKey(), errors));
        } else if (node.isArray()) {
            java.util.Set<JsonNode> seen = new java.util.HashSet<>();
            boolean set = "set".equals(schema.path("x-kubernetes-list-type").asText());
            for (int i = 0; i < node.size(); i++) {
                if (set && !seen.add(node.get(i))) {
                    errors.add(new String[] {path + "[" + i + "]", "Duplicate value: " + quoted(node.get(i)), "FieldValueDuplicate"});
                }
                duplicates(node.get(i), schema.get("items"), path + "[" + i + "]", errors);
            }
        }
    }

    /** {field, message, cause reason} in kube-apiserver's words for one schema violation. */
    private static String[] fieldError(ValidationMessage violation) {
        String field = fieldPath(violation.getInstanceLocation().toString());
        JsonNode value = violation.getInstanceNode();
        Object[] arguments = violation.getArguments() == null ? new Object[0] : violation.getArguments();
        return switch (violation.getType()) {
            case "required" -> {
                String missing = (field.isEmpty() ? "" : field + ".") + violation.getProperty();
                yield new String[] {missing, "Required value", "FieldValueRequired"};
            }
            case "enum" -> new String[] {field, "Unsupported value: " + quoted(value) + ": supported values: " + enumValues(violation.getSchemaNode()),
                "FieldValueNotSupported"};
            case "type" -> new String[] {field, "Invalid value: \"" + typeOf(value) + "\": " + field + " in body must be of type "
                + violation.getSchemaNode().asText() + ": \"" + typeOf(value) + "\"", "FieldValueTypeInvalid"};
            case "pattern" -> new String[] {field, "Invalid value: " + quoted(value) + ": " + field + " in body should match '"
                + violation.getSchemaNode().asText() + "'", "FieldValueInvalid"};
            case "minimum" -> new String[] {field, "Invalid value: " + quoted(value) + ": " + field + " in body should be greater than or equal to "
                + violation.getSchemaNode().asText(), "FieldValueInvalid"};
            case "minLength" -> new String[] {field, "Invalid value: " + quoted(value) + ": " + field + " in body should be at least "
                + violation.getSchemaNode().asText() + " chars long", "FieldValueInvalid"};
            case "maxLength" -> new String[] {field, "Too long: may not be more than " + violation.getSchemaNode().asText() + " bytes",
                "FieldValueTooLong"};
            case "format" -> new String[] {field, "Invalid value: " + quoted(value) + ": " + field + " in body must be of type "
                + (arguments.length > 0 ? arguments[0] : "format") + ": " + quoted(value), "FieldValueInvalid"};
            default -> new String[] {field, "Invalid value: " + quoted(value) + ": " + violation.getMessage(), "FieldValueInvalid"};
        };
    }

    /** A JSON pointer (/status/conditions/0/type) or path ($.spec) as kube-apiserver names fields: status.conditions[0].type. */
    static String fieldPath(String location) {
        String path = location.startsWith("$") ? location.substring(1).replaceFirst("^\\.", "") : location;
        if (!location.startsWith("/")) {
            return path;
        }
        StringBuilder field = new StringBuilder();
        for (String token : path.substring(1).split("/")) {
            if (token.isEmpty()) {
                continue;
            }
            String name = token.replace("~1", "/").replace("~0", "~");
            if (name.chars().allMatch(Character::isDigit)) {
                field.append('[').append(name).append(']');
            } else {
                field.append(field.length() == 0 ? "" : ".").append(name);
            }
        }
        return field.toString();
    }

    private static String quoted(JsonNode value) {
        if (value == null || value.isMissingNode()) {
            return "null";
        }
        return value.isTextual() ? value.toString() : value.isValueNode() ? value.asText() : "\"" + typeOf(value) + "\"";
    }

    private static String typeOf(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        return value.isTextual() ? "string" : value.isIntegralNumber() ? "integer" : value.isNumber() ? "number" : value.isBoolean() ? "boolean"
            : value.isArray() ? "array" : "object";
    }

    private static String enumValues(JsonNode allowed) {
        List<String> values = new ArrayList<>();
        allowed.forEach(value -> values.add(value.toString()));
        return values.stream().collect(Collectors.joining(", "));
    }
}
