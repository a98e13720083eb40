package io.edgeai.sync.remote;

import io.edgeai.sync.counting.UnknownFormatException;

/**
 * The datasets and models that are not on the node's disk: objects on a web server ({@code http://},
 * {@code https://}) and in an S3-compatible store ({@code s3://}), counted (or, for a model,
 * digested) as files and directories are, and polled ({@link RemotePolls}) since nothing can watch
 * them.
 */
public final class RemoteDatasets {
    private final HttpObjects http;
    private final S3Objects s3;

    public RemoteDatasets(HttpObjects http, S3Objects s3) {
        this.http = http;
        this.s3 = s3;
    }

    /** None: every remote URL is refused (EndpointNotConfigured), as on a node configured for none. */
    public static RemoteDatasets none() {
        return new RemoteDatasets(new HttpObjects(java.util.List.of(), java.time.Duration.ofSeconds(10)),
            new S3Objects(null, java.time.Duration.ofSeconds(10)));
    }

    public static boolean handles(String url) {
        return HttpObjects.handles(url) || S3Objects.handles(url);
    }

    public HttpObjects.Counted count(String url, String format, boolean verify)
        throws HttpObjects.Refused, UnknownFormatException, InterruptedException {
        return S3Objects.handles(url) ? s3.count(url, format, verify) : http.count(url, format, verify);
    }

    /** A model's object: its size and SHA-256, read again only when it changed. */
    public HttpObjects.Digested digest(String url) throws HttpObjects.Refused, InterruptedException {
        return S3Objects.handles(url) ? s3.digest(url) : http.digest(url);
    }

    /** A dataset on this URL is gone: its counts are dropped. */
    public void forget(String url) {
        if (S3Objects.handles(url)) {
            s3.forget(url);
        } else {
            http.forget(url);
        }
    }

    /** A model on this URL is gone: its digest is dropped. */
    public void forgetDigest(String url) {
        if (S3Objects.handles(url)) {
            s3.forgetDigest(url);
        } else {
            http.forgetDigest(url);
        }
    }
}
