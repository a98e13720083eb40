package io.edgeai.sync.mqtt;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One message to publish. Every message of the protocol is retained at QoS 1: a topic holds the latest
 * state, and a zero-length payload (a tombstone) removes it. The message is a protocol record
 * ({@link Messages}), written as JSON by the publish route (mqtt-publish.yaml, camel-jackson with the
 * protocol's mapper), a node's presence flag, sent as its text, or nothing: a tombstone.
 */
public record Outgoing(String topic, Object message) {

    public static Outgoing tombstone(String topic) {
        return new Outgoing(topic, null);
    }

    public static Outgoing json(String topic, Object body) {
        return new Outgoing(topic, Objects.requireNonNull(body, "a JSON message"));
    }

    public static Outgoing text(String topic, String text) {
        return new Outgoing(topic, text.getBytes(StandardCharsets.UTF_8));
    }

    public boolean isTombstone() {
        return message == null;
    }

    /** Whether the publish route writes the message as JSON; otherwise it sends {@link #payload} as it is. */
    public boolean isJson() {
        return message != null && !(message instanceof byte[]);
    }

    /** The bytes the broker gets: what the publish route sends, and what a retained copy is compared with. */
    public byte[] payload() {
        if (message == null) {
            return new byte[0];
        }
        return message instanceof byte[] bytes ? bytes : Json.bytes(message);
    }
}
