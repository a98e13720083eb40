package io.edgeai.sync.mqtt;

/**
 * One message to publish. Every message of the protocol is retained at QoS 1: a topic holds the latest
 * state, and a zero-length payload (a tombstone) removes it.
 */
public record Outgoing(String topic, byte[] payload) {

    public static Outgoing tombstone(String topic) {
        return new Outgoing(topic, new byte[0]);
    }

    public static Outgoing json(String topic, Object body) {
        return new Outgoing(topic, Json.bytes(body));
    }

    public boolean isTombstone() {
        return payload.length == 0;
    }
}
