package io.edgeai.sync.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.edgeai.sync.counting.ConfinedFiles;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Messages.ModelCopyReport;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.ModelCopy;
import io.edgeai.sync.resources.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EdgeModels without a broker: desired models in, copy reports out (the last one per model name). */
class EdgeModelsCopiesTest {
    private static final String NODE = "edge0";
    private final Topics topics = new Topics("edgeai");
    private final Map<String, ModelCopyReport> copies = new ConcurrentHashMap<>();
    private final List<String> cleared = new java.util.concurrent.CopyOnWriteArrayList<>();

    @TempDir
    Path dir;
    Path root;
    EdgeModels models;

    @BeforeEach
    void start() throws Exception {
        root = Files.createDirectories(dir.resolve("data")).toRealPath();
        DataRoots roots = new DataRoots(List.of(root));
        models = new EdgeModels(NODE, topics, roots, new ConfinedFiles(roots.roots()), new DesiredStateStore(dir.resolve("state")),
            new EdgeSettings(2, Duration.ofMillis(5), Duration.ofSeconds(10), Duration.ofMinutes(10), 0), this::publish, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        models.close();
    }

    private boolean publish(Outgoing message) {
        if (message.topic().contains("/model-copies/")) {
            String name = message.topic().substring(message.topic().lastIndexOf('/') + 1);
            if (message.isTombstone()) {
                copies.remove(name);
                cleared.add(name);
            } else {
                copies.put(name, Json.read(message.payload(), ModelCopyReport.class, "copy"));
            }
        }
        return true;
    }

    private void place(String name, String uid, long generation, String url) {
        DesiredModel model = new DesiredModel("default", name, uid, generation, new ModelSpec(url, "onnx"), System.currentTimeMillis());
        models.onDesired(topics.desiredModel("default", name), Json.bytes(model));
    }

    /** A model that names this node, on its own topic. */
    private void placeNamed(String name, String url, long issuedAt) {
        ModelSpec spec = new ModelSpec(url, "onnx");
        spec.setNodeNames(List.of(NODE));
        models.onDesired(topics.nodeModel(NODE, "default", name), Json.bytes(new DesiredModel("default", name, "uid-1", 2, spec, issuedAt)));
    }

    /**
     * Issue 13, item 1: a model that names its nodes comes on each node's own topic and is judged as one
     * on the shared topic is; moving from the shared topic to the node's own does not take it away on the
     * way, and that node's models manifest takes it away when it no longer lists it.
     */
    @Test
    void aModelOnThisNodesOwnTopicIsHeldJudgedAndTakenAwayByItsManifest() throws Exception {
        Path file = Files.writeString(root.resolve("m.onnx"), "weights");
        place("m", "uid-1", 1, file.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> copies.containsKey("m"));

        long now = System.currentTimeMillis();
        placeNamed("m", file.toString(), now + 1);
        models.onDesired(topics.desiredModel("default", "m"), new byte[0]); // the shared copy's tombstone
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(copies.get("m").generation()).isEqualTo(2));
        assertThat(cleared).as("held throughout the move").isEmpty();

        models.onDesired(topics.nodeModelsManifest(NODE), Json.bytes(new io.edgeai.sync.mqtt.Messages.Manifest(List.of(), now + 2)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !copies.containsKey("m"));
        assertThat(cleared).containsExactly("m");
    }

    /**
     * Found by a hostile review: the node's own copy of a model moving off the shared topic may arrive
     * after the shared tombstone (another client, other lanes); in between, the copy's reports were
     * cleared and the cloud's Ready dropped.
     */
    @Test
    void aModelMovingToThisNodesOwnTopicAfterItsSharedTombstoneKeepsItsReports() throws Exception {
        Path file = Files.writeString(root.resolve("m.onnx"), "weights");
        place("m", "uid-1", 1, file.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> copies.containsKey("m"));

        models.onDesired(topics.desiredModel("default", "m"), new byte[0]); // the shared tombstone first
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(cleared::isEmpty); // the node's copy comes a moment later
        placeNamed("m", file.toString(), System.currentTimeMillis());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(copies.get("m").generation()).isEqualTo(2));
        await().during(EdgeModels.MOVE_GRACE.plusMillis(500)).atMost(EdgeModels.MOVE_GRACE.plusSeconds(2)).until(cleared::isEmpty);

        models.onDesired(topics.nodeModel(NODE, "default", "m"), new byte[0]); // really gone
        await().atMost(EdgeModels.MOVE_GRACE.plusSeconds(3)).until(() -> !copies.containsKey("m"));
        assertThat(cleared).containsExactly("m");
    }

    /** Found by a second hostile review: a second move within the first one's grace was cut short by the first's timer. */
    @Test
    void aSecondMoveWithinTheGraceGetsAGraceOfItsOwn() throws Exception {
        Path file = Files.writeString(root.resolve("m.onnx"), "weights");
        place("m", "uid-1", 1, file.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> copies.containsKey("m"));

        models.onDesired(topics.desiredModel("default", "m"), new byte[0]); // to this node's own topic
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(cleared::isEmpty);
        placeNamed("m", file.toString(), System.currentTimeMillis());
        await().during(Duration.ofMillis(1_300)).atMost(Duration.ofSeconds(3)).until(cleared::isEmpty);
        models.onDesired(topics.nodeModel(NODE, "default", "m"), new byte[0]); // and back, 1.5 s after the first move began
        await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3)).until(cleared::isEmpty); // past the first move's grace
        place("m", "uid-1", 3, file.toString());
        await().during(EdgeModels.MOVE_GRACE.plusMillis(500)).atMost(EdgeModels.MOVE_GRACE.plusSeconds(3)).until(cleared::isEmpty);
        assertThat(copies.get("m").generation()).isEqualTo(3);
    }

    @Test
    void anotherNodesModelTopicIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> models.onDesired(topics.nodeModel("edge1", "default", "m"), "{}".getBytes()))
            .isInstanceOf(io.edgeai.sync.mqtt.RejectedMessage.class).hasMessageContaining("edge1");
    }

    /**
     * A Model deleted and made again under its name (new uid, generation 1 again) while the node was away: the
     * broker retains only the new desired model. The node holds the same file, so its (generation, finding) is
     * what it last reported, and it never reports for the new uid: the cloud refuses the retained old-uid report,
     * and the new Model never lists this node.
     */
    @Test
    void aModelMadeAgainUnderItsNameIsReportedForItsNewUid() throws Exception {
        Path file = Files.writeString(root.resolve("m.onnx"), "weights");
        place("m", "uid-1", 1, file.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> copies.containsKey("m") && copies.get("m").uid().equals("uid-1"));

        place("m", "uid-2", 1, file.toString());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(copies.get("m").uid()).isEqualTo("uid-2"));
    }

    /**
     * A model reached through a link under the root (releases/current -> releases/v1, the usual atomic deploy). The
     * watcher reports real paths; onFileEvent compares them with the URL's path only, so a change to the file is
     * not judged again until the safety pass (EdgeDatasets watches both the URL path and the real path).
     */
    @Test
    void aChangeToAModelReachedThroughALinkIsJudgedAgain() throws Exception {
        Path v1 = Files.createDirectories(root.resolve("releases/v1"));
        Files.createSymbolicLink(root.resolve("releases/current"), v1);
        Path real = Files.writeString(v1.resolve("m.onnx"), "weights");
        place("m", "uid-1", 1, root.resolve("releases/current/m.onnx").toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> copies.containsKey("m") && ModelCopy.PRESENT.equals(copies.get("m").phase()));
        String before = copies.get("m").sha256();

        Files.writeString(real, "other weights");
        models.onFileEvent(real.toString()); // what the file-watch route hands in
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(copies.get("m").sha256()).isNotEqualTo(before));
    }
}
