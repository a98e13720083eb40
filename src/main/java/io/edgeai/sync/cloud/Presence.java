package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Which edge nodes are online, from their retained flags: every edge sets {@code nodes/{node}/online}
 * to "online" (retained) and leaves "offline" as its last will, which the broker publishes when the
 * node's connection drops. A node the cloud has not heard of is {@link State#UNSEEN} for a grace
 * period (its flag may simply not have arrived yet), then {@link State#NOT_FOUND}.
 */
public final class Presence {
    public enum State { ONLINE, OFFLINE, UNSEEN, NOT_FOUND }

    private final Topics topics;
    private final LongSupplier millis;
    private final long graceMillis;
    private final Map<String, Boolean> online = new ConcurrentHashMap<>();
    /** When each node's flag last arrived live (not from a re-read). */
    private final Map<String, Long> heardLive = new ConcurrentHashMap<>();

    private volatile long listeningSince;

    /** @param graceMillis how long a node may go unheard of, after the cloud began listening and the dataset was made */
    public Presence(Topics topics, LongSupplier millis, long graceMillis) {
        this.topics = topics;
        this.millis = millis;
        this.graceMillis = graceMillis;
        this.listeningSince = millis.getAsLong();
    }

    /**
     * A node's flag arrived.
     *
     * @return the node, if what is known of it changed; else null
     * @throws RejectedMessage if it is no online flag
     */
    public String heard(String topic, byte[] payload) {
        return heard(topic, payload, Long.MAX_VALUE);
    }

    /**
     * A node's flag as the periodic re-read found it: it fills in what the live subscription missed
     * (a subscription lost in a broker restart), but a flag heard live since the re-read began is
     * newer and stands.
     *
     * @param readSince when the re-read began (this clock's millis)
     */
    public String reread(String topic, byte[] payload, long readSince) {
        return heard(topic, payload, readSince);
    }

    /** @param readSince when the re-read that found it began; {@code Long.MAX_VALUE} for a flag heard live */
    private String heard(String topic, byte[] payload, long readSince) {
        boolean live = readSince == Long.MAX_VALUE;
        Topics.Ref ref = topics.parse(topic).filter(parsed -> parsed.kind() == Topics.Kind.ONLINE)
            .orElseThrow(() -> new RejectedMessage("not an online flag: " + topic));
        long now = millis.getAsLong();
        if (live) {
            heardLive.put(ref.node(), now);
        } else if (heardLive.getOrDefault(ref.node(), Long.MIN_VALUE) >= readSince) {
            return null;
        }
        String flag = payload == null ? "" : new String(payload, StandardCharsets.UTF_8);
        Boolean was = switch (flag) {
            case "online" -> online.put(ref.node(), true);
            case "offline" -> online.put(ref.node(), false);
            case "" -> { // cleared: the node was taken out of service
                heardLive.remove(ref.node());
                yield online.remove(ref.node());
            }
            default -> throw new RejectedMessage("online flag of node " + ref.node() + " is neither online nor offline");
        };
        return java.util.Objects.equals(was, online.get(ref.node())) ? null : ref.node();
    }

    /** @param madeMillis when the resource that names the node was made (its grace starts no sooner) */
    public State state(String node, long madeMillis) {
        Boolean flag = node == null ? null : online.get(node);
        if (flag != null) {
            return flag ? State.ONLINE : State.OFFLINE;
        }
        long graceFrom = Math.max(listeningSince, madeMillis);
        return millis.getAsLong() - graceFrom >= graceMillis ? State.NOT_FOUND : State.UNSEEN;
    }

    /** This clock's millis: when a re-read begins. */
    public long now() {
        return millis.getAsLong();
    }

    public long graceMillis() {
        return graceMillis;
    }

    /** How many nodes are online now. */
    public int onlineNodes() {
        return (int) online.values().stream().filter(Boolean::booleanValue).count();
    }

    /** How many of these nodes are online now; every node online when {@code nodes} is every node. */
    public int onlineNodes(TargetNodes nodes) {
        return nodes.isEvery() ? onlineNodes() : (int) nodes.names().stream().filter(node -> Boolean.TRUE.equals(online.get(node))).count();
    }

    /**
     * The flags are heard afresh (this replica began leading, and subscribes again): nodes not heard
     * of get their grace again rather than being judged on what a standby never received. What was
     * heard before stays until the broker's retained flags replace it.
     */
    public void listenAgain() {
        listeningSince = millis.getAsLong();
    }
}
