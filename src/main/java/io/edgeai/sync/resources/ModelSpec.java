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

    /** Whether the model is meant for this node. */
    public boolean targets(String node) {
        return nodeNames == null || nodeNames.contains(node);
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
            && java.util.Objects.equals(sha256, that.sha256) && java.util.Objects.equals(nodeNames, that.nodeNames);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(modelUrl, format, sha256, nodeNames);
    }

    @Override
    public String toString() {
        return "ModelSpec" + io.edgeai.sync.mqtt.Json.string(this);
    }
}
