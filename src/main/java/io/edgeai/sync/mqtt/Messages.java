package io.edgeai.sync.mqtt;

import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.ModelMetric;
import io.edgeai.sync.resources.ModelSpec;
import java.util.List;

/** The JSON payloads of the protocol (docs/protocol.md), one record each. */
public final class Messages {
    private Messages() {
    }

    /** Cloud to one node: hold and count this dataset. {@code issuedAt} orders it against manifests. */
    public record DesiredDataset(String namespace, String name, String uid, long generation, DatasetSpec spec, long issuedAt) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    /** Cloud to every node: this model exists. */
    public record DesiredModel(String namespace, String name, String uid, long generation, ModelSpec spec, long issuedAt) {
        public String key() {
            return namespace + "/" + name;
        }
    }

    /**
     * Everything a node (or, for models, every node) should hold, as {@code namespace/name} keys. An
     * edge drops what it holds that is not listed and was issued before the manifest.
     */
    public record Manifest(List<String> items, long issuedAt) {
    }

    /** Why a dataset is or is not counted; becomes the {@code Ready} condition. */
    public record Readiness(boolean ready, String reason, String message) {
    }

    /** Node to cloud: what it counted for a dataset, and when the count last changed. */
    public record DatasetReport(String namespace, String name, String uid, long observedGeneration, Long numberOfSamples,
                                String updateTime, Readiness readiness) {
    }

    /** Node to cloud: a model's metrics as the node found them. */
    public record ModelReport(String namespace, String name, String uid, List<ModelMetric> metrics, String updateTime) {
    }
}
