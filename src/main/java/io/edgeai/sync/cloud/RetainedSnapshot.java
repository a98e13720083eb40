package io.edgeai.sync.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Outgoing;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired state the broker retained when the cloud started, read once, from start-up on
 * ({@link #start()}), and awaited by the first listed resource. A restarted cloud lists every resource again; what the broker already holds unchanged
 * (same uid, generation and spec; only {@code issuedAt} may differ) is not sent again, so a restart
 * without changes sends nothing. Each entry answers once: later events are sent as usual. Manifests
 * that no longer match are corrected by the reconciler, which judges every retained message.
 */
public final class RetainedSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedSnapshot.class);

    private static final long WAIT_SECONDS = 60;

    private final Supplier<List<RetainedReader.Retained>> read;
    private CompletableFuture<List<RetainedReader.Retained>> reading;
    private Map<String, JsonNode> byTopic;

    public RetainedSnapshot(Supplier<List<RetainedReader.Retained>> read) {
        this.read = read;
    }

    /** Starts reading now, on a thread of its own, so that the first listed resource need not wait for it. */
    public synchronized RetainedSnapshot start() {
        if (reading == null) {
            reading = CompletableFuture.supplyAsync(read, runnable -> {
                Thread thread = new Thread(runnable, "retained-snapshot");
                thread.setDaemon(true);
                thread.start();
            });
        }
        return this;
    }

    /** A snapshot that holds nothing: every message is sent. */
    public static RetainedSnapshot none() {
        return new RetainedSnapshot(List::of);
    }

    /** Whether the broker already holds this desired object, unchanged; each topic answers once. */
    public synchronized boolean holds(Outgoing message) {
        JsonNode retained = loaded().remove(message.topic());
        return retained != null && retained.equals(content(message.payload()));
    }

    /** Whether the broker held anything on this topic at start-up (and {@link #holds} has not answered for it). */
    public synchronized boolean retains(String topic) {
        return loaded().containsKey(topic);
    }

    private Map<String, JsonNode> loaded() {
        if (byTopic == null) {
            byTopic = new HashMap<>();
            for (RetainedReader.Retained retained : awaitRead()) {
                JsonNode content = content(retained.payload());
                if (content != null) {
                    byTopic.put(retained.topic(), content);
                }
            }
            LOG.info("the broker retains {} desired-state messages; those that still match are not sent again", byTopic.size());
        }
        return byTopic;
    }

    private List<RetainedReader.Retained> awaitRead() {
        start();
        try {
            return reading.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("the retained desired state could not be read ({}); everything listed is sent", e.toString());
            return List.of();
        }
    }

    /** The payload without its stamp, or null when it is no JSON object. */
    private static JsonNode content(byte[] payload) {
        try {
            JsonNode node = Json.MAPPER.readTree(payload);
            if (node instanceof ObjectNode object) {
                object.remove("issuedAt");
                return object;
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }
}
