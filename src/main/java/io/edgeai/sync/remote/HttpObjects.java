package io.edgeai.sync.remote;

import io.edgeai.sync.counting.Format;
import io.edgeai.sync.counting.Revision;
import io.edgeai.sync.counting.ScanState;
import io.edgeai.sync.counting.Scanner;
import io.edgeai.sync.counting.UnknownFormatException;
import io.edgeai.sync.edge.Reasons;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import javax.net.ssl.SSLContext;

/**
 * Counts the samples of an object served over HTTP(S) with the same scanners as a local file, reading
 * it as a stream in pieces of {@value #PIECE} bytes (memory does not grow with the object). Per URL it
 * keeps a checkpoint: the object's validator (ETag, else Last-Modified), its size, the scan state at
 * its end and a CRC32C of its last {@value #WINDOW} bytes. A poll is a HEAD, conditional
 * ({@code If-None-Match}) when the server gives ETags: an object that did not change costs no read
 * of its body. One that grew is read from its old end only, with a ranged GET that starts
 * {@value #WINDOW} bytes earlier: when those bytes are the ones counted last time, only what was
 * appended is scanned; anything else is counted again in full. Every read after the HEAD carries
 * {@code If-Match}, so an object replaced between the two is read again rather than mixed.
 *
 * <p>Only URLs under the prefixes this node was configured with are fetched
 * ({@code edgeai.edge.http-allowed}): a Dataset cannot make a node request an address of its
 * author's choosing (a cloud metadata endpoint, a service on the node's network). Redirects are not
 * followed, for the same reason.
 */
public final class HttpObjects {
    static final int WINDOW = 4096;
    private static final int PIECE = 64 * 1024;

    /** Why an object has no count: the reason of the dataset's Ready condition, and the message. */
    public static final class Refused extends Exception {
        private final String reason;

        Refused(String reason, String message) {
            super(message);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /**
     * The count of an object (or of the objects under a prefix, each a sample, {@code files} their
     * number), its size and a revision that changes with its content.
     */
    public record Counted(long samples, long sizeBytes, Long files, String revision) {
    }

    /** Signs each request before it is sent (an object store's credentials); requests to a web server go as they are. */
    public interface Signer {
        HttpRequest sign(HttpRequest request);
    }

    private record Checkpoint(String etag, String lastModified, long size, ScanState state, long windowCrc, Counted counted) {
    }

    /** A model's object as read: its size and SHA-256 (hex). */
    public record Digested(long sizeBytes, String sha256) {
    }

    private record DigestCheckpoint(String etag, String lastModified, long readAtNanos, Digested digested) {
    }

    /**
     * How long a model's digest is trusted on the word of its size and Last-Modified alone (a server
     * without strong ETags): a same-size replacement within the second it was read shows nothing else,
     * so it is read again this often, as the safety recount reads datasets again.
     */
    static final Duration TRUST_WITHOUT_ETAG = Duration.ofMinutes(5);

    private final HttpClient client;
    private final Signer signer;
    private final java.util.function.LongSupplier nanoTime;
    private final List<String> allowed;
    private final Duration timeout;
    private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();
    private final Map<String, DigestCheckpoint> digests = new ConcurrentHashMap<>();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder requests = new LongAdder();

    /**
     * @param allowed URL prefixes this node may fetch ({@code https://data.example.com/sets/}); none: no URL
     * @param timeout how long connecting, and then each response, may take
     */
    public HttpObjects(List<String> allowed, Duration timeout) {
        this(allowed, timeout, null, System::nanoTime);
    }

    /** @param trust whose certificates {@code https://} servers must present (TrustStores); null: the JVM's */
    public HttpObjects(List<String> allowed, Duration timeout, SSLContext trust) {
        this(allowed, timeout, trust, System::nanoTime);
    }

    HttpObjects(List<String> allowed, Duration timeout, java.util.function.LongSupplier nanoTime) {
        this(allowed, timeout, null, nanoTime);
    }

    private HttpObjects(List<String> allowed, Duration timeout, SSLContext trust, java.util.function.LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        for (String prefix : allowed) {
            URI uri = URI.create(prefix);
            // "https://data.example.com" would let "https://data.example.com.evil.org/" through
            if (!handles(prefix) || uri.getRawPath() == null || !uri.getRawPath().endsWith("/") || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("an allowed HTTP prefix is http(s)://host[:port]/path/ (ending in /), not " + prefix);
            }
        }
        this.allowed = List.copyOf(allowed);
        this.timeout = timeout;
        this.signer = request -> request;
        this.client = client(timeout, trust);
    }

    /** Objects at URLs someone else has checked (an object store's endpoint, configured on the node), each request signed. */
    HttpObjects(Duration timeout, Signer signer, SSLContext trust) {
        this.nanoTime = System::nanoTime;
        this.allowed = List.of();
        this.timeout = timeout;
        this.signer = signer;
        this.client = client(timeout, trust);
    }

    private static HttpClient client(Duration timeout, SSLContext trust) {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
        return (trust == null ? client : client.sslContext(trust)).build();
    }

    /** Whether a data URL is one of ours: {@code http://} or {@code https://}. */
    public static boolean handles(String url) {
        return url != null && (url.startsWith("http://") || url.startsWith("https://"));
    }

    /**
     * @param verify count the whole object again, whatever the checkpoint says
     * @throws Refused the object is not counted, with the reason (not allowed, not found, unauthorised, unreachable)
     */
    public Counted count(String url, String format, boolean verify) throws Refused, UnknownFormatException, InterruptedException {
        return countAt(url, allowedUri(url), format, verify);
    }

    /** Counts the object at {@code uri}, its checkpoint kept under {@code url} (the dataset's URL). */
    Counted countAt(String url, URI uri, String format, boolean verify) throws Refused, UnknownFormatException, InterruptedException {
        Format known = Format.parse(format).orElseThrow(() -> new UnknownFormatException(format));
        // by format too: two datasets may count one object as different formats, and a scan state is one format's
        String checkpoint = url + "\n" + known;
        Checkpoint before = verify ? null : checkpoints.get(checkpoint);
        try {
            Checkpoint after = before == null ? readWhole(url, uri, known, null) : poll(url, uri, known, before);
            checkpoints.put(checkpoint, after);
            return after.counted;
        } catch (IOException e) {
            throw unreachable(url, "read", e);
        } catch (IllegalArgumentException e) { // the HTTP client refused the URI (a host it cannot use)
            throw unrequestable(url, e);
        }
    }

    /** An object that could not be read (or listed): the endpoint failed, timed out, or cut off its answer. */
    static Refused unreachable(String url, String what, IOException failure) {
        return new Refused(Reasons.UNREACHABLE, url + " could not be " + what + ": " + failure.getClass().getSimpleName()
            + (failure.getMessage() == null ? "" : " " + failure.getMessage()));
    }

    private static Refused unrequestable(String url, IllegalArgumentException failure) {
        return new Refused(Reasons.UNSUPPORTED_URL, url + " cannot be requested: " + failure.getMessage());
    }

    /** The object's counts are dropped (its dataset is gone); a model's digest of it stays. */
    public void forget(String url) {
        checkpoints.keySet().removeIf(checkpoint -> checkpoint.startsWith(url + "\n"));
    }

    /** The object's digest is dropped (its model is gone); a dataset's counts of it stay. */
    public void forgetDigest(String url) {
        digests.remove(url);
    }

    /**
     * A model's object: its size and SHA-256, streamed through the digest; read again only when its
     * ETag changed (a conditional HEAD otherwise, answered 304).
     */
    public Digested digest(String url) throws Refused, InterruptedException {
        return digestAt(url, allowedUri(url));
    }

    Digested digestAt(String url, URI uri) throws Refused, InterruptedException {
        DigestCheckpoint before = digests.get(url);
        try {
            if (before != null) {
                Head head = head(url, uri, before.etag());
                if (head.notModified()) {
                    if (before.etag() != null) {
                        return before.digested();
                    }
                    check(url, 304); // a 304 to a HEAD that asked nothing says nothing of the model
                }
                String etag = head.etag();
                long size = head.size() < 0 ? before.digested().sizeBytes() : head.size();
                if (etag != null && etag.equals(before.etag()) && size == before.digested().sizeBytes()) {
                    return before.digested(); // a server that answers a conditional HEAD in full
                }
                // no strong ETag: the same size and Last-Modified is taken for the same model, for a while
                if (etag == null && before.etag() == null && head.lastModified() != null && head.lastModified().equals(before.lastModified())
                    && size == before.digested().sizeBytes() && nanoTime.getAsLong() - before.readAtNanos() < TRUST_WITHOUT_ETAG.toNanos()) {
                    return before.digested();
                }
            }
            HttpResponse<InputStream> response = send(request(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = guarded(response)) {
                check(url, response.statusCode());
                java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
                byte[] piece = new byte[PIECE];
                long size = 0;
                int n;
                while ((n = body.read(piece)) > 0) {
                    sha256.update(piece, 0, n);
                    size += n;
                    bytesRead.add(n);
                }
                Digested digested = new Digested(size, java.util.HexFormat.of().formatHex(sha256.digest()));
                digests.put(url, new DigestCheckpoint(strong(response.headers().firstValue("ETag").orElse(null)),
                    response.headers().firstValue("Last-Modified").orElse(null), nanoTime.getAsLong(), digested));
                return digested;
            }
        } catch (IOException e) {
            throw unreachable(url, "read", e);
        } catch (IllegalArgumentException e) {
            throw unrequestable(url, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** HTTP requests sent and body bytes read since start. */
    public long requests() {
        return requests.sum();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    private URI allowedUri(String url) throws Refused {
        URI uri;
        try {
            uri = URI.create(url).normalize();
        } catch (IllegalArgumentException e) {
            throw new Refused(Reasons.UNSUPPORTED_URL, url + " is not a URL: " + e.getMessage());
        }
        // compared after normalising, so that "/sets/../private" cannot climb out of an allowed prefix; an
        // encoded dot or slash could be decoded by the server after the comparison
        String normal = uri.toString();
        String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath().toLowerCase(java.util.Locale.ROOT);
        // "..;" is a parent to servlet containers, "%252e" a dot to servers that decode twice
        if (rawPath.contains("%2e") || rawPath.contains("%2f") || rawPath.contains("%5c") || rawPath.contains("%25") || rawPath.contains("\\")
            || rawPath.contains(";")) {
            throw new Refused(Reasons.UNSUPPORTED_URL, url + " encodes a dot, a slash, a backslash or a percent sign in its path, or has a"
                + " parameter (;): refused");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused(Reasons.UNSUPPORTED_URL, "credentials in a data URL are refused: configure them on the node");
        }
        if (allowed.stream().noneMatch(normal::startsWith)) {
            throw new Refused(Reasons.ENDPOINT_NOT_CONFIGURED, "this node may fetch no URL under " + uri.getScheme() + "://" + uri.getRawAuthority()
                + "; add its prefix to edgeai.edge.http-allowed");
        }
        return uri;
    }

    /**
     * What a HEAD said of an object: not modified (a 304), or its strong ETag, its size ({@code -1}
     * when not given) and its Last-Modified.
     */
    private record Head(boolean notModified, String etag, long size, String lastModified) {
    }

    /**
     * A HEAD, conditional on {@code etag} when there is one. Not If-Modified-Since: its one-second
     * steps would hide a change made in the second that was read.
     */
    private Head head(String url, URI uri, String etag) throws IOException, InterruptedException, Refused {
        HttpRequest.Builder head = request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (etag != null) {
            head.header("If-None-Match", etag);
        }
        HttpResponse<Void> response = send(head.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 304) {
            return new Head(true, null, -1, null);
        }
        check(url, response.statusCode());
        return new Head(false, strong(response.headers().firstValue("ETag").orElse(null)),
            response.headers().firstValueAsLong("Content-Length").orElse(-1), response.headers().firstValue("Last-Modified").orElse(null));
    }

    /** A conditional HEAD: nothing read when the object is as counted, its new end only when it grew. */
    private Checkpoint poll(String url, URI uri, Format format, Checkpoint before) throws IOException, InterruptedException, Refused {
        Head head = head(url, uri, before.etag);
        if (head.notModified()) {
            return before;
        }
        String etag = head.etag();
        long size = head.size();
        if (size == before.size && (etag != null ? etag.equals(before.etag) : head.lastModified() != null
            && head.lastModified().equals(before.lastModified))) {
            return before; // without an ETag, a rewrite of the same size within the same second waits for the safety recount
        }
        if (size > before.size && before.size > 0) {
            Optional<Checkpoint> appended = readAppended(url, uri, format, before, etag);
            if (appended.isPresent()) {
                return appended.get();
            }
        }
        return readWhole(url, uri, format, etag);
    }

    /** The bytes from the old end (and the window before it); empty when the counted bytes changed. */
    private Optional<Checkpoint> readAppended(String url, URI uri, Format format, Checkpoint before, String etag)
        throws IOException, InterruptedException, Refused {
        long from = Math.max(0, before.size - WINDOW);
        HttpRequest.Builder get = request(uri).header("Range", "bytes=" + from + "-");
        if (etag != null) {
            get.header("If-Match", etag);
        }
        HttpResponse<InputStream> response = send(get.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = guarded(response)) {
            if (response.statusCode() != 206 || !response.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + from + "-")) {
                if (response.statusCode() != 412 && response.statusCode() != 200) {
                    check(url, response.statusCode());
                }
                return Optional.empty(); // replaced meanwhile, or no ranges served: read whole
            }
            byte[] window = body.readNBytes((int) (before.size - from));
            bytesRead.add(window.length);
            CRC32C crc = new CRC32C();
            crc.update(window);
            if (window.length != before.size - from || crc.getValue() != before.windowCrc) {
                return Optional.empty();
            }
            Tail tail = new Tail(window);
            ScanState state = scan(body, format.scanner(), before.state, tail);
            return Optional.of(checkpoint(etag, response, before.size + tail.appended, state, tail, format));
        }
    }

    private Checkpoint readWhole(String url, URI uri, Format format, String etag) throws IOException, InterruptedException, Refused {
        HttpRequest.Builder get = request(uri);
        if (etag != null) {
            get.header("If-Match", etag);
        }
        HttpResponse<InputStream> response = send(get.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = guarded(response)) {
            if (response.statusCode() == 412 && etag != null) { // replaced between the HEAD and now: read the newer one, once
                return readWhole(url, uri, format, null);
            }
            check(url, response.statusCode());
            Tail tail = new Tail(new byte[0]);
            ScanState state = scan(body, format.scanner(), ScanState.START, tail);
            return checkpoint(strong(response.headers().firstValue("ETag").orElse(etag)), response, tail.appended, state, tail, format);
        }
    }

    private Checkpoint checkpoint(String etag, HttpResponse<?> response, long size, ScanState state, Tail tail, Format format) {
        String lastModified = response.headers().firstValue("Last-Modified").orElse(null);
        long samples = format.samples(state);
        // not Last-Modified: a touch, or the same bytes uploaded again, is no new revision (as for a local file)
        String revision = new Revision().add(etag != null ? etag : "").add(size).add(tail.crc()).add(samples).hex();
        return new Checkpoint(etag, lastModified, size, state, tail.crc(), new Counted(samples, size, null, revision));
    }

    private ScanState scan(InputStream body, Scanner scanner, ScanState from, Tail tail) throws IOException {
        byte[] piece = new byte[PIECE];
        ScanState state = from;
        int n;
        while ((n = body.read(piece)) > 0) {
            bytesRead.add(n);
            state = scanner.scan(ByteBuffer.wrap(piece, 0, n), state);
            tail.add(piece, n);
        }
        return state;
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
        requests.increment();
        return client.send(signer.sign(request), handler);
    }

    /** A request to {@code uri}, with the timeout. */
    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "edgeai-sync");
    }

    /** @param url the dataset's URL, which the messages name (not where it was fetched: an S3 endpoint is the node's own) */
    static void check(String url, int status) throws Refused {
        if (status == 404 || status == 410) {
            throw new Refused(Reasons.NOT_FOUND, url + " was not found (HTTP " + status + ")");
        }
        if (status == 401 || status == 403) {
            throw new Refused(Reasons.UNAUTHORIZED, url + " refused this node (HTTP " + status + ")");
        }
        if (status >= 300 && status < 400) {
            throw new Refused(Reasons.UNREADABLE, url + " redirects (HTTP " + status + "); redirects are not followed: give the final URL");
        }
        if (status != 200 && status != 206) {
            throw new Refused(Reasons.UNREACHABLE, url + " answered HTTP " + status);
        }
    }

    /**
     * A strong ETag, or null: a weak one ({@code W/"..."}) says two answers are equivalent, not the same
     * bytes, so it can neither vouch for a count or a digest nor be matched by {@code If-Match}.
     */
    static String strong(String etag) {
        return etag == null || etag.startsWith("W/") ? null : etag;
    }

    /** The body, cut off if it stalls or trickles ({@link GuardedBody}). */
    InputStream guarded(HttpResponse<InputStream> response) {
        return new GuardedBody(response.body(), timeout);
    }

    /** The last {@value #WINDOW} bytes read so far (after those it started with), and how many were appended. */
    private static final class Tail {
        private final byte[] ring = new byte[WINDOW];
        private int filled;
        private int next;
        long appended;

        Tail(byte[] start) {
            add(start, start.length);
            appended = 0;
        }

        void add(byte[] bytes, int n) {
            appended += n;
            int from = Math.max(0, n - WINDOW);
            for (int i = from; i < n; i++) {
                ring[next] = bytes[i];
                next = (next + 1) % WINDOW;
            }
            filled = Math.min(WINDOW, filled + (n - from));
        }

        long crc() {
            CRC32C crc = new CRC32C();
            int start = (next - filled + WINDOW) % WINDOW;
            if (start + filled <= WINDOW) {
                crc.update(ring, start, filled);
            } else {
                crc.update(ring, start, WINDOW - start);
                crc.update(ring, 0, filled - (WINDOW - start));
            }
            return crc.getValue();
        }
    }
}
