package io.edgeai.sync.resources;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** What the user declares: where the data lies on the node, in which format, and which node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class DatasetSpec {
    private String dataUrl;
    private String format;
    private String nodeName;

    public DatasetSpec() {
    }

    public DatasetSpec(String dataUrl, String format, String nodeName) {
        this.dataUrl = dataUrl;
        this.format = format;
        this.nodeName = nodeName;
    }

    public String getDataUrl() {
        return dataUrl;
    }

    public void setDataUrl(String dataUrl) {
        this.dataUrl = dataUrl;
    }

    public String getFormat() {
        return format;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    public String getNodeName() {
        return nodeName;
    }

    public void setNodeName(String nodeName) {
        this.nodeName = nodeName;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DatasetSpec that && java.util.Objects.equals(dataUrl, that.dataUrl) && java.util.Objects.equals(format, that.format) && java.util.Objects.equals(nodeName, that.nodeName);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(dataUrl, format, nodeName);
    }

    @Override
    public String toString() {
        return "DatasetSpec" + io.edgeai.sync.mqtt.Json.string(this);
    }
}
