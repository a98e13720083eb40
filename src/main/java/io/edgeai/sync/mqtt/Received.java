package io.edgeai.sync.mqtt;

/** One message as the broker delivered it, to be handled later (in its topic's lane, {@link TopicLanes}). */
public record Received(String topic, byte[] payload) {

    /** For routes: {@code method: "of(${header.CamelMqttTopic}, ${body})"}. */
    public static Received of(String topic, byte[] payload) {
        return new Received(topic, payload);
    }
}
