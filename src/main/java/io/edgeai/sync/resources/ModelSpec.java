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

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelSpec that && java.util.Objects.equals(modelUrl, that.modelUrl) && java.util.Objects.equals(format, that.format)
            && java.util.Objects.equals(sha256, that.sha256);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(modelUrl, format, sha256);
    }

    @Override
    public String toString() {
        return "ModelSpec" + io.edgeai.sync.mqtt.Json.string(this);
    }
}
