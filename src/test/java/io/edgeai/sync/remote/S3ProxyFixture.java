package io.edgeai.sync.remote;

import io.edgeai.sync.local.S3Proxy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A real S3 API server (s3proxy, in memory) with a bucket "sets", for a test class, and the node's client of it. */
abstract class S3ProxyFixture {
    @TempDir
    static Path home;
    static S3Proxy server;
    final S3Objects s3 = new S3Objects(server.endpoint(S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY), Duration.ofSeconds(10));

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3Proxy(home);
        server.createBucket("sets");
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }
}
