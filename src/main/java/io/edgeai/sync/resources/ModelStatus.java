package io.edgeai.sync.resources;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ModelStatus {
    private String updateTime;
    /** How many edge nodes are online; every node knows every model. */
    private Integer liveNodes;
    private List<ModelMetric> metrics = new ArrayList<>();
    /** The node whose metrics.json {@link #metrics} came from. */
    private String metricsNode;
    /** Each node's copy, by node name. */
    private List<ModelCopy> nodes = new ArrayList<>();
    private ModelCopies copies;
    /** {@code copies} as kubectl's Available column shows it: {@code 2/3}. */
    private String available;
    private List<Condition> conditions = new ArrayList<>();

    public String getMetricsNode() {
        return metricsNode;
    }

    public void setMetricsNode(String metricsNode) {
        this.metricsNode = metricsNode;
    }

    public List<ModelCopy> getNodes() {
        return nodes;
    }

    public void setNodes(List<ModelCopy> nodes) {
        this.nodes = nodes == null ? new ArrayList<>() : nodes;
    }

    public ModelCopies getCopies() {
        return copies;
    }

    public void setCopies(ModelCopies copies) {
        this.copies = copies;
    }

    public String getAvailable() {
        return available;
    }

    public void setAvailable(String available) {
        this.available = available;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions == null ? new ArrayList<>() : conditions;
    }

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
