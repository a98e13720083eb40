package io.edgeai.sync.edge;

import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import java.nio.charset.StandardCharsets;

/**
 * The retained online flag of a node: "online" while it runs, "offline" when it stops; the broker
 * sets "offline" itself (the last will) when the node drops without a word.
 */
public final class NodePresence {
    private final Topics topics;
    private final String node;

    public NodePresence(Topics topics, String node) {
        this.topics = topics;
        this.node = node;
    }

    public Outgoing online() {
        return new Outgoing(topics.online(node), "online".getBytes(StandardCharsets.UTF_8));
    }

    public Outgoing offline() {
        return new Outgoing(topics.online(node), "offline".getBytes(StandardCharsets.UTF_8));
    }
}
