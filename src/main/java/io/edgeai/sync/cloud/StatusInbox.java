package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.ModelReport;
import io.edgeai.sync.mqtt.Refusals;
import io.edgeai.sync.mqtt.Topics;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status reports waiting to be written, taken fairly across nodes. Per object only the latest
 * report waits (a node that floods one topic costs one write per turn), nodes take turns (a noisy
 * node gets its share, no more), and a node may have at most {@code maxPerNode} objects waiting:
 * past that, its new objects are dropped and logged once until it drains. A report for an object
 * being written waits until that write is done, so one object is never written twice at once and
 * an older report never overtakes a newer one. An object is written at most once per
 * {@code minInterval}: a report that comes sooner is held until then ({@link #releaseDue}), so a
 * flood of one object costs the API server a bounded rate of writes, however fast the API server
 * answers, and the latest report still wins. Taking a report never blocks the MQTT client's
 * thread: the broker is read as fast as it sends. What waits is bounded in bytes too: a report over
 * the size the cloud accepts, or on a topic that is no status, is refused at the door.
 */
public final class StatusInbox {
    private static final Logger LOG = LoggerFactory.getLogger(StatusInbox.class);

    /**
     * Not reports from a node: what the cloud asks of a status itself ({@link StatusUpstream#patchFor}).
     * {@code REJUDGE}: judged again with nothing new from the node (its presence changed), as a
     * cleared report is; {@code RECOUNT}: a model's copies counted again against the nodes it is
     * meant for now.
     */
    public enum Again { REJUDGE, RECOUNT }

    /**
     * One report to write: the latest received for its topic, as the route read it (a protocol
     * record, an empty payload for a cleared retained status, or {@link Again}), and what it weighs
     * in the inbox's bound ({@link #weight}).
     */
    public record Report(String node, String topic, Object payload, int bytes) {
    }

    /** A report waiting, and its weight. */
    private record Pending(Object payload, int bytes) {
    }

    /**
     * What a report is counted as against the bound: an estimate of the memory it holds, not its
     * message's size. A string read from UTF-8 takes at most two bytes a character, and each object
     * it became (the report, each metric of a model's) about 128 bytes with its fields' headers, so
     * {@code {"metrics":[{},{},...]}}, nine to ten times its bytes once read, is counted as such.
     */
    static int weight(Object report, int bytes) {
        int objects = 1 + (report instanceof ModelReport model && model.metrics() != null ? model.metrics().size() : 0);
        return 2 * bytes + 128 * objects;
    }

    private static final class NodeQueue {
        final LinkedHashMap<String, Pending> waiting = new LinkedHashMap<>();
        /** Reports for topics being written, waiting for that write to finish. */
        final Map<String, Pending> afterWrite = new HashMap<>();
        /** Reports for topics written less than the minimum interval ago, waiting for it to pass. */
        final Map<String, Pending> held = new HashMap<>();
        int beingWritten;
        boolean inTurn;
        boolean overLimitLogged;

        int size() {
            return waiting.size() + afterWrite.size() + held.size();
        }
    }

    private record Due(long at, String node, String topic) {
    }

    private final Topics topics;
    private final int maxPerNode;
    private final long maxBytes;
    private final Refusals refusals;
    private long bytes;
    private boolean overBytesLogged;
    private final int writers;
    /** Wake-ups sent to writers and not taken yet: a writer that takes one drains all that waits. */
    private int wakeUpsQueued;
    private final Map<String, NodeQueue> nodes = new HashMap<>();
    private final ArrayDeque<String> turns = new ArrayDeque<>();
    /** Topics being written now. */
    private final Set<String> writing = new HashSet<>();
    /** When each topic's last write began, oldest first; only those less than the interval ago. */
    private final LinkedHashMap<String, Long> lastWriteStarted = new LinkedHashMap<>();
    private final PriorityQueue<Due> heldUntil = new PriorityQueue<>((a, b) -> Long.compare(a.at() - b.at(), 0));
    private final long minIntervalNanos;
    private final LongSupplier nanoTime;
    private long dropped;

    /**
     * @param topics   reports are attributed to the node named in their topic
     * @param maxBytes what the reports waiting may weigh in all ({@link #weight})
     * @param writers  how many writers drain the inbox at once (so how many wake-ups are useful)
     * @param minIntervalMillis the least time between two writes of one object; 0 for none
     */
    public StatusInbox(Topics topics, int maxPerNode, long maxBytes, int writers, long minIntervalMillis, Refusals refusals) {
        this(topics, maxPerNode, maxBytes, writers, minIntervalMillis, refusals, System::nanoTime);
    }

    StatusInbox(Topics topics, int maxPerNode, long maxBytes, int writers, long minIntervalMillis, Refusals refusals,
                LongSupplier nanoTime) {
        this.minIntervalNanos = minIntervalMillis * 1_000_000;
        this.nanoTime = nanoTime;
        this.topics = topics;
        this.maxPerNode = maxPerNode;
        this.maxBytes = maxBytes;
        this.writers = writers;
        this.refusals = refusals;
    }

    /**
     * Whether a message may be read as a report at all: on a status topic, and no larger than the
     * cloud accepts (checked before its JSON is parsed). A refusal is logged with its reason.
     */
    public boolean admits(String topic, byte[] payload) {
        return statusRef(topic, payload.length) != null;
    }

    /**
     * Takes a report from the broker, as the route read it ({@link Report}) from a message it
     * {@link #admits}.
     *
     * @param bytes the size of the message it was read from
     * @return whether a writer must be woken: the report is new work and fewer than {@code writers}
     *     wake-ups are waiting (any one of those will drain it too)
     */
    public synchronized boolean offer(String topic, Object report, int bytes) {
        Topics.Ref ref = statusRef(topic, bytes);
        if (ref == null) {
            return false;
        }
        if (report == null) {
            refusals.refused("status-upstream", "the report on " + topic + " is JSON null");
            return false;
        }
        if (report instanceof ModelReport model && model.metrics() != null && model.metrics().size() > ReportChecks.MAX_METRICS) {
            refusals.refused("status-upstream", "the report on " + topic + " has " + model.metrics().size() + " metrics; at most "
                + ReportChecks.MAX_METRICS + " are accepted");
            return false;
        }
        return offer(ref, topic, new Pending(report, weight(report, bytes)));
    }

    /** The status topic, or null (and the refusal logged) when it is none or its message is too large. */
    private Topics.Ref statusRef(String topic, int bytes) {
        Topics.Ref ref = topics.parse(topic)
            .filter(parsed -> parsed.kind() == Topics.Kind.DATASET_STATUS || parsed.kind() == Topics.Kind.MODEL_STATUS
                || parsed.kind() == Topics.Kind.MODEL_COPY)
            .orElse(null);
        if (ref == null) {
            refusals.refused("status-upstream", "not a status topic: " + topic);
        } else if (bytes > ReportChecks.MAX_PAYLOAD_BYTES) {
            refusals.refused("status-upstream", topic + " carries " + bytes + " bytes; reports are accepted up to "
                + ReportChecks.MAX_PAYLOAD_BYTES);
            return null;
        }
        return ref;
    }

    private boolean offer(Topics.Ref ref, String topic, Pending payload) {
        String node = ref.node();
        NodeQueue queue = nodes.get(node);
        if (queue != null) {
            // a newer report for an object that already has one waiting: replaces it, if the bytes allow
            Map<String, Pending> waitingFor = queue.waiting.containsKey(topic) ? queue.waiting
                : queue.held.containsKey(topic) ? queue.held
                : queue.afterWrite.containsKey(topic) ? queue.afterWrite : null;
            if (waitingFor != null) {
                long grows = payload.bytes() - waitingFor.get(topic).bytes();
                if (grows > 0 && bytes + grows > maxBytes) {
                    overBytes(); // the older report stays; the re-read brings the newer one back
                } else {
                    waitingFor.put(topic, payload);
                    bytes += grows;
                }
                return false;
            }
        }
        // a judgement asked for again carries no bytes: never dropped for want of them
        if (payload.bytes() > 0 && bytes + payload.bytes() > maxBytes) {
            overBytes();
            return false;
        }
        if (writing.contains(topic)) { // its node's queue is there while the write runs
            queue.afterWrite.put(topic, payload);
            bytes += payload.bytes();
            return false;
        }
        if (queue != null && queue.size() >= maxPerNode) {
            dropped++;
            if (!queue.overLimitLogged) {
                queue.overLimitLogged = true;
                LOG.warn("node {} has {} statuses waiting to be written; its further ones are dropped until it drains"
                    + " (a node flooding its topics?)", node, queue.size());
            }
            return false;
        }
        if (queue == null) {
            queue = new NodeQueue();
            nodes.put(node, queue);
        }
        bytes += payload.bytes();
        if (holdIfTooSoon(node, queue, topic, payload)) {
            return false;
        }
        queue.waiting.put(topic, payload);
        takeTurn(node, queue);
        return wakeUpUseful();
    }

    /**
     * Asks for a status to be judged again with nothing new from its node (the node's presence
     * changed): an empty report, unless one for the topic waits already, which will be judged as
     * things are then.
     *
     * @return whether a writer must be woken
     */
    public synchronized boolean rejudge(String node, String topic) {
        return again(node, topic, Again.REJUDGE);
    }

    /** As {@link #rejudge}, for a model's copies: counted again, nothing taken off ({@link Again#RECOUNT}). */
    public synchronized boolean recount(String node, String topic) {
        return again(node, topic, Again.RECOUNT);
    }

    private boolean again(String node, String topic, Again what) {
        NodeQueue queue = nodes.get(node);
        if (queue != null && (queue.waiting.containsKey(topic) || queue.held.containsKey(topic) || queue.afterWrite.containsKey(topic))) {
            return false;
        }
        Topics.Ref ref = statusRef(topic, 0);
        return ref != null && offer(ref, topic, new Pending(what, 0));
    }

    /**
     * Lets the held reports whose interval is over be written.
     *
     * @return whether a writer must be woken
     */
    public synchronized boolean releaseDue() {
        long now = nanoTime.getAsLong();
        boolean released = false;
        while (!heldUntil.isEmpty() && heldUntil.peek().at() - now <= 0) {
            Due due = heldUntil.poll();
            NodeQueue queue = nodes.get(due.node());
            queue.waiting.put(due.topic(), queue.held.remove(due.topic()));
            takeTurn(due.node(), queue);
            released = true;
        }
        return released && wakeUpUseful();
    }

    /** A writer took its wake-up and drains from now on. */
    public synchronized void wokeUp() {
        wakeUpsQueued = Math.max(0, wakeUpsQueued - 1);
    }

    /** The next report to write, from the node whose turn it is; empty when nothing waits. */
    public synchronized Optional<Report> next() {
        String node = turns.poll();
        if (node == null) {
            return Optional.empty();
        }
        NodeQueue queue = nodes.get(node);
        queue.inTurn = false;
        Iterator<Map.Entry<String, Pending>> oldest = queue.waiting.entrySet().iterator();
        Map.Entry<String, Pending> entry = oldest.next();
        oldest.remove();
        bytes -= entry.getValue().bytes();
        if (bytes < maxBytes / 2) {
            overBytesLogged = false;
        }
        writing.add(entry.getKey());
        if (minIntervalNanos > 0) {
            lastWriteStarted.remove(entry.getKey());
            lastWriteStarted.put(entry.getKey(), nanoTime.getAsLong()); // re-inserted: the map stays oldest first
        }
        queue.beingWritten++;
        if (!queue.waiting.isEmpty()) {
            takeTurn(node, queue);
        }
        return Optional.of(new Report(node, entry.getKey(), entry.getValue().payload(), entry.getValue().bytes()));
    }

    /**
     * The write of a report is over.
     *
     * @param retry the write failed for a reason that may pass (the API server is down): the report
     *              waits again, unless a newer one came meanwhile
     */
    public synchronized void done(Report report, boolean retry) {
        writing.remove(report.topic());
        NodeQueue queue = nodes.get(report.node());
        queue.beingWritten--;
        Pending newer = queue.afterWrite.remove(report.topic());
        if (retry && newer == null) {
            bytes += report.bytes();
            queue.waiting.put(report.topic(), new Pending(report.payload(), report.bytes()));
            takeTurn(report.node(), queue);
        } else if (newer != null) { // counted in bytes when it came
            if (retry || !holdIfTooSoon(report.node(), queue, report.topic(), newer)) {
                queue.waiting.put(report.topic(), newer);
                takeTurn(report.node(), queue);
            }
        } else if (queue.size() == 0 && queue.beingWritten == 0 && !queue.inTurn) {
            nodes.remove(report.node());
        }
        if (queue.size() < maxPerNode / 2) {
            queue.overLimitLogged = false;
        }
    }

    /** Reports waiting or being written. */
    public synchronized int pending() {
        return nodes.values().stream().mapToInt(NodeQueue::size).sum() + writing.size();
    }

    /** What the reports waiting weigh. */
    synchronized long bytesWaiting() {
        return bytes;
    }

    /** Nodes with something waiting or being written. */
    synchronized int nodesTracked() {
        return nodes.size();
    }

    /** Reports dropped because their node was over its limit, since start. */
    public synchronized long dropped() {
        return dropped;
    }

    private void overBytes() {
        dropped++;
        if (!overBytesLogged) {
            overBytesLogged = true;
            LOG.warn("{} bytes of statuses wait to be written; new reports are dropped until they drain", bytes);
        }
    }

    /** Holds a report whose object was written less than the minimum interval ago. */
    private boolean holdIfTooSoon(String node, NodeQueue queue, String topic, Pending payload) {
        if (minIntervalNanos <= 0) {
            return false;
        }
        long now = nanoTime.getAsLong();
        Iterator<Long> oldest = lastWriteStarted.values().iterator();
        while (oldest.hasNext() && now - oldest.next() >= minIntervalNanos) {
            oldest.remove();
        }
        Long started = lastWriteStarted.get(topic);
        if (started == null) {
            return false;
        }
        queue.held.put(topic, payload);
        heldUntil.add(new Due(started + minIntervalNanos, node, topic));
        return true;
    }

    private boolean wakeUpUseful() {
        if (wakeUpsQueued >= writers) {
            return false;
        }
        wakeUpsQueued++;
        return true;
    }

    private void takeTurn(String node, NodeQueue queue) {
        if (!queue.inTurn && !queue.waiting.isEmpty()) {
            queue.inTurn = true;
            turns.add(node);
        }
    }
}
