package io.edgeai.sync.remote;

import io.edgeai.sync.mqtt.RejectedMessage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a bucket notification into the {@code s3://} URLs of the objects it says were written or
 * removed. A notification only makes the datasets and models those objects fall in be polled at once
 * (RemotePolls.pollSoon): nothing in it is believed beyond "look again", so a forged one costs a
 * poll, never a wrong count. Reads ({@code s3:ObjectAccessed:*}) are not changes: a
 * store that notifies them would otherwise have each poll's own read ask for another poll.
 */
public final class BucketEvents {
    /** The largest message read as a notification (MinIO's are about 1 KiB). */
    static final int MAX_BYTES = 64 * 1024;
    /** MinIO sends one record a message; a message of thousands is not a notification. */
    static final int MAX_RECORDS = 100;
    /** S3's limit on a key, in bytes of UTF-8. */
    static final int MAX_KEY_BYTES = 1_024;

    private BucketEvents() {
    }

    /** The message, if it is small enough to be a notification (before it is parsed). */
    public static byte[] admit(byte[] message) {
        if (message.length > MAX_BYTES) {
            throw new RejectedMessage("a bucket notification of " + message.length + " bytes (at most " + MAX_BYTES + ")");
        }
        return message;
    }

    /** The objects written or removed, as {@code s3://bucket/key}; refused if the message is not a notification. */
    public static List<String> changedObjects(BucketNotification notification) {
        if (notification == null || notification.records() == null || notification.records().isEmpty()) {
            throw new RejectedMessage("a bucket notification without records");
        }
        if (notification.records().size() > MAX_RECORDS) {
            throw new RejectedMessage("a bucket notification of " + notification.records().size() + " records (at most " + MAX_RECORDS + ")");
        }
        Set<String> objects = new LinkedHashSet<>(); // an object named twice is looked for once
        for (BucketNotification.Event event : notification.records()) {
            if (event == null || event.eventName() == null || event.s3() == null || event.s3().bucket() == null || event.s3().object() == null) {
                throw new RejectedMessage("a bucket notification record without its event name, bucket or object");
            }
            if (event.eventName().startsWith("s3:ObjectCreated:") || event.eventName().startsWith("s3:ObjectRemoved:")) {
                objects.add("s3://" + bucket(event.s3().bucket().name()) + "/" + key(event.s3().object().key()));
            }
        }
        return List.copyOf(objects);
    }

    /**
     * Whether an object is what a dataset or model counts: its own URL, or under its prefix (a URL
     * ending in {@code /}, or a bucket's whole).
     */
    public static boolean covers(String url, String object) {
        if (url.equals(object)) {
            return true;
        }
        String prefix = url.endsWith("/") ? url : url.indexOf('/', "s3://".length()) < 0 ? url + "/" : null;
        return prefix != null && object.startsWith(prefix);
    }

    private static String bucket(String name) {
        if (name == null || !S3Objects.isBucketName(name)) {
            throw new RejectedMessage("a bucket notification for no valid bucket");
        }
        return name;
    }

    private static String key(String encoded) {
        String key;
        try {
            key = URLDecoder.decode(encoded == null ? "" : encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RejectedMessage("a bucket notification whose object key does not decode: " + e.getMessage());
        }
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new RejectedMessage("a bucket notification whose object key is empty or longer than S3 allows");
        }
        return key;
    }
}
