package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Model;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns a Model event into the desired state every edge node sees, plus the models manifest when the
 * set of models changed. As for
 * datasets, status-only updates produce nothing and resyncs re-send the desired state.
 */
public final class ModelDownstream {
    private final Topics topics;
    private final Supplier<List<String>> allModels;
    private final LongSupplier clock;

    public ModelDownstream(Topics topics, Supplier<List<String>> allModels, LongSupplier clock) {
        this.topics = topics;
        this.allModels = allModels;
        this.clock = clock;
    }

    public List<Object> messagesFor(ResourceEvent<Model> event) {
        Model model = event.current();
        var meta = model.getMetadata();
        String topic = topics.desiredModel(meta.getNamespace(), meta.getName());
        return switch (event.type()) {
            case ADDED -> List.of(desired(topic, model), ManifestDue.models());
            case DELETED -> List.of(Outgoing.tombstone(topic), ManifestDue.models());
            case UPDATED -> !DatasetDownstream.isResync(event.before(), model)
                && Objects.equals(event.before().getSpec(), model.getSpec())
                && Objects.equals(event.before().getMetadata().getUid(), meta.getUid())
                ? List.of()
                : List.of(desired(topic, model));
        };
    }

    private Outgoing desired(String topic, Model model) {
        var meta = model.getMetadata();
        return Outgoing.json(topic, new DesiredModel(meta.getNamespace(), meta.getName(), meta.getUid(),
            DatasetDownstream.generation(meta.getGeneration()), model.getSpec(), clock.getAsLong()));
    }

    /** The sorted {@code namespace/name} keys of every model now. */
    public List<String> allModels() {
        return allModels.get();
    }
}
