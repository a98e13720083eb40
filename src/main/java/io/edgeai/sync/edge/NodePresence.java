package io.edgeai.sync.edge;

import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;

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
        return Outgoing.text(topics.online(node), "online");
    }

    public Outgoing offline() {
        return Outgoing.text(topics.online(node), "offline");
    }
}
