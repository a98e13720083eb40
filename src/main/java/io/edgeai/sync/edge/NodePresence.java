package io.edgeai.sync.edge;

import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import java.nio.charset.StandardCharsets;

/** The retained online flag of a node; the broker replaces it with "offline" (last will) when the node drops. */
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
}
