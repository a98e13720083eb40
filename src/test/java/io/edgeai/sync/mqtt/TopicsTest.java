package io.edgeai.sync.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {
    private final Topics topics = new Topics("edgeai");

    @Test
    void everyTopicParsesBackToWhatBuiltIt() {
        assertThat(topics.parse(topics.desiredDataset("edge0", "ns", "d"))).contains(new Topics.Ref(Topics.Kind.DESIRED_DATASET, "edge0", "ns", "d"));
        assertThat(topics.parse(topics.nodeManifest("edge0"))).contains(new Topics.Ref(Topics.Kind.NODE_MANIFEST, "edge0", null, null));
        assertThat(topics.parse(topics.desiredModel("ns", "m"))).contains(new Topics.Ref(Topics.Kind.DESIRED_MODEL, null, "ns", "m"));
        assertThat(topics.parse(topics.modelsManifest())).contains(new Topics.Ref(Topics.Kind.MODELS_MANIFEST, null, null, null));
        assertThat(topics.parse(topics.nodeModel("edge0", "ns", "m"))).contains(new Topics.Ref(Topics.Kind.NODE_MODEL, "edge0", "ns", "m"));
        assertThat(topics.parse(topics.nodeModelsManifest("edge0"))).contains(new Topics.Ref(Topics.Kind.NODE_MODELS_MANIFEST, "edge0", null, null));
        assertThat(topics.parse(topics.modelCopy("edge0", "ns", "m"))).contains(new Topics.Ref(Topics.Kind.MODEL_COPY, "edge0", "ns", "m"));
        assertThat(topics.parse(topics.datasetStatus("edge0", "ns", "d"))).contains(new Topics.Ref(Topics.Kind.DATASET_STATUS, "edge0", "ns", "d"));
        assertThat(topics.parse(topics.modelStatus("edge0", "ns", "m"))).contains(new Topics.Ref(Topics.Kind.MODEL_STATUS, "edge0", "ns", "m"));
        assertThat(topics.parse(topics.online("edge0"))).contains(new Topics.Ref(Topics.Kind.ONLINE, "edge0", null, null));
    }

    @Test
    void foreignAndMalformedTopicsAreNotRecognised() {
        assertThat(topics.parse("other/nodes/edge0/online")).isEmpty();
        assertThat(topics.parse("edgeai/nodes/edge0/status/datasets/ns")).isEmpty();
        assertThat(topics.parse("edgeai/nodes/edge0/status/datasets/ns/d/extra")).isEmpty();
        assertThat(topics.parse("edgeai/nodes/edge0/status/bogus")).isEmpty();
        assertThat(topics.parse(null)).isEmpty();
    }

    @Test
    void aTrailingSlashInThePrefixIsIgnored() {
        assertThat(new Topics("site-a/").online("n")).isEqualTo("site-a/nodes/n/online");
    }
}
