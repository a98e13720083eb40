package io.edgeai.sync.resources;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ModelSpec {
    private String modelUrl;
    private String format;
    /** The SHA-256 every node's copy must have, as lowercase hex; for a directory, see docs/protocol.md. */
    private String sha256;
    /** The nodes that should hold the model; null for every node. */
    private java.util.List<String> nodeNames;
    /** The labels a node's Node object must carry to hold the model; null for any. */
    private java.util.Map<String, String> nodeSelector;

    public ModelSpec() {
    }

    public ModelSpec(String modelUrl, String format) {
        this.modelUrl = modelUrl;
        this.format = format;
    }

    public String getModelUrl() {
        return modelUrl;
    }

    public void setModelUrl(String modelUrl) {
        this.modelUrl = modelUrl;
    }

    public String getSha256() {
        return sha256;
    }

    public void setSha256(String sha256) {
        this.sha256 = sha256;
    }

    public java.util.List<String> getNodeNames() {
        return nodeNames;
    }

    public void setNodeNames(java.util.List<String> nodeNames) {
        this.nodeNames = nodeNames;
    }

    public java.util.Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(java.util.Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    /** Whether {@code spec.nodeNames} lets the model go to this node (absent lets every node). */
    public boolean targets(String node) {
        return nodeNames == null || nodeNames.contains(node);
    }

    /** Whether a node with these labels is selected ({@code spec.nodeSelector}: every label, with its value; absent selects all). */
    public boolean selects(java.util.Map<String, String> labels) {
        return nodeSelector == null || nodeSelector.entrySet().stream()
            .allMatch(wanted -> labels != null && wanted.getValue() != null && wanted.getValue().equals(labels.get(wanted.getKey())));
    }

    /** Whether the model is meant for every node: it neither names nor selects its nodes. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isForEveryNode() {
        return nodeNames == null && nodeSelector == null;
    }

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelSpec that && java.util.Objects.equals(modelUrl, that.modelUrl) && java.util.Objects.equals(format, that.format)
            && java.util.Objects.equals(sha256, that.sha256) && java.util.Objects.equals(nodeNames, that.nodeNames) && java.util.Objects.equals(nodeSelector, that.nodeSelector);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(modelUrl, format, sha256, nodeNames, nodeSelector);
    }

    @Override
    public String toString() {
        return "ModelSpec" + io.edgeai.sync.mqtt.Json.string(this);
    }
}
