package io.edgeai.sync.resources;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Objects;

/**
 * A namespaced custom resource: metadata, spec and status, with the apiVersion and kind its class's
 * annotations ({@code @Group}, {@code @Version}, {@code @Kind}) give. fabric8's {@code CustomResource}
 * works out its names (singular, CRD name, API version, scope) anew in every instance and keeps them
 * there: the cloud's cache holds an instance per object, and at 100,000 datasets those copies were
 * 20 MB (BENCHMARKS.md). Here they are the class's, once.
 */
@JsonDeserialize(using = JsonDeserializer.None.class) // a plain bean, not fabric8's lookup by kind
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"apiVersion", "kind", "metadata", "spec", "status"})
public abstract class CustomObject<S, T> implements HasMetadata, Namespaced {
    private static final ClassValue<String> API_VERSION = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return HasMetadata.getApiVersion(type);
        }
    };
    private static final ClassValue<String> KIND = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return HasMetadata.getKind(type);
        }
    };

    private ObjectMeta metadata = new ObjectMeta(); // as CustomResource had it: new Dataset().getMetadata().setName(…)
    private S spec;
    private T status;

    @Override
    public String getApiVersion() {
        return API_VERSION.get(getClass());
    }

    /** The class's, whatever a document said: the API server serves an object only at its own version. */
    @Override
    public void setApiVersion(String apiVersion) {
        // the value is the class's
    }

    @Override
    public String getKind() {
        return KIND.get(getClass());
    }

    /** The class's, whatever a document said. */
    public void setKind(String kind) {
        // the value is the class's
    }

    @Override
    public ObjectMeta getMetadata() {
        return metadata;
    }

    @Override
    public void setMetadata(ObjectMeta metadata) {
        this.metadata = metadata;
    }

    public S getSpec() {
        return spec;
    }

    public void setSpec(S spec) {
        this.spec = spec;
    }

    public T getStatus() {
        return status;
    }

    public void setStatus(T status) {
        this.status = status;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CustomObject<?, ?> that && getClass() == that.getClass() && Objects.equals(metadata, that.metadata)
            && Objects.equals(spec, that.spec) && Objects.equals(status, that.status);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), metadata, spec, status);
    }

    @Override
    public String toString() {
        return getKind() + "{metadata=" + metadata + ", spec=" + spec + ", status=" + status + "}";
    }
}
