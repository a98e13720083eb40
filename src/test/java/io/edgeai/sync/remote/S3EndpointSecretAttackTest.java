package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Found by a hostile review: an endpoint with user information ({@code http://key:secret@minio:9000},
 * a form many S3 tools take) was accepted, and every Ready message then carried it to the cloud (the
 * object's URL was built from the endpoint's raw authority, and named in the messages). Now such an
 * endpoint is refused without repeating it, and messages name the dataset's s3:// URL, never the
 * node's endpoint.
 */
class S3EndpointSecretAttackTest {
    @Test
    void credentialsInTheEndpointAreRefusedAndMessagesNameTheDatasetsUrl() throws Exception {
        try (ObjectServer store = new ObjectServer()) {
            assertThatThrownBy(() -> new S3Objects.Endpoint(URI.create(store.url("").replace("http://", "http://AKIAEDGE:topsecret@")),
                "us-east-1", true, "AKIAEDGE", "topsecret")).isInstanceOf(IllegalArgumentException.class).message().doesNotContain("topsecret");

            S3Objects.Endpoint endpoint = new S3Objects.Endpoint(URI.create(store.url("")), "us-east-1", true, "AKIAEDGE", "topsecret");
            S3Objects s3 = new S3Objects(endpoint, Duration.ofSeconds(2));
            try {
                s3.count("s3://sets/missing.txt", "txt", false);
            } catch (HttpObjects.Refused refused) {
                assertThat(refused.getMessage()).as("the Ready message published for the dataset").startsWith("s3://sets/missing.txt")
                    .doesNotContain("topsecret").doesNotContain(store.url(""));
            }
            assertThat(endpoint.toString()).doesNotContain("topsecret");
        }
    }
}
