package io.edgeai.sync.cloud;

/**
 * A manifest that must be sent again because what it lists may have changed: a node's datasets, or
 * (node null) the models. It is computed only when its turn comes (see {@link Manifests}).
 */
public record ManifestDue(String node) {
    public static ManifestDue models() {
        return new ManifestDue(null);
    }

    public static ManifestDue datasetsOf(String node) {
        return new ManifestDue(node);
    }

    /** The topic this manifest goes to. */
    public String topic(io.edgeai.sync.mqtt.Topics topics) {
        return node == null ? topics.modelsManifest() : topics.nodeManifest(node);
    }
}
