package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.RejectedMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** MinIO's bucket notifications, read into the objects they say changed; what is not one is refused. */
public class BucketEventsTest {
    /** A notification as MinIO publishes it to MQTT (its documented shape: S3's event records, EventName and Key on top). */
    public static String minioEvent(String eventName, String bucket, String encodedKey) {
        return """
            {"EventName":"%1$s","Key":"%2$s/%3$s","Records":[{"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"",
             "eventTime":"2026-11-30T19:00:00.000Z","eventName":"%1$s","userIdentity":{"principalId":"minio"},
             "requestParameters":{"principalId":"minio","region":"","sourceIPAddress":"10.0.0.5"},
             "responseElements":{"x-amz-request-id":"17F1C3A0E5B3C6D1","x-minio-origin-endpoint":"http://10.0.0.9:9000"},
             "s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"%2$s","ownerIdentity":{"principalId":"minio"},
               "arn":"arn:aws:s3:::%2$s"},"object":{"key":"%3$s","size":6,"eTag":"0f343b0931126a20f133d67c2b018a3b",
               "contentType":"text/plain","userMetadata":{"content-type":"text/plain"},"sequencer":"17F1C3A0E5C1B2A4"}},
             "source":{"host":"10.0.0.5","port":"","userAgent":"MinIO (linux; amd64) minio-go/v7.0.70 mc/RELEASE.2024-06-01T15-03-35Z"}}]}
            """.formatted(eventName, bucket, encodedKey);
    }

    private static java.util.List<String> changed(String json) {
        return BucketEvents.changedObjects(Json.read(json.getBytes(StandardCharsets.UTF_8), BucketNotification.class, "bucket notification"));
    }

    @Test
    void writesAndRemovalsNameTheirObjectWithItsKeyDecoded() {
        assertThat(changed(minioEvent("s3:ObjectCreated:Put", "training", "sets%2Fday+1%2Findex.txt")))
            .containsExactly("s3://training/sets/day 1/index.txt");
        assertThat(changed(minioEvent("s3:ObjectRemoved:Delete", "training", "images/1.jpg"))).containsExactly("s3://training/images/1.jpg");
        assertThat(changed(minioEvent("s3:ObjectCreated:CompleteMultipartUpload", "training", "big.csv"))).containsExactly("s3://training/big.csv");
    }

    @Test
    void readsAreNotChangesSoAPollsOwnReadDoesNotAskForAnotherPoll() {
        assertThat(changed(minioEvent("s3:ObjectAccessed:Get", "training", "sets/index.txt"))).isEmpty();
        assertThat(changed(minioEvent("s3:ObjectAccessed:Head", "training", "sets/index.txt"))).isEmpty();
    }

    @Test
    void whatIsNotANotificationIsRefusedWithItsReason() {
        assertThatThrownBy(() -> changed("{\"EventName\":\"s3:ObjectCreated:Put\"}")).isInstanceOf(RejectedMessage.class).hasMessageContaining("without records");
        assertThatThrownBy(() -> changed("{\"Records\":[{\"eventName\":\"s3:ObjectCreated:Put\"}]}")).isInstanceOf(RejectedMessage.class)
            .hasMessageContaining("without its event name, bucket or object");
        assertThatThrownBy(() -> changed(minioEvent("s3:ObjectCreated:Put", "Not_A_Bucket", "k"))).isInstanceOf(RejectedMessage.class)
            .hasMessageContaining("no valid bucket");
        assertThatThrownBy(() -> changed(minioEvent("s3:ObjectCreated:Put", "training", "bad%zzkey"))).isInstanceOf(RejectedMessage.class)
            .hasMessageContaining("does not decode");
        assertThatThrownBy(() -> changed(minioEvent("s3:ObjectCreated:Put", "training", "k".repeat(1_025)))).isInstanceOf(RejectedMessage.class)
            .hasMessageContaining("longer than S3 allows");
        String record = "{\"eventName\":\"s3:ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"training\"},\"object\":{\"key\":\"k\"}}}";
        assertThatThrownBy(() -> changed("{\"Records\":[" + (record + ",").repeat(100) + record + "]}")).isInstanceOf(RejectedMessage.class)
            .hasMessageContaining("101 records");
        assertThatThrownBy(() -> BucketEvents.admit(new byte[64 * 1024 + 1])).isInstanceOf(RejectedMessage.class).hasMessageContaining("65537 bytes");
        assertThat(BucketEvents.admit(new byte[64 * 1024])).hasSize(64 * 1024);
    }

    @Test
    void anObjectFallsInTheDatasetThatIsItOrThePrefixOrBucketItIsUnder() {
        assertThat(BucketEvents.covers("s3://training/sets/index.txt", "s3://training/sets/index.txt")).isTrue();
        assertThat(BucketEvents.covers("s3://training/images/", "s3://training/images/day1/1.jpg")).isTrue();
        assertThat(BucketEvents.covers("s3://training", "s3://training/any/thing")).isTrue();
        assertThat(BucketEvents.covers("s3://training/images/", "s3://training/imagesX/1.jpg")).as("a sibling prefix").isFalse();
        assertThat(BucketEvents.covers("s3://training/sets/index.txt", "s3://training/sets/index.txt.bak")).isFalse();
        assertThat(BucketEvents.covers("s3://training", "s3://training-2/k")).as("another bucket of a longer name").isFalse();
        assertThat(BucketEvents.covers("https://host/sets/index.txt", "s3://host/sets/index.txt")).isFalse();
    }
}
