package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Messages.DesiredModel;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Model;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
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
    private final BiFunction<String, String, Optional<Model>> lookup;
    private final LongSupplier clock;
    private final RetainedSnapshot retained;

    /**
     * @param allModels the sorted {@code namespace/name} keys of every model now
     * @param lookup    namespace and name to the model as it is now
     * @param retained  what the broker held at start-up: an added model it holds unchanged is not sent again
     */
    public ModelDownstream(Topics topics, Supplier<List<String>> allModels, BiFunction<String, String, Optional<Model>> lookup,
                           LongSupplier clock, RetainedSnapshot retained) {
        this.topics = topics;
        this.allModels = allModels;
        this.lookup = lookup;
        this.clock = clock;
        this.retained = retained;
    }

    /** The model as it is now, if it exists. */
    public Optional<Model> lookup(String namespace, String name) {
        return lookup.apply(namespace, name);
    }

    public List<Object> messagesFor(ResourceEvent<Model> event) {
        Model model = event.current();
        var meta = model.getMetadata();
        String topic = topics.desiredModel(meta.getNamespace(), meta.getName());
        return switch (event.type()) {
            case ADDED -> {
                Outgoing desired = desired(model);
                yield retained.holds(desired) ? List.of() : List.of(desired);
            }
            case DELETED -> List.of(Outgoing.tombstone(topic), ManifestDue.models());
            case UPDATED -> !DatasetDownstream.isResync(event.before(), model)
                && Objects.equals(event.before().getSpec(), model.getSpec())
                && Objects.equals(event.before().getMetadata().getUid(), meta.getUid())
                ? List.of()
                : List.of(desired(model));
        };
    }

    Outgoing desired(Model model) {
        var meta = model.getMetadata();
        return Outgoing.json(topics.desiredModel(meta.getNamespace(), meta.getName()), new DesiredModel(meta.getNamespace(), meta.getName(), meta.getUid(),
            DatasetDownstream.generation(meta.getGeneration()), model.getSpec(), clock.getAsLong()));
    }

    /** The sorted {@code namespace/name} keys of every model now. */
    public List<String> allModels() {
        return allModels.get();
    }
}
