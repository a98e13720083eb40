package io.edgeai.sync.mqtt;

import java.util.Optional;

/**
 * The topic tree of the protocol (docs/protocol.md). Desired state flows down under
 * {@code nodes/{node}/desired/...} (datasets, and models meant for some nodes) and {@code models/...}
 * (models meant for every node); observed state flows up under
 * {@code nodes/{node}/status/...}. The node is always a topic level so that a broker ACL can tie each
 * edge's MQTT identity to its own subtree.
 */
public final class Topics {
    private final String prefix;

    public Topics(String prefix) {
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** The first level of every topic. */
    public String prefix() {
        return prefix;
    }

    public String desiredDataset(String node, String namespace, String name) {
        return prefix + "/nodes/" + node + "/desired/datasets/" + namespace + "/" + name;
    }

    public String nodeManifest(String node) {
        return prefix + "/nodes/" + node + "/desired/manifest";
    }

    public String desiredModel(String namespace, String name) {
        return prefix + "/models/desired/" + namespace + "/" + name;
    }

    public String modelsManifest() {
        return prefix + "/models/manifest";
    }

    /** A model meant for some nodes ({@code spec.nodeNames}), on each of their own topics. */
    public String nodeModel(String node, String namespace, String name) {
        return prefix + "/nodes/" + node + "/desired/models/" + namespace + "/" + name;
    }

    public String nodeModelsManifest(String node) {
        return prefix + "/nodes/" + node + "/desired/models/manifest";
    }

    public String datasetStatus(String node, String namespace, String name) {
        return prefix + "/nodes/" + node + "/status/datasets/" + namespace + "/" + name;
    }

    public String modelStatus(String node, String namespace, String name) {
        return prefix + "/nodes/" + node + "/status/models/" + namespace + "/" + name;
    }

    public String modelCopy(String node, String namespace, String name) {
        return prefix + "/nodes/" + node + "/status/model-copies/" + namespace + "/" + name;
    }

    public String online(String node) {
        return prefix + "/nodes/" + node + "/online";
    }

    /** Kinds of topic, as {@link #parse} tells them apart. */
    public enum Kind { DESIRED_DATASET, NODE_MANIFEST, DESIRED_MODEL, MODELS_MANIFEST, NODE_MODEL, NODE_MODELS_MANIFEST, DATASET_STATUS, MODEL_STATUS, MODEL_COPY, ONLINE }

    /** A parsed topic; fields a kind does not have are null. */
    public record Ref(Kind kind, String node, String namespace, String name) {
        /** The {@code namespace/name} key of the resource the topic is about. */
        public String key() {
            return namespace + "/" + name;
        }
    }

    /** The kind of a topic, by name, for the routes to choose on; {@code UNKNOWN} for any other topic. */
    public String kindOf(String topic) {
        return parse(topic).map(ref -> ref.kind().name()).orElse("UNKNOWN");
    }

    public Optional<Ref> parse(String topic) {
        if (topic == null || !topic.startsWith(prefix + "/")) {
            return Optional.empty();
        }
        String[] l = topic.substring(prefix.length() + 1).split("/", -1);
        if (l.length == 4 && l[0].equals("models") && l[1].equals("desired")) {
            return Optional.of(new Ref(Kind.DESIRED_MODEL, null, l[2], l[3]));
        }
        if (l.length == 2 && l[0].equals("models") && l[1].equals("manifest")) {
            return Optional.of(new Ref(Kind.MODELS_MANIFEST, null, null, null));
        }
        if (l.length < 3 || !l[0].equals("nodes")) {
            return Optional.empty();
        }
        String node = l[1];
        if (l.length == 3 && l[2].equals("online")) {
            return Optional.of(new Ref(Kind.ONLINE, node, null, null));
        }
        if (l.length == 4 && l[2].equals("desired") && l[3].equals("manifest")) {
            return Optional.of(new Ref(Kind.NODE_MANIFEST, node, null, null));
        }
        if (l.length == 5 && l[2].equals("desired") && l[3].equals("models") && l[4].equals("manifest")) {
            return Optional.of(new Ref(Kind.NODE_MODELS_MANIFEST, node, null, null));
        }
        if (l.length == 6 && l[2].equals("desired") && l[3].equals("models")) {
            return Optional.of(new Ref(Kind.NODE_MODEL, node, l[4], l[5]));
        }
        if (l.length == 6 && l[2].equals("desired") && l[3].equals("datasets")) {
            return Optional.of(new Ref(Kind.DESIRED_DATASET, node, l[4], l[5]));
        }
        if (l.length == 6 && l[2].equals("status") && l[3].equals("datasets")) {
            return Optional.of(new Ref(Kind.DATASET_STATUS, node, l[4], l[5]));
        }
        if (l.length == 6 && l[2].equals("status") && l[3].equals("models")) {
            return Optional.of(new Ref(Kind.MODEL_STATUS, node, l[4], l[5]));
        }
        if (l.length == 6 && l[2].equals("status") && l[3].equals("model-copies")) {
            return Optional.of(new Ref(Kind.MODEL_COPY, node, l[4], l[5]));
        }
        return Optional.empty();
    }
}
