package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Topics;

/**
 * A manifest that must be sent again because what it lists may have changed: a node's datasets, the
 * models meant for one node (and with them, after a tombstone, the models again), or the models meant
 * for every node. It is named by its topic's kind
 * (and node), and computed only when its turn comes (see {@link Manifests}).
 */
public record ManifestDue(Topics.Kind kind, String node, boolean withModels) {
    /** The models meant for every node. */
    public static ManifestDue models() {
        return new ManifestDue(Topics.Kind.MODELS_MANIFEST, null, false);
    }

    public static ManifestDue datasetsOf(String node) {
        return new ManifestDue(Topics.Kind.NODE_MANIFEST, node, false);
    }

    /**
     * The models meant for this node by name or label, asked for by a tombstone sent there: they
     * follow the manifest ({@link ModelDownstream#manifestOn} says why).
     */
    public static ManifestDue modelsOf(String node) {
        return new ManifestDue(Topics.Kind.NODE_MODELS_MANIFEST, node, true);
    }

    /** The models meant for this node, the manifest alone (the resync, a node without one). */
    public static ManifestDue modelsListOf(String node) {
        return new ManifestDue(Topics.Kind.NODE_MODELS_MANIFEST, node, false);
    }

    /** The topic this manifest goes to. */
    public String topic(Topics topics) {
        return switch (kind) {
            case MODELS_MANIFEST -> topics.modelsManifest();
            case NODE_MANIFEST -> topics.nodeManifest(node);
            case NODE_MODELS_MANIFEST -> topics.nodeModelsManifest(node);
            default -> throw new IllegalStateException("not a manifest: " + kind);
        };
    }
}
