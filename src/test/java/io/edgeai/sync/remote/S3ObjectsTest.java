package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.edge.Reasons;
import io.edgeai.sync.local.S3Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 11: datasets in an S3 store, counted against a real S3 API server (s3proxy). */
class S3ObjectsTest extends S3ProxyFixture {
    private static String lines(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append("{\"image\":\"img_").append(i).append(".jpg\",\"label\":").append(i % 10).append("}\n");
        }
        return text.toString();
    }

    private static HttpObjects.Refused refusal(ThrowingCount count) {
        try {
            count.run();
        } catch (HttpObjects.Refused refused) {
            return refused;
        } catch (Exception e) {
            throw new AssertionError("not a refusal: " + e, e);
        }
        throw new AssertionError("counted, not refused");
    }

    private interface ThrowingCount {
        void run() throws Exception;
    }

    @Test
    void anObjectIsCountedByItsFormatAndAnAppendIsReadFromTheOldEnd() throws Exception {
        String first = lines(0, 5_000);
        server.put("sets", "train/data.jsonl", first);
        server.put("sets", "train/labels.csv", "path,label\nx,1\n\"multi\nline\",2\n");
        assertThat(s3.count("s3://sets/train/labels.csv", "csv", false).samples()).isEqualTo(2);
        HttpObjects.Counted counted = s3.count("s3://sets/train/data.jsonl", "jsonl", false);
        assertThat(counted.samples()).isEqualTo(5_000);
        assertThat(counted.sizeBytes()).isEqualTo(first.length());

        long requests = s3.requests();
        assertThat(s3.count("s3://sets/train/data.jsonl", "jsonl", false)).isEqualTo(counted);
        assertThat(s3.requests() - requests).as("unchanged: one conditional HEAD").isEqualTo(1);

        server.put("sets", "train/data.jsonl", first + lines(5_000, 5_050));
        long read = s3.objects().bytesRead();
        assertThat(s3.count("s3://sets/train/data.jsonl", "jsonl", false).samples()).isEqualTo(5_050);
        assertThat(s3.objects().bytesRead() - read).as("the 4 KiB before the old end and the appended lines only")
            .isEqualTo(HttpObjects.WINDOW + lines(5_000, 5_050).length());

        server.put("sets", "train/data.jsonl", lines(0, 10));
        assertThat(s3.count("s3://sets/train/data.jsonl", "jsonl", false).samples()).as("rewritten smaller").isEqualTo(10);
    }

    @Test
    void aPrefixCountsItsObjectsAndFollowsThem() throws Exception {
        server.put("sets", "images/a.jpg", "a");
        server.put("sets", "images/b/c.jpg", "bc");
        server.put("sets", "images/.hidden", "h");
        server.put("sets", "images/.cache/x.jpg", "x");
        server.put("sets", "images/empty-dir/", "");
        server.put("sets", "imagesXYZ/not-under.jpg", "n");
        HttpObjects.Counted counted = s3.count("s3://sets/images/", "txt", false);
        assertThat(counted.samples()).as("hidden names and directory markers left out").isEqualTo(2);
        assertThat(counted.files()).isEqualTo(2);
        assertThat(counted.sizeBytes()).isEqualTo(3);

        server.put("sets", "images/d.jpg", "d");
        HttpObjects.Counted more = s3.count("s3://sets/images/", "txt", false);
        assertThat(more.samples()).isEqualTo(3);
        assertThat(more.revision()).isNotEqualTo(counted.revision());
        server.delete("sets", "images/a.jpg");
        assertThat(s3.count("s3://sets/images/", "txt", false).samples()).isEqualTo(2);
    }

    @Test
    void aPrefixOfTenThousandObjectsIsListedPageByPage() throws Exception {
        for (int i = 0; i < 10_000; i++) {
            server.put("sets", String.format("many/%05d.jpg", i), "x");
        }
        long requests = s3.requests();
        HttpObjects.Counted counted = s3.count("s3://sets/many/", "txt", false);
        assertThat(counted.samples()).isEqualTo(10_000);
        assertThat(s3.requests() - requests).as("pages of 1,000").isEqualTo(10);
    }

    @Test
    void whatCannotBeCountedSaysWhy() throws Exception {
        server.put("sets", "why/index.txt", "a\n");
        assertThat(refusal(() -> s3.count("s3://sets/why/missing.txt", "txt", false)).reason()).isEqualTo(Reasons.NOT_FOUND);
        assertThat(refusal(() -> s3.count("s3://no-such-bucket/index.txt", "txt", false)).reason()).isEqualTo(Reasons.NOT_FOUND);
        assertThat(refusal(() -> s3.count("s3://no-such-bucket/", "txt", false)).reason()).isEqualTo(Reasons.NOT_FOUND);
        S3Objects wrongSecret = new S3Objects(server.endpoint(S3Proxy.ACCESS_KEY, "not-the-secret"), Duration.ofSeconds(10));
        assertThat(refusal(() -> wrongSecret.count("s3://sets/why/index.txt", "txt", false)).reason()).isEqualTo(Reasons.UNAUTHORIZED);
        assertThat(refusal(() -> wrongSecret.count("s3://sets/why/", "txt", false)).reason()).isEqualTo(Reasons.UNAUTHORIZED);
        S3Objects down = new S3Objects(new S3Objects.Endpoint(java.net.URI.create("http://127.0.0.1:1"), "us-east-1", true, "a", "b"),
            Duration.ofSeconds(2));
        assertThat(refusal(() -> down.count("s3://sets/why/index.txt", "txt", false)).reason()).isEqualTo(Reasons.UNREACHABLE);
        S3Objects none = new S3Objects(null, Duration.ofSeconds(2));
        assertThat(refusal(() -> none.count("s3://sets/why/index.txt", "txt", false)).reason()).isEqualTo(Reasons.ENDPOINT_NOT_CONFIGURED);
        assertThat(refusal(() -> s3.count("s3://Not_A_Bucket/x", "txt", false)).reason()).isEqualTo(Reasons.UNSUPPORTED_URL);
        assertThat(s3.count("s3://sets/why/index.txt", "txt", false).samples()).as("the right credentials").isEqualTo(1);
    }
}
