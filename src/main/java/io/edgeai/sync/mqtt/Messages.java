package io.edgeai.sync.mqtt;

import io.edgeai.sync.resources.DatasetSpec;
import io.edgeai.sync.resources.ModelMetric;
import io.edgeai.sync.resources.ModelSpec;
import java.util.List;

/** The JSON payloads of the protocol (docs/protocol.md), one record each. */
public final class Messages {
    private Messages() {
    }

    /** What the cloud wants a node to hold: one incarnation (uid) of a resource at one generation. */
    public interface Desired {
        String namespace();

        String name();

        String uid();

        long generation();

        /** The cloud's clock when it sent this; orders it against manifests. */
        long issuedAt();

        default String key() {
            return namespace() + "/" + name();
        }

        /** Same resource, same spec: a re-sent copy, differing at most in when it was sent. */
        default boolean sameAs(Desired other) {
            return other != null && key().equals(other.key()) && java.util.Objects.equals(uid(), other.uid()) && generation() == other.generation();
        }
    }

    /** Cloud to one node: hold and count this dataset. */
    public record DesiredDataset(String namespace, String name, String uid, long generation, DatasetSpec spec, long issuedAt)
        implements Desired {
    }

    /** Cloud to every node: this model exists. */
    public record DesiredModel(String namespace, String name, String uid, long generation, ModelSpec spec, long issuedAt)
        implements Desired {
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

    /**
     * Node to cloud: what it counted for a dataset, and when that last changed. {@code sizeBytes},
     * {@code files} (a directory's) and {@code revision} are null when not counted, and from an edge
     * older than them.
     */
    public record DatasetReport(String namespace, String name, String uid, long observedGeneration, Long numberOfSamples,
                                String updateTime, Readiness readiness, Long sizeBytes, Long files, String revision) {
        public DatasetReport(String namespace, String name, String uid, long observedGeneration, Long numberOfSamples, String updateTime,
                             Readiness readiness) {
            this(namespace, name, uid, observedGeneration, numberOfSamples, updateTime, readiness, null, null, null);
        }
    }

    /**
     * Node to cloud: the node's copy of a model as it found it (phase, size, digest), for the model's
     * generation it was judged against.
     */
    public record ModelCopyReport(String namespace, String name, String uid, long generation, String phase, Long sizeBytes, Long files,
                                  String sha256, String message, String updateTime) {
    }

    /** Node to cloud: a model's metrics as the node found them. */
    public record ModelReport(String namespace, String name, String uid, List<ModelMetric> metrics, String updateTime) {
    }
}
