package io.edgeai.sync.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Outgoing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired state the broker retained when the cloud started, read once with a short-lived client
 * from start-up on ({@link #start()}), and awaited before this run stamps anything: each retained
 * stamp is shown to the clock first, so what this run issues orders after it.
 *
 * <p>A restarted cloud lists every resource again; what the broker already holds unchanged (same uid,
 * generation and spec; only {@code issuedAt} may differ) is not sent again ({@link #holds}), so a
 * restart without changes sends nothing. What no listed resource answers for (deleted or moved while
 * the cloud was down, manifests) goes to the reconciler ({@link #unanswered}). Each entry answers
 * once, and only raw payloads are kept (about 200 bytes a dataset).
 */
public final class RetainedSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(RetainedSnapshot.class);

    private static final long WAIT_SECONDS = 60;

    private final Callable<List<RetainedReader.Retained>> read;
    private final LongPredicate observeStamp;
    private CompletableFuture<List<RetainedReader.Retained>> reading;
    private long readSince;
    private Map<String, byte[]> byTopic;
    private boolean complete;
    private volatile boolean awaited;

    /**
     * @param read         reads everything retained, or throws if the broker could not be read
     * @param observeStamp raises the clock above a retained stamp (false: too far ahead to trust)
     */
    public RetainedSnapshot(Callable<List<RetainedReader.Retained>> read, LongPredicate observeStamp) {
        this.read = read;
        this.observeStamp = observeStamp;
    }

    /** Starts reading now, on a thread of its own, so that the first listed resource need not wait for it. */
    public synchronized RetainedSnapshot start() {
        if (reading == null) {
            readSince = System.nanoTime();
            reading = CompletableFuture.supplyAsync(() -> {
                try {
                    return read.call();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, runnable -> {
                Thread thread = new Thread(runnable, "retained-snapshot");
                thread.setDaemon(true);
                thread.start();
            });
        }
        return this;
    }

    /**
     * Reads the broker again if the last read is older than {@code maxAge}: a replica that takes over
     * the lease long after it started judges and stamps against what the broker holds now (what the
     * old leader published since, and its stamps), not against what it held at this process's start.
     * Stamping waits for the new read ({@link #await}).
     */
    public synchronized void refreshIfOlderThan(java.time.Duration maxAge) {
        if (reading != null && System.nanoTime() - readSince > maxAge.toNanos()) {
            reading = null;
            byTopic = null;
            complete = false;
            awaited = false;
            start();
        }
    }

    /** A snapshot that holds nothing: every message is sent. */
    public static RetainedSnapshot none() {
        return new RetainedSnapshot(List::of, stamp -> true);
    }

    /** Waits (bounded) until the snapshot is read and its stamps observed; call before stamping anything. */
    public void await() {
        if (!awaited) {
            synchronized (this) {
                loaded();
                awaited = true;
            }
        }
    }

    /** Whether the broker already holds this desired object, unchanged; each topic answers once. */
    public synchronized boolean holds(Outgoing message) {
        byte[] retained = loaded().remove(message.topic());
        if (retained == null) {
            return false;
        }
        JsonNode before = content(retained);
        return before != null && before.equals(content(message.payload()));
    }

    /**
     * Takes out and returns what the broker retained that {@code answered} says no listed resource
     * will claim; empty if the broker could not be read at start-up and cannot be read now either
     * (call again later).
     */
    public synchronized Optional<List<RetainedReader.Retained>> unanswered(Predicate<String> answered) {
        loaded();
        if (complete) {
            return Optional.of(takeUnanswered(answered));
        }
        try {
            // the read at start-up failed (the broker was down), so everything listed was sent: read
            // again, judge what no resource answers for, and keep nothing else
            store(read.call());
            complete = true;
            List<RetainedReader.Retained> unanswered = takeUnanswered(answered);
            byTopic.clear();
            return Optional.of(unanswered);
        } catch (Exception e) {
            LOG.warn("the retained desired state still cannot be read ({}); it is judged when it can", e.toString());
            return Optional.empty();
        }
    }

    private List<RetainedReader.Retained> takeUnanswered(Predicate<String> answered) {
        List<RetainedReader.Retained> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, byte[]>> it = byTopic.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, byte[]> entry = it.next();
            if (!answered.test(entry.getKey())) {
                out.add(new RetainedReader.Retained(entry.getKey(), entry.getValue()));
                it.remove();
            }
        }
        return out;
    }

    private Map<String, byte[]> loaded() {
        if (byTopic == null) {
            byTopic = new HashMap<>();
            start();
            try {
                store(reading.get(WAIT_SECONDS, TimeUnit.SECONDS));
                complete = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("the retained desired state could not be read ({}); everything listed is sent", e.getCause() == null ? e : e.getCause());
            }
        }
        return byTopic;
    }

    private void store(List<RetainedReader.Retained> retained) {
        int untrusted = 0;
        for (RetainedReader.Retained message : retained) {
            if (message.payload().length == 0) {
                continue;
            }
            byTopic.put(message.topic(), message.payload());
            JsonNode stamp = stampOf(message.payload());
            if (stamp != null && !observeStamp.test(stamp.asLong())) {
                untrusted++;
            }
        }
        if (untrusted > 0) {
            LOG.warn("{} retained desired-state messages are stamped too far ahead of this cloud's clock: not trusted to order anything "
                + "(edges bound them too)", untrusted);
        }
        LOG.info("the broker retains {} desired-state messages; those that still match are not sent again", byTopic.size());
    }

    private static JsonNode stampOf(byte[] payload) {
        try {
            JsonNode stamp = Json.MAPPER.readTree(payload).get("issuedAt");
            return stamp != null && stamp.canConvertToLong() ? stamp : null;
        } catch (IOException e) {
            return null;
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
