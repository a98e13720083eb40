package io.edgeai.sync.cloud;

import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.Model;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code informer:datasets} and {@code informer:models}: a Camel consumer over a fabric8 shared
 * informer, so that the cloud routes start from a watch that re-lists and never silently stops (the
 * camel-kubernetes 4.17 consumer does not re-watch, see the platform notes). Each exchange carries a
 * {@link ResourceEvent}; events of one kind arrive in order, one at a time.
 */
public final class InformerComponent extends DefaultComponent {
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of("datasets", Dataset.class, "models", Model.class,
        "nodes", io.fabric8.kubernetes.api.model.Node.class);

    private final ResourceInformers informers;

    public InformerComponent(ResourceInformers informers) {
        this.informers = informers;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        Class<? extends HasMetadata> kind = KINDS.get(remaining);
        if (kind == null) {
            throw new IllegalArgumentException("informer:" + remaining + " - known kinds are " + KINDS.keySet());
        }
        return new InformerEndpoint<>(uri, this, informers, kind);
    }
}
