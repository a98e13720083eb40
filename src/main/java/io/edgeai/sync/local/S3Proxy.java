package io.edgeai.sync.local;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import io.edgeai.sync.remote.S3Objects;
import io.edgeai.sync.remote.S3Signer;

/**
 * A real S3 API server for the tests and the benchmarks: s3proxy (org.gaul:s3proxy, copied to
 * target/s3proxy by the build) in a process of its own, with Signature V4 authorisation, storing in
 * memory or, given a directory, in that directory (a bucket is a subdirectory, an object a file).
 * Objects are put and deleted through its S3 API, signed as the edge signs its reads.
 */
public final class S3Proxy implements AutoCloseable {
    public static final String ACCESS_KEY = "edge-access-key";
    public static final String SECRET_KEY = "edge-secret-key";
    public static final String REGION = "us-east-1";
    private static final Path JAR = Path.of("target", "s3proxy", "s3proxy.jar");

    private final Process process;
    private final int port;
    private final HttpClient client = HttpClient.newHttpClient();
    private final S3Signer signer = new S3Signer(REGION, ACCESS_KEY, SECRET_KEY);

    /** An S3 server that keeps its objects in memory; its configuration and log in {@code home}. */
    public S3Proxy(Path home) throws Exception {
        this(home, null);
    }

    /** @param store the directory the objects are kept in (each bucket a subdirectory), or null for memory */
    public S3Proxy(Path home, Path store) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the build copies it (mvn process-test-resources)");
        }
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path conf = home.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n", "s3proxy.endpoint=http://127.0.0.1:" + port, "s3proxy.authorization=aws-v4",
            "s3proxy.identity=" + ACCESS_KEY, "s3proxy.credential=" + SECRET_KEY,
            store == null ? "jclouds.provider=transient" : "jclouds.provider=filesystem\njclouds.filesystem.basedir=" + store,
            "jclouds.identity=unused", "jclouds.credential=unused", ""));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        process = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(), "--properties", conf.toString()))
            .redirectErrorStream(true).redirectOutput(home.resolve("s3proxy.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (process.isAlive() && !listening()) {
            if (System.nanoTime() > deadline) {
                process.destroy();
                throw new IllegalStateException("s3proxy did not listen on port " + port + " within 60 s");
            }
            // nothing to wait on but the port itself: the process says nothing when it is ready
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("s3proxy did not start: " + Files.readString(home.resolve("s3proxy.log")));
        }
    }

    private boolean listening() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public S3Objects.Endpoint endpoint(String accessKey, String secretKey) {
        return new S3Objects.Endpoint(endpoint(), REGION, true, accessKey, secretKey);
    }

    public void createBucket(String bucket) throws Exception {
        send("PUT", "/" + bucket, HttpRequest.BodyPublishers.noBody());
    }

    public void put(String bucket, String key, byte[] content) throws Exception {
        send("PUT", "/" + bucket + "/" + key, HttpRequest.BodyPublishers.ofByteArray(content));
    }

    public void put(String bucket, String key, String content) throws Exception {
        put(bucket, key, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public void delete(String bucket, String key) throws Exception {
        send("DELETE", "/" + bucket + "/" + key, HttpRequest.BodyPublishers.noBody());
    }

    private void send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest request = signer.sign(HttpRequest.newBuilder(URI.create(endpoint() + path)).method(method, body).build());
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}
