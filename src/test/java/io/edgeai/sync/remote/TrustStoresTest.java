package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.edgeai.sync.edge.Reasons;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a web server whose certificate a private CA signed (here: itself) is refused as the JVM
 * trusts, and counted once the node is given a trust store that holds it (edgeai.edge.trust-store).
 * The certificates are made by the JDK's keytool, the server is the JDK's HTTPS server.
 */
class TrustStoresTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    Path dir;
    private HttpsServer server;
    private String prefix;

    private void keytool(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertThat(process.waitFor()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
    }

    @BeforeEach
    void startServer() throws Exception {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
            "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
            "-keystore", dir.resolve("server.p12").toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", dir.resolve("server.p12").toString(), "-storepass", PASSWORD,
            "-file", dir.resolve("ca.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "private-ca", "-file", dir.resolve("ca.pem").toString(), "-storetype", "PKCS12",
            "-keystore", dir.resolve("trust.p12").toString(), "-storepass", PASSWORD);

        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(KeyStore.getInstance(dir.resolve("server.p12").toFile(), PASSWORD.toCharArray()), PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/sets/", exchange -> {
            byte[] body = "a\nb\nc\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("ETag", "\"v1\"");
            exchange.sendResponseHeaders(200, "HEAD".equals(exchange.getRequestMethod()) ? -1 : body.length);
            if (!"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        prefix = "https://127.0.0.1:" + server.getAddress().getPort() + "/sets/";
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void aPrivateCaIsTrustedOnlyWhenTheNodeIsGivenIt() throws Exception {
        HttpObjects jvmTrust = new HttpObjects(List.of(prefix), Duration.ofSeconds(5));
        assertThatThrownBy(() -> jvmTrust.count(prefix + "index.txt", "txt", false)).isInstanceOfSatisfying(HttpObjects.Refused.class,
            refused -> assertThat(refused.reason()).isEqualTo(Reasons.UNREACHABLE));

        HttpObjects privateCa = new HttpObjects(List.of(prefix), Duration.ofSeconds(5), TrustStores.load(dir.resolve("trust.p12"), PASSWORD));
        assertThat(privateCa.count(prefix + "index.txt", "txt", false).samples()).isEqualTo(3);
    }

    @Test
    void aTrustStoreThatCannotBeReadIsRefusedInOneLine() throws Exception {
        assertThatThrownBy(() -> TrustStores.load(dir.resolve("trust.p12"), "wrong")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("cannot read the trust store " + dir.resolve("trust.p12"));
        assertThatThrownBy(() -> TrustStores.load(dir.resolve("missing.p12"), PASSWORD)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("missing.p12");
        Files.writeString(dir.resolve("not-a-store.p12"), "not a key store");
        assertThatThrownBy(() -> TrustStores.load(dir.resolve("not-a-store.p12"), PASSWORD)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("not-a-store.p12");
    }
}
