package io.edgeai.sync.remote;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A bucket notification as MinIO publishes it to an MQTT broker, in the shape of Amazon S3's event
 * notifications: the records of what happened to which objects (MinIO adds {@code EventName} and
 * {@code Key} at the top; they repeat the records and are not read). Only the fields read are named;
 * the rest of the message is ignored.
 */
public record BucketNotification(@JsonProperty("Records") List<Event> records) {
    /** One event: its name ({@code s3:ObjectCreated:Put}, {@code s3:ObjectRemoved:Delete}, ...) and its object. */
    public record Event(String eventName, S3 s3) {
    }

    /** The bucket and the object; the object's key is URL-encoded, as S3 encodes it in events. */
    public record S3(Bucket bucket, StoredObject object) {
    }

    public record Bucket(String name) {
    }

    public record StoredObject(String key) {
    }
}
