package io.edgeai.sync.management;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Comparator;
import org.apache.camel.health.HealthCheck;

/**
 * What a probe reads: 200 and {@code "status":"UP"} unless a check is down, then 503 with every
 * check's state and, for those down, why (the JSON shape of Camel's own management server).
 */
public record HealthReport(int statusCode, String json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static HealthReport of(Collection<HealthCheck.Result> results) {
        boolean down = results.stream().anyMatch(result -> result.getState() == HealthCheck.State.DOWN);
        ObjectNode body = JSON.createObjectNode();
        body.put("status", down ? "DOWN" : "UP");
        ArrayNode checks = body.putArray("checks");
        results.stream().sorted(Comparator.comparing(result -> result.getCheck().getId())).forEach(result -> {
            ObjectNode check = checks.addObject();
            check.put("name", result.getCheck().getId());
            check.put("status", result.getState().name());
            if (result.getState() == HealthCheck.State.DOWN) {
                result.getMessage().ifPresent(message -> check.put("message", message));
                result.getError().ifPresent(error -> check.put("error", String.valueOf(error.getMessage())));
            }
        });
        return new HealthReport(down ? 503 : 200, body.toString());
    }
}
