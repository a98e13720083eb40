package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.edge.Reasons;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11: datasets on HTTP(S), counted as local files are, against a real HTTP server. */
class HttpObjectsTest {
    private final ObjectServer server;
    private final HttpObjects http;

    HttpObjectsTest() throws Exception {
        server = new ObjectServer();
        http = new HttpObjects(List.of(server.url("/sets/")), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String lines(int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append("images/img_").append(i).append(".jpg ").append(i % 10).append('\n');
        }
        return text.toString();
    }

    @Test
    void anObjectIsCountedExactlyInEachFormat() throws Exception {
        server.put("/sets/index.txt", "a\n\nb\nc"); // an empty line is no sample, a last line without LF is
        server.put("/sets/data.jsonl", "{\"a\":1}\n{\"a\":2}\n");
        server.put("/sets/labels.csv", "path,label\nx,1\n\"multi\nline, quoted\",2\n");
        assertThat(http.count(server.url("/sets/index.txt"), "txt", false).samples()).isEqualTo(3);
        assertThat(http.count(server.url("/sets/data.jsonl"), "jsonl", false).samples()).isEqualTo(2);
        HttpObjects.Counted csv = http.count(server.url("/sets/labels.csv"), "csv", false);
        assertThat(csv.samples()).isEqualTo(2);
        assertThat(csv.sizeBytes()).isEqualTo("path,label\nx,1\n\"multi\nline, quoted\",2\n".length());
    }

    @Test
    void anUnchangedObjectIsNotReadAgainAndOneThatGrewIsReadFromItsOldEnd() throws Exception {
        String url = server.url("/sets/index.txt");
        String first = lines(0, 10_000);
        server.put("/sets/index.txt", first);
        HttpObjects.Counted counted = http.count(url, "txt", false);
        assertThat(counted.samples()).isEqualTo(10_000);
        long gets = server.gets();

        HttpObjects.Counted again = http.count(url, "txt", false);
        assertThat(again).isEqualTo(counted);
        assertThat(server.gets()).as("a conditional HEAD answered 304: no body read").isEqualTo(gets);
        assertThat(server.requests.get(server.requests.size() - 1)).isEqualTo("HEAD /sets/index.txt");

        long readBefore = http.bytesRead();
        server.put("/sets/index.txt", first + lines(10_000, 10_100));
        HttpObjects.Counted grown = http.count(url, "txt", false);
        assertThat(grown.samples()).isEqualTo(10_100);
        assertThat(grown.revision()).isNotEqualTo(counted.revision());
        assertThat(server.requests.get(server.requests.size() - 1)).as("only the end, from the window before the old end")
            .isEqualTo("GET /sets/index.txt bytes=" + (first.length() - HttpObjects.WINDOW) + "-");
        assertThat(http.bytesRead() - readBefore).isEqualTo(HttpObjects.WINDOW + lines(10_000, 10_100).length());
    }

    @Test
    void anObjectRewrittenSmallerOrDifferentIsCountedAgainInFull() throws Exception {
        String url = server.url("/sets/index.txt");
        String first = lines(0, 1_000);
        server.put("/sets/index.txt", first);
        assertThat(http.count(url, "txt", false).samples()).isEqualTo(1_000);

        String smaller = lines(0, 500);
        server.put("/sets/index.txt", smaller);
        assertThat(http.count(url, "txt", false).samples()).isEqualTo(500);
        assertThat(server.requests.get(server.requests.size() - 1)).isEqualTo("GET /sets/index.txt");

        // longer, but its counted end rewritten: the window does not match, so all of it is read
        String rewritten = smaller.substring(0, smaller.length() - 10) + "X\nY\nZ\nW\nV\n" + lines(1_000, 1_010);
        server.put("/sets/index.txt", rewritten);
        assertThat(http.count(url, "txt", false).samples()).isEqualTo(rewritten.lines().filter(line -> !line.isEmpty()).count());
        assertThat(server.requests.subList(server.requests.size() - 2, server.requests.size())).as("the end tried, then the whole")
            .containsExactly("GET /sets/index.txt bytes=" + (smaller.length() - HttpObjects.WINDOW) + "-", "GET /sets/index.txt");
    }

    @Test
    void whatCannotBeCountedIsRefusedWithItsReason() {
        server.put("/sets/index.txt", "a\n");
        assertThatThrownBy(() -> http.count(server.url("/sets/missing.txt"), "txt", false))
            .isInstanceOfSatisfying(HttpObjects.Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Reasons.NOT_FOUND));
        HttpObjects withPrivate = new HttpObjects(List.of(server.url("/private/")), Duration.ofSeconds(5));
        assertThatThrownBy(() -> withPrivate.count(server.url("/private/index.txt"), "txt", false))
            .isInstanceOfSatisfying(HttpObjects.Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Reasons.UNAUTHORIZED));
        server.failWith = 503;
        assertThatThrownBy(() -> http.count(server.url("/sets/index.txt"), "txt", false))
            .isInstanceOfSatisfying(HttpObjects.Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Reasons.UNREACHABLE));
        HttpObjects down = new HttpObjects(List.of("http://127.0.0.1:1/sets/"), Duration.ofSeconds(2));
        assertThatThrownBy(() -> down.count("http://127.0.0.1:1/sets/index.txt", "txt", false))
            .isInstanceOfSatisfying(HttpObjects.Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Reasons.UNREACHABLE));
    }

    /** Security: a Dataset cannot make a node fetch what its configuration does not allow. */
    @Test
    void onlyUrlsUnderTheAllowedPrefixesAreFetched() {
        server.put("/other/index.txt", "a\n");
        int before = server.requests.size();
        for (String url : List.of(server.url("/other/index.txt"), server.url("/sets/../other/index.txt"), server.url("/sets/%2e%2e/other/index.txt"),
            "http://169.254.169.254/latest/meta-data/", server.url("/sets").replace("/sets", "/sets-evil/index.txt"),
            server.url("/sets/index.txt").replace("http://", "http://user:secret@"))) {
            assertThatThrownBy(() -> http.count(url, "txt", false)).as(url).isInstanceOfSatisfying(HttpObjects.Refused.class,
                refused -> assertThat(refused.reason()).isIn(Reasons.ENDPOINT_NOT_CONFIGURED, Reasons.UNSUPPORTED_URL));
        }
        assertThat(server.requests).as("nothing was requested").hasSize(before);
        assertThatThrownBy(() -> new HttpObjects(List.of("https://data.example.com"), Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLargeObjectIsCountedInPieces() throws Exception {
        byte[] big = new byte[64 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (i % 64 == 63) ? (byte) '\n' : (byte) 'x';
        }
        server.put("/sets/big.txt", big);
        assertThat(http.count(server.url("/sets/big.txt"), "txt", false).samples()).isEqualTo(big.length / 64);
    }

    /** Issue 11: a model on a web server is read for its SHA-256 once per change; unchanged, a HEAD answers. */
    @Test
    void aModelsDigestIsReadOncePerChange() throws Exception {
        byte[] weights = "weights".repeat(20_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        server.put("/sets/model.onnx", weights);
        HttpObjects.Digested digested = http.digest(server.url("/sets/model.onnx"));
        assertThat(digested.sizeBytes()).isEqualTo(weights.length);
        assertThat(digested.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(weights)));
        long gets = server.gets();
        assertThat(http.digest(server.url("/sets/model.onnx"))).isEqualTo(digested);
        assertThat(server.gets()).as("unchanged: not read again").isEqualTo(gets);

        server.put("/sets/model.onnx", "other");
        assertThat(http.digest(server.url("/sets/model.onnx")).sizeBytes()).isEqualTo(5);
        server.remove("/sets/model.onnx");
        assertThatThrownBy(() -> http.digest(server.url("/sets/model.onnx")))
            .isInstanceOfSatisfying(HttpObjects.Refused.class, refused -> assertThat(refused.reason()).isEqualTo(Reasons.NOT_FOUND));
    }

    /** A server without ETags: a model of the same size and Last-Modified is not read again on every poll. */
    @Test
    void withoutETagsAModelIsJudgedBySizeAndLastModified() throws Exception {
        server.etags = false;
        server.put("/sets/plain.onnx", "weights".repeat(1_000));
        HttpObjects.Digested digested = http.digest(server.url("/sets/plain.onnx"));
        long gets = server.gets();
        assertThat(http.digest(server.url("/sets/plain.onnx"))).isEqualTo(digested);
        assertThat(server.gets()).as("a HEAD, no GET").isEqualTo(gets);
        server.put("/sets/plain.onnx", "other weights");
        assertThat(http.digest(server.url("/sets/plain.onnx")).sizeBytes()).as("another size: read again").isEqualTo(13);
    }

    /** A dataset and a model on one URL: the one gone takes only its own checkpoint, the other is not read again. */
    @Test
    void aModelGoneLeavesTheDatasetsCountOnTheSameUrlAndTheReverse() throws Exception {
        String url = server.url("/sets/both.txt");
        server.put("/sets/both.txt", "a\nb\n");
        http.count(url, "txt", false);
        http.digest(url);
        long gets = server.gets();
        http.forgetDigest(url);
        http.count(url, "txt", false);
        assertThat(server.gets()).as("the count kept").isEqualTo(gets);
        http.digest(url);
        long afterDigest = server.gets();
        assertThat(afterDigest).as("the digest read again").isEqualTo(gets + 1);
        http.forget(url);
        http.digest(url);
        assertThat(server.gets()).as("the digest kept").isEqualTo(afterDigest);
    }
}
