package io.edgeai.sync.resources;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ModelStatus {
    private String updateTime;
    /** How many edge nodes are online; every node knows every model. */
    private Integer liveNodes;
    private List<ModelMetric> metrics = new ArrayList<>();

    public String getUpdateTime() {
        return updateTime;
    }

    public void setUpdateTime(String updateTime) {
        this.updateTime = updateTime;
    }

    public Integer getLiveNodes() {
        return liveNodes;
    }

    public void setLiveNodes(Integer liveNodes) {
        this.liveNodes = liveNodes;
    }

    public List<ModelMetric> getMetrics() {
        return metrics;
    }

    public void setMetrics(List<ModelMetric> metrics) {
        this.metrics = metrics == null ? new ArrayList<>() : metrics;
    }
}
