package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.CapturedConsole;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Issue 8: what the cloud knows of its nodes from their retained online flags. */
class PresenceTest {
    private static final Topics TOPICS = new Topics("edgeai");
    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final Presence presence = new Presence(TOPICS, millis::get, 60_000);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void flagsSayOnlineOfflineOrNothingAndAnythingElseIsRefused() {
        assertThat(presence.heard(TOPICS.online("edge0"), bytes("online"))).isEqualTo("edge0");
        assertThat(presence.heard(TOPICS.online("edge0"), bytes("online"))).as("no change").isNull();
        assertThat(presence.onlineNodes()).isEqualTo(1);
        assertThat(presence.heard(TOPICS.online("edge0"), bytes("offline"))).isEqualTo("edge0");
        assertThat(presence.state("edge0", 0)).isEqualTo(Presence.State.OFFLINE);
        assertThat(presence.heard(TOPICS.online("edge0"), new byte[0])).as("cleared").isEqualTo("edge0");
        assertThat(presence.state("edge0", 0)).isEqualTo(Presence.State.UNSEEN);
        assertThatThrownBy(() -> presence.heard(TOPICS.online("edge0"), bytes("x".repeat(100_000)))).isInstanceOf(RejectedMessage.class);
        assertThatThrownBy(() -> presence.heard("edgeai/nodes/edge0/status/x", bytes("online"))).isInstanceOf(RejectedMessage.class);
    }

    /** Found by a hostile review: a re-read's older flag, processed after a live one, won. */
    @Test
    void aReReadFlagNeverOverridesOneHeardLiveSinceTheReReadBegan() {
        presence.heard(TOPICS.online("edge0"), bytes("online"));
        long readSince = presence.now();
        millis.addAndGet(10);
        presence.heard(TOPICS.online("edge0"), bytes("offline")); // its last will, live, while the re-read ran
        assertThat(presence.reread(TOPICS.online("edge0"), bytes("online"), readSince)).isNull();
        assertThat(presence.state("edge0", 0)).isEqualTo(Presence.State.OFFLINE);

        millis.addAndGet(10);
        long later = presence.now();
        assertThat(presence.reread(TOPICS.online("edge0"), bytes("online"), later)).as("what the live subscription missed").isEqualTo("edge0");
        assertThat(presence.reread(TOPICS.online("edge1"), bytes("online"), later)).isEqualTo("edge1");
    }

    /** Found by a hostile review: a node flapping its flag logged a line per flip. */
    @Test
    void aFlappingNodeCostsAFewLogLinesAndOneWrite() {
        StatusInbox inbox = new StatusInbox(TOPICS, 100, 1 << 20, 4, 100, new io.edgeai.sync.mqtt.Refusals(100));
        Dataset dataset = DatasetDownstreamTest.dataset("d", "edge0", 3, "uid-1");
        PresenceStatuses statuses = new PresenceStatuses(presence, TOPICS, inbox, null, node -> Stream.of(dataset), Stream::empty,
            Stream::empty, ModelTargets.withoutNodes(), () -> true, null, new io.edgeai.sync.mqtt.Refusals(100));
        try (CapturedConsole console = new CapturedConsole()) {
            for (int i = 0; i < 2_000; i++) {
                statuses.heard(TOPICS.online("edge0"), bytes(i % 2 == 0 ? "online" : "offline"));
            }
            assertThat(inbox.pending()).as("the dataset is judged once, when the writer gets to it").isEqualTo(1);
            assertThat(console.linesWith("node edge0 is")).isEqualTo(20);
        }
    }

    /**
     * Issue 13: a model meant for the nodes with a label, whose status was written for other nodes
     * than those it is meant for now (labels changed, a Node went, and no report followed), is judged
     * counted again (a recount, not a node's cleared report: nothing still meant is taken off).
     */
    @Test
    void aModelsCopiesAreJudgedAgainWhenTheNodesItIsMeantForChangeWithoutAReport() {
        StatusInbox inbox = new StatusInbox(TOPICS, 100, 1 << 20, 4, 0, new io.edgeai.sync.mqtt.Refusals(100));
        java.util.Map<String, io.fabric8.kubernetes.api.model.Node> nodes = new java.util.concurrent.ConcurrentHashMap<>();
        for (String name : java.util.List.of("edge1", "edge2")) {
            nodes.put(name, new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name).addToLabels("tier", "gpu")
                .endMetadata().build());
        }
        ModelTargets targets = new ModelTargets(() -> nodes.values().stream(), name -> java.util.Optional.ofNullable(nodes.get(name)));
        io.edgeai.sync.resources.Model model = ModelDownstreamTest.model("m", "u-m", null);
        model.getSpec().setNodeSelector(java.util.Map.of("tier", "gpu"));
        io.edgeai.sync.resources.ModelStatus status = new io.edgeai.sync.resources.ModelStatus();
        status.setLiveNodes(0);
        status.setNodes(java.util.List.of(copy("edge0"), copy("edge1")));
        status.setCopies(new io.edgeai.sync.resources.ModelCopies(2, 0, 2));
        model.setStatus(status);
        PresenceStatuses statuses = new PresenceStatuses(presence, TOPICS, inbox, null, node -> Stream.empty(), Stream::empty,
            () -> Stream.of(model), targets, () -> true, null, new io.edgeai.sync.mqtt.Refusals(100));

        assertThat(statuses.check()).as("edge0 no longer has the label").isTrue();
        assertThat(taken(inbox)).isEqualTo(TOPICS.modelCopy("edge0", "ns", "m"));

        status.setNodes(java.util.List.of(copy("edge1")));
        status.setCopies(new io.edgeai.sync.resources.ModelCopies(1, 0, 1));
        assertThat(statuses.check()).as("edge2 is to be counted, reported or not").isTrue();
        assertThat(taken(inbox)).isEqualTo(TOPICS.modelCopy("edge1", "ns", "m"));

        status.setCopies(new io.edgeai.sync.resources.ModelCopies(1, 0, 2));
        assertThat(statuses.check()).as("as it should be").isFalse();
        assertThat(inbox.pending()).isZero();

        nodes.remove("edge2"); // a node that never reported leaves: counted one less
        targets.nodesChanged();
        assertThat(statuses.check()).isTrue();
        assertThat(taken(inbox)).isEqualTo(TOPICS.modelCopy("edge1", "ns", "m"));
    }

    /** The next report's topic, as a writer takes it and is done with it; it must be a recount, not a cleared report. */
    private static String taken(StatusInbox inbox) {
        StatusInbox.Report report = inbox.next().orElseThrow();
        inbox.done(report, false);
        assertThat(report.payload()).isSameAs(StatusInbox.Again.RECOUNT);
        return report.topic();
    }

    private static io.edgeai.sync.resources.ModelCopy copy(String node) {
        return new io.edgeai.sync.resources.ModelCopy(node, io.edgeai.sync.resources.ModelCopy.PRESENT, 7L, null, null, null, "2026-11-30T12:00:00Z");
    }
}
