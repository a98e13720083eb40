package io.edgeai.sync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped broker ACL (deploy/mosquitto/mosquitto.acl) on a real mosquitto: each node is confined to its subtree. */
class AclTest {
    private static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");
    @TempDir
    Path dir;
    private MosquittoBroker broker;
    private final List<MqttClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startBrokerWithAcl() throws Exception {
        if (!MosquittoBroker.available() || !Files.isExecutable(PASSWD)) {
            System.err.println("SKIPPED AclTest: mosquitto and mosquitto_passwd are not installed");
        }
        assumeTrue(MosquittoBroker.available() && Files.isExecutable(PASSWD), "mosquitto is not installed");
        Path passwords = dir.resolve("passwd");
        for (String user : List.of("edgeai-cloud", "edge0", "edge1", "minio_notify")) {
            List<String> command = Files.exists(passwords)
                ? List.of(PASSWD.toString(), "-b", passwords.toString(), user, "pw-" + user)
                : List.of(PASSWD.toString(), "-b", "-c", passwords.toString(), user, "pw-" + user);
            assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
        }
        Path acl = Files.copy(Path.of("deploy/mosquitto/mosquitto.acl"), dir.resolve("mosquitto.acl"));
        // mosquitto started as root drops to its own user, which must be able to read these test copies
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-r--r--"));
        broker = new MosquittoBroker(dir, "allow_anonymous false\npassword_file " + passwords + "\nacl_file " + acl + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private MqttClient connect(String user, String password) throws MqttException {
        MqttClient client = new MqttClient(broker.url(), user + "-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        client.connect(options);
        clients.add(client);
        return client;
    }

    private static void publish(MqttClient client, String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    @Test
    void aNodeCanReportOnlyForItselfAndTheCloudSeesIt() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        MqttClient cloud = connect("edgeai-cloud", "pw-edgeai-cloud");
        cloud.subscribe("edgeai/nodes/+/status/#", 1, (topic, message) -> seen.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8)));
        MqttClient edge0 = connect("edge0", "pw-edge0");

        publish(edge0, "edgeai/nodes/edge1/status/datasets/default/x", "spoofed");
        publish(edge0, "edgeai/nodes/edge0/status/datasets/default/x", "own");

        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("edgeai/nodes/edge0/status/datasets/default/x=own"));
        assertThat(seen).containsExactly("edgeai/nodes/edge0/status/datasets/default/x=own");
    }

    @Test
    void aNodeReadsOnlyItsOwnDesiredState() throws Exception {
        List<String> seenByEdge0 = new CopyOnWriteArrayList<>();
        MqttClient edge0 = connect("edge0", "pw-edge0");
        edge0.subscribe("edgeai/nodes/+/desired/#", 1, (topic, message) -> seenByEdge0.add(topic));
        MqttClient cloud = connect("edgeai-cloud", "pw-edgeai-cloud");

        publish(cloud, "edgeai/nodes/edge1/desired/datasets/default/secret", "{}");
        publish(cloud, "edgeai/nodes/edge0/desired/datasets/default/mine", "{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> seenByEdge0.contains("edgeai/nodes/edge0/desired/datasets/default/mine"));
        assertThat(seenByEdge0).containsExactly("edgeai/nodes/edge0/desired/datasets/default/mine");
    }

    @Test
    void nodesReadTheStoresBucketNotificationsAndCannotForgeThem() throws Exception {
        List<String> seenByEdge0 = new CopyOnWriteArrayList<>();
        MqttClient edge0 = connect("edge0", "pw-edge0");
        edge0.subscribe("edgeai/buckets/#", 1, (topic, message) -> seenByEdge0.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        MqttClient edge1 = connect("edge1", "pw-edge1");
        MqttClient minio = connect("minio_notify", "pw-minio_notify");

        publish(edge1, "edgeai/buckets/events", "forged");
        publish(minio, "edgeai/buckets/events", "from the store");

        await().atMost(Duration.ofSeconds(10)).until(() -> seenByEdge0.contains("from the store"));
        assertThat(seenByEdge0).containsExactly("from the store");
    }

    @Test
    void aWrongPasswordIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connect("edge0", "wrong")).isInstanceOf(MqttException.class);
    }
}
