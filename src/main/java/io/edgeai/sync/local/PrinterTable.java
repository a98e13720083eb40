package io.edgeai.sync.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The meta.k8s.io/v1 Table that kube-apiserver answers {@code kubectl get} with: a Name column, then
 * a CRD's {@code additionalPrinterColumns} (or Age alone, as for a kind without them), each cell
 * found by its JSONPath and shown as kube-apiserver's table converter shows it: {@code date} as an
 * age ("5m", "3h12m"), {@code integer} and {@code number} as numbers, {@code string} as Go prints the
 * value (an object as {@code map[k:v]}), nothing found as an empty cell. Columns with a priority
 * above 0 are sent too; kubectl shows them for {@code -o wide}.
 */
final class PrinterTable {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** The JSONPath forms our CRDs use: .a.b, [n], [*] and [?(@.field=="value")]. */
    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[(\\d+|\\*)]|\\[\\?\\(@\\.([A-Za-z0-9_.-]+)==\"([^\"]*)\"\\)]");

    /** One printer column, as a CRD declares it. */
    record Column(String name, String type, String format, String description, int priority, String jsonPath) {
        static Column of(JsonNode declared) {
            return new Column(declared.path("name").asText(), declared.path("type").asText("string"), declared.path("format").asText(""),
                declared.path("description").asText(""), declared.path("priority").asInt(0), declared.path("jsonPath").asText());
        }
    }

    /** Age, the column a kind without printer columns gets besides its name. */
    static final List<Column> AGE_ONLY = List.of(new Column("Age", "date", "", "", 0, ".metadata.creationTimestamp"));

    private PrinterTable() {
    }

    /** A Table of {@code objects} (a list's items, or the one object asked for). */
    static ObjectNode of(List<Column> columns, List<JsonNode> objects, String resourceVersion, Instant now) {
        ObjectNode table = JSON.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", resourceVersion);
        ArrayNode definitions = table.putArray("columnDefinitions");
        definitions.addObject().put("name", "Name").put("type", "string").put("format", "name")
            .put("description", "Name must be unique within a namespace.").put("priority", 0);
        for (Column column : columns) {
            definitions.addObject().put("name", column.name()).put("type", column.type()).put("format", column.format())
                .put("description", column.description()).put("priority", column.priority());
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            cells.add(object.path("metadata").path("name").asText());
            for (Column column : columns) {
                cells.add(cell(column.type(), find(object, column.jsonPath()), now));
            }
            // what kubectl reads besides the cells (the namespace for -A): the object's metadata
            ObjectNode partial = row.putObject("object").put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", object.path("metadata").deepCopy());
        }
        return table;
    }

    /** The first value the path finds, or null: kube-apiserver shows one value per cell. */
    static JsonNode find(JsonNode object, String jsonPath) {
        String path = jsonPath.startsWith("{") && jsonPath.endsWith("}") ? jsonPath.substring(1, jsonPath.length() - 1) : jsonPath;
        List<JsonNode> current = List.of(object);
        Matcher step = STEP.matcher(path);
        int at = 0;
        while (at < path.length()) {
            if (!step.find(at) || step.start() != at) {
                return null; // a form we do not evaluate: an empty cell, as an unmatched path gives
            }
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                if (step.group(1) != null) {
                    addIfPresent(next, node.get(step.group(1)));
                } else if ("*".equals(step.group(2))) {
                    node.elements().forEachRemaining(next::add);
                } else if (step.group(2) != null) {
                    addIfPresent(next, node.isArray() ? node.get(Integer.parseInt(step.group(2))) : null);
                } else if (node.isArray()) {
                    for (JsonNode element : node) {
                        if (step.group(4).equals(text(find(element, "." + step.group(3))))) {
                            next.add(element);
                        }
                    }
                }
            }
            current = next;
            at = step.end();
        }
        return current.isEmpty() ? null : current.get(0);
    }

    private static void addIfPresent(List<JsonNode> found, JsonNode node) {
        if (node != null && !node.isNull() && !node.isMissingNode()) {
            found.add(node);
        }
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.isValueNode() ? node.asText() : node.toString();
    }

    private static JsonNode cell(String type, JsonNode value, Instant now) {
        if (value == null) {
            return JSON.nullNode();
        }
        return switch (type) {
            case "integer" -> value.isIntegralNumber() ? JSON.numberNode(value.asLong()) : JSON.nullNode();
            case "number" -> value.isNumber() ? JSON.numberNode(value.asDouble()) : JSON.nullNode();
            case "boolean" -> value.isBoolean() ? value : JSON.nullNode();
            case "date" -> JSON.textNode(value.isTextual() ? age(value.asText(), now) : "<invalid>");
            default -> JSON.textNode(goPrint(value));
        };
    }

    /** How long ago, as kube-apiserver and kubectl write ages (duration.HumanDuration's steps). */
    static String age(String timestamp, Instant now) {
        Instant then;
        try {
            then = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
        Duration since = Duration.between(then, now);
        long seconds = since.getSeconds();
        if (seconds < -1) {
            return "<invalid>"; // more than a moment in the future: the clocks disagree
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
        }
        if (minutes < 180) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        long days = hours / 24;
        if (hours < 24 * 8) {
            return hours % 24 == 0 ? days + "d" : days + "d" + hours % 24 + "h";
        }
        if (hours < 24 * 365 * 2) {
            return days + "d";
        }
        long years = days / 365;
        if (hours < 24 * 365 * 8) {
            return days % 365 == 0 ? years + "y" : years + "y" + days % 365 + "d";
        }
        return years + "y";
    }

    /** A value as Go's fmt prints what JSON decodes to: objects as map[k:v ...] with sorted keys, arrays as [a b]. */
    static String goPrint(JsonNode value) {
        if (value.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            value.fields().forEachRemaining(field -> sorted.put(field.getKey(), field.getValue()));
            StringBuilder printed = new StringBuilder("map[");
            Iterator<Map.Entry<String, JsonNode>> fields = sorted.entrySet().iterator();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                printed.append(field.getKey()).append(':').append(goPrint(field.getValue()));
                if (fields.hasNext()) {
                    printed.append(' ');
                }
            }
            return printed.append(']').toString();
        }
        if (value.isArray()) {
            List<String> elements = new ArrayList<>();
            value.forEach(element -> elements.add(goPrint(element)));
            return "[" + String.join(" ", elements) + "]";
        }
        return value.isNull() ? "<nil>" : value.asText();
    }
}
