package io.edgeai.sync.remote;

import io.edgeai.sync.counting.Revision;
import io.edgeai.sync.counting.UnknownFormatException;
import io.edgeai.sync.edge.Reasons;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Datasets in an S3-compatible object store (AWS S3, MinIO, Ceph): {@code s3://bucket/key} is an
 * object, counted by its format as a web server's object is ({@link HttpObjects}: conditional
 * {@code HEAD}, ranged reads of what was appended); {@code s3://bucket/prefix/} (or a bucket) is
 * every object under the prefix, each a sample, as a directory's files are (hidden names, any
 * segment starting with a dot, and directory markers left out), listed a page of up to 1,000 at a
 * time, so memory does not grow with the prefix.
 *
 * <p>The node's endpoint and credentials are its own settings ({@code edgeai.edge.s3.*}), never in
 * a Dataset. Requests are signed by {@link S3Signer} and sent with the JDK's HTTP client.
 */
public final class S3Objects {
    /** Where the node's object store is, and who the node is there. */
    public record Endpoint(URI uri, String region, boolean pathStyle, String accessKey, String secretKey) {
        public Endpoint {
            // credentials in the URL would be in every request line and every message: refused, and not repeated
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("the S3 endpoint carries credentials in its URL: set edgeai.edge.s3.access-key and"
                    + " the secret key's file instead");
            }
            if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                throw new IllegalArgumentException("the S3 endpoint is http(s)://host[:port], not " + uri);
            }
        }

        @Override
        public String toString() { // never the secret
            return "S3 endpoint " + uri + " (" + region + ")";
        }
    }

    /** Pages of a prefix's listing followed at most: 10 million objects. */
    static final int MAX_PAGES = 10_000;
    private final Endpoint endpoint;
    private final HttpObjects objects;

    /** @param endpoint the node's object store, or null when it has none (every s3:// URL is then EndpointNotConfigured) */
    public S3Objects(Endpoint endpoint, Duration timeout) {
        this(endpoint, timeout, null);
    }

    /** @param trust whose certificates an {@code https://} endpoint must present (TrustStores); null: the JVM's */
    public S3Objects(Endpoint endpoint, Duration timeout, javax.net.ssl.SSLContext trust) {
        this.endpoint = endpoint;
        this.objects = new HttpObjects(timeout, endpoint == null ? request -> request : new S3Signer(endpoint.region(), endpoint.accessKey(),
            endpoint.secretKey()), trust);
    }

    public static boolean handles(String url) {
        return url != null && url.startsWith("s3://");
    }

    /** HTTP requests sent since start. */
    public long requests() {
        return objects.requests();
    }

    /** The objects as read over HTTP (requests, bytes). */
    HttpObjects objects() {
        return objects;
    }

    /** A bucket and a key (empty, or ending in /, for a prefix). */
    private record Location(String bucket, String key) {
        boolean prefix() {
            return key.isEmpty() || key.endsWith("/");
        }
    }

    private Location locate(String url) throws HttpObjects.Refused {
        if (endpoint == null) {
            throw new HttpObjects.Refused(Reasons.ENDPOINT_NOT_CONFIGURED, url + ": this node has no object store (edgeai.edge.s3.endpoint)");
        }
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        if (!isBucketName(bucket)) {
            throw new HttpObjects.Refused(Reasons.UNSUPPORTED_URL, url + " names no valid bucket");
        }
        return new Location(bucket, slash < 0 ? "" : rest.substring(slash + 1));
    }

    /**
     * A bucket name as S3 has them: 3-63 of a-z, 0-9, dots and hyphens, no ".." nor ".-" nor "-.", not an
     * address (keys may hold anything, and are encoded).
     */
    static boolean isBucketName(String bucket) {
        return bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") && !bucket.contains("..") && !bucket.contains(".-") && !bucket.contains("-.")
            && !bucket.matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    }

    /** A model's object: its size and SHA-256 ({@link HttpObjects#digest}); a prefix is not a model yet. */
    public HttpObjects.Digested digest(String url) throws HttpObjects.Refused, InterruptedException {
        Location location = locate(url);
        if (location.prefix()) {
            throw new HttpObjects.Refused(Reasons.UNREADABLE, url + " is a prefix: a model in object storage is one object (name it)");
        }
        return objects.digestAt(url, uri(location.bucket(), "/" + encodePath(location.key()), ""));
    }

    public HttpObjects.Counted count(String url, String format, boolean verify)
        throws HttpObjects.Refused, UnknownFormatException, InterruptedException {
        Location location = locate(url);
        String bucket = location.bucket();
        String key = location.key();
        if (location.prefix()) {
            try {
                return list(url, bucket, key);
            } catch (IOException e) {
                throw HttpObjects.unreachable(url, "listed", e);
            }
        }
        return objects.countAt(url, uri(bucket, "/" + encodePath(key), ""), format, verify);
    }

    public void forget(String url) {
        objects.forget(url);
    }

    public void forgetDigest(String url) {
        objects.forgetDigest(url);
    }

    /** Counts the objects under a prefix, one listing page after another. */
    private HttpObjects.Counted list(String url, String bucket, String prefix) throws IOException, InterruptedException, HttpObjects.Refused {
        long files = 0;
        long bytes = 0;
        Revision revision = new Revision();
        String token = null;
        int pages = 0;
        do {
            // keys URL-encoded: XML 1.0 cannot carry every character a key may hold
            String query = "list-type=2&encoding-type=url&prefix=" + encode(prefix) + (token == null ? "" : "&continuation-token=" + encode(token));
            URI page = uri(bucket, "/", query);
            HttpResponse<InputStream> response = objects.send(objects.request(page).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = objects.guarded(response)) {
                HttpObjects.check(url, response.statusCode());
                Page read = Page.read(body, prefix);
                files += read.files;
                bytes += read.bytes;
                revision.add(read.revision);
                String previous = token;
                token = read.truncated ? read.nextToken : null;
                if (read.truncated && token == null) {
                    throw new IOException("a truncated listing without a continuation token");
                }
                // a store that hands back the token it was given, or pages without end, is not followed for ever
                if (token != null && token.equals(previous)) {
                    throw new IOException("a listing that repeats its page");
                }
                if (++pages >= MAX_PAGES) {
                    throw new IOException("a listing of more than " + MAX_PAGES + " pages");
                }
            } catch (XMLStreamException e) {
                throw new IOException("an unreadable listing: " + e.getMessage());
            }
        } while (token != null);
        return new HttpObjects.Counted(files, bytes, files, revision.add(files).hex());
    }

    /** One page of a ListObjectsV2 answer, read as a stream: only the sums are kept. */
    private static final class Page {
        long files;
        long bytes;
        long revision;
        boolean truncated;
        String nextToken;

        static Page read(InputStream xml, String prefix) throws XMLStreamException {
            XMLInputFactory factory = XMLInputFactory.newFactory();
            // a listing is data: no DTDs, no external entities
            factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
            XMLStreamReader reader = factory.createXMLStreamReader(xml);
            Page page = new Page();
            Revision pageRevision = new Revision();
            String key = null;
            String etag = null;
            long size = 0;
            String element = null;
            StringBuilder text = new StringBuilder();
            while (reader.hasNext()) {
                int event = reader.next();
                if (event == XMLStreamReader.START_ELEMENT) {
                    element = reader.getLocalName();
                    text.setLength(0);
                    if ("Contents".equals(element)) {
                        key = null;
                        etag = null;
                        size = 0;
                    }
                } else if (event == XMLStreamReader.CHARACTERS || event == XMLStreamReader.CDATA) {
                    if (text.length() < 4096) {
                        text.append(reader.getText());
                    }
                } else if (event == XMLStreamReader.END_ELEMENT) {
                    String name = reader.getLocalName();
                    switch (name) {
                        case "Key" -> key = decode(text.toString());
                        case "ETag" -> etag = text.toString();
                        case "Size" -> size = parseSize(text.toString());
                        case "IsTruncated" -> page.truncated = "true".equals(text.toString().trim());
                        case "NextContinuationToken" -> page.nextToken = text.toString();
                        case "Contents" -> {
                            if (key != null && counts(key, prefix)) {
                                page.files++;
                                page.bytes += size;
                                pageRevision.add(key).add(etag == null ? "" : etag).add(size);
                            }
                        }
                        default -> {
                        }
                    }
                    text.setLength(0);
                }
            }
            page.revision = pageRevision.value();
            return page;
        }

        private static String decode(String encoded) {
            try {
                return java.net.URLDecoder.decode(encoded, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return encoded; // a store that did not encode it
            }
        }

        private static long parseSize(String text) {
            try {
                return Math.max(0, Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        /** A sample: not a directory marker, and no segment below the prefix hidden. */
        private static boolean counts(String key, String prefix) {
            if (key.endsWith("/") || !key.startsWith(prefix)) {
                return false;
            }
            for (String segment : key.substring(prefix.length()).split("/")) {
                if (segment.startsWith(".")) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The URL of a path in a bucket: {@code endpoint/bucket/path} (path style) or {@code bucket.endpoint/path}. */
    private URI uri(String bucket, String path, String query) {
        URI base = endpoint.uri();
        String authority = endpoint.pathStyle() ? base.getRawAuthority() : bucket + "." + base.getRawAuthority();
        String fullPath = (endpoint.pathStyle() ? "/" + bucket : "") + path;
        return URI.create(base.getScheme() + "://" + authority + fullPath + (query.isEmpty() ? "" : "?" + query));
    }

    /** Each segment of a key encoded as S3 expects (RFC 3986: unreserved characters as they are), slashes kept. */
    private static String encodePath(String key) {
        StringBuilder path = new StringBuilder();
        for (String segment : key.split("/", -1)) {
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(encode(segment));
        }
        return path.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

}
