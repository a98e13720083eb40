package io.edgeai.sync.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.DatasetReport;
import io.edgeai.sync.mqtt.Messages.ModelCopyReport;
import io.edgeai.sync.mqtt.Messages.ModelReport;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetStatus;
import io.edgeai.sync.resources.Model;
import io.edgeai.sync.resources.ModelStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * Decides what an upstream status message may change. The topic names the reporting node (and a
 * broker ACL ties that level to the node's MQTT identity); a dataset's status is accepted only from
 * the node in its spec, for the same incarnation (uid) of the resource. Everything refused is a
 * {@link RejectedMessage} with the reason.
 */
public final class StatusUpstream {
    private final Topics topics;
    private final BooleanSupplier cacheSynced;
    private final BiFunction<String, String, Optional<Dataset>> datasets;
    private final BiFunction<String, String, Optional<Model>> models;
    private final Clock clock;
    private final long maxAheadMillis;
    private final WrittenStatuses written = new WrittenStatuses(System::nanoTime);
    /** Which nodes each model is meant for (by name and Node labels). */
    private final ModelTargets targets;
    private final Presence presence;
    private final Object[] modelLocks = new Object[64];

    /**
     * @param cacheSynced waits (bounded) until the resource cache has listed: the retained statuses
     *                    arrive the moment the cloud subscribes, before the informers have listed, and
     *                    judging them against an empty cache would drop them all as unknown
     * @param maxAheadMillis how far ahead of the cloud's clock a reported time may lie before the
     *                    cloud's own time replaces it
     */
    public StatusUpstream(Topics topics, BooleanSupplier cacheSynced, BiFunction<String, String, Optional<Dataset>> datasets,
                          BiFunction<String, String, Optional<Model>> models, Presence presence, Clock clock, long maxAheadMillis,
                          ModelTargets targets) {
        this.presence = presence;
        this.targets = targets;
        this.topics = topics;
        this.cacheSynced = cacheSynced;
        this.datasets = datasets;
        this.models = models;
        this.clock = clock;
        this.maxAheadMillis = maxAheadMillis;
        java.util.Arrays.setAll(modelLocks, i -> new Object());
    }

    /**
     * A patch to write, or null when the status is already what the report says. The report is as
     * the status route read it for its topic's kind (a {@link DatasetReport}, {@link ModelReport} or
     * {@link ModelCopyReport}). An empty payload brings nothing new from the node (it cleared its
     * retained status), nor does {@link StatusInbox.Again#REJUDGE} (the node's presence changed):
     * Ready is made to agree with the node's presence, nothing else changes.
     */
    public StatusPatch patchFor(String topic, Object report) {
        Topics.Ref ref = topics.parse(topic).orElseThrow(() -> new RejectedMessage("not a status topic: " + topic));
        if (!cacheSynced.getAsBoolean()) {
            throw new IllegalStateException("the resource cache has not listed yet; " + topic + " will be retried");
        }
        if (report == StatusInbox.Again.RECOUNT && ref.kind() == Topics.Kind.MODEL_COPY) {
            return clearedOn(ref, (model, current) -> ModelStatusPatches.copiesRecounted(current, model.getSpec(), targets.of(model.getSpec()),
                DatasetDownstream.generation(model.getMetadata().getGeneration()), clock.instant()));
        }
        if (report instanceof StatusInbox.Again || report instanceof byte[] cleared && cleared.length == 0) {
            return switch (ref.kind()) {
                case DATASET_STATUS -> presencePatch(ref);
                case MODEL_COPY -> modelCopyCleared(ref);
                case MODEL_STATUS -> modelMetricsCleared(ref);
                default -> null;
            };
        }
        return switch (ref.kind()) {
            case DATASET_STATUS -> datasetPatch(ref, as(DatasetReport.class, report, topic));
            case MODEL_STATUS -> modelPatch(ref, as(ModelReport.class, report, topic));
            case MODEL_COPY -> modelCopyPatch(ref, as(ModelCopyReport.class, report, topic));
            default -> throw new RejectedMessage("not a status topic: " + topic);
        };
    }

    private static <T> T as(Class<T> type, Object report, String topic) {
        if (!type.isInstance(report)) {
            throw new RejectedMessage("the report on " + topic + " was not read as a " + type.getSimpleName());
        }
        return type.cast(report);
    }

    private StatusPatch datasetPatch(Topics.Ref ref, DatasetReport report) {
        Dataset dataset = datasets.apply(ref.namespace(), ref.name())
            .orElseThrow(() -> new RejectedMessage("status from " + ref.node() + " for unknown dataset " + ref.namespace() + "/" + ref.name()));
        String owner = DatasetDownstream.nodeOf(dataset);
        if (!ref.node().equals(owner)) {
            throw new RefusedReport("refused status for dataset " + ref.namespace() + "/" + ref.name() + " from node " + ref.node()
                + ": it belongs to node " + owner, dataset);
        }
        checkSameResource(dataset, ref, report.namespace(), report.name(), report.uid());
        DatasetReport checked = ReportChecks.dataset(report, DatasetDownstream.generation(dataset.getMetadata().getGeneration()),
            clock.instant(), maxAheadMillis);
        DatasetStatus current = written.current(dataset, dataset.getStatus(), DatasetStatus.class);
        return StatusPatches.dataset(current, checked, nodeView(dataset, owner), clock.instant())
            .map(patch -> datasetPatch(dataset, current, patch))
            .orElse(null);
    }

    /** Ready as the node's presence has it; nothing for a dataset gone or moved to another node since. */
    private StatusPatch presencePatch(Topics.Ref ref) {
        Dataset dataset = datasets.apply(ref.namespace(), ref.name()).orElse(null);
        String owner = dataset == null ? null : DatasetDownstream.nodeOf(dataset);
        if (owner == null || !owner.equals(ref.node())) {
            return null;
        }
        DatasetStatus current = written.current(dataset, dataset.getStatus(), DatasetStatus.class);
        return StatusPatches.presence(current, nodeView(dataset, owner), DatasetDownstream.generation(dataset.getMetadata().getGeneration()),
                clock.instant())
            .map(patch -> datasetPatch(dataset, current, patch))
            .orElse(null);
    }

    private StatusPatch datasetPatch(Dataset dataset, DatasetStatus before, Map<String, Object> body) {
        return StatusPatch.over(before, dataset, body, readyChange(dataset, StatusPatches.find(before, StatusPatches.READY), body));
    }

    /** How the patch turns the resource's Ready condition ({@code was}, null if none), or null if it leaves its status and reason. */
    private static ReadyChange readyChange(HasMetadata resource, Condition was, Map<String, Object> patch) {
        Condition now = StatusPatches.readyIn(patch);
        boolean changed = now != null && (was == null || !Objects.equals(was.getStatus(), now.getStatus())
            || !Objects.equals(was.getReason(), now.getReason()));
        return changed ? new ReadyChange(resource, was, now) : null;
    }

    /** Whether the dataset's Ready, as the cache has it, disagrees with what is known of its node. */
    public boolean presenceStale(Dataset dataset, String node) {
        return StatusPatches.presence(dataset.getStatus(), nodeView(dataset, node),
            DatasetDownstream.generation(dataset.getMetadata().getGeneration()), clock.instant()).isPresent();
    }

    /** What is known of the dataset's node now. */
    StatusPatches.NodeView nodeView(Dataset dataset, String node) {
        return new StatusPatches.NodeView(node, presence.state(node, createdMillis(dataset)), presence.graceMillis());
    }

    static long createdMillis(HasMetadata resource) {
        String created = resource.getMetadata().getCreationTimestamp();
        try {
            return created == null ? 0 : Instant.parse(created).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            return 0;
        }
    }

    private StatusPatch modelPatch(Topics.Ref ref, ModelReport report) {
        Model model = models.apply(ref.namespace(), ref.name())
            .orElseThrow(() -> new RejectedMessage("metrics from " + ref.node() + " for unknown model " + ref.namespace() + "/" + ref.name()));
        checkSameResource(model, ref, report.namespace(), report.name(), report.uid());
        if (!targets.includes(model.getSpec(), ref.node())) {
            throw new RejectedMessage("metrics from " + ref.node() + " for model " + ref.namespace() + "/" + ref.name()
                + ", which is not meant for that node (spec.nodeNames, spec.nodeSelector)");
        }
        ModelStatus current = written.current(model, model.getStatus(), ModelStatus.class);
        return ModelStatusPatches.model(current, ref.node(), ReportChecks.model(report, clock.instant(), maxAheadMillis))
            .map(patch -> modelPatch(model, current, patch))
            .orElse(null);
    }

    private StatusPatch modelCopyPatch(Topics.Ref ref, ModelCopyReport report) {
        Model model = models.apply(ref.namespace(), ref.name())
            .orElseThrow(() -> new RejectedMessage("copy report from " + ref.node() + " for unknown model " + ref.namespace() + "/" + ref.name()));
        checkSameResource(model, ref, report.namespace(), report.name(), report.uid());
        ModelStatus current = written.current(model, model.getStatus(), ModelStatus.class);
        ModelCopyReport checked = ReportChecks.modelCopy(report, clock.instant(), maxAheadMillis);
        return ModelStatusPatches.modelCopy(current, model.getSpec(), targets.of(model.getSpec()), ref.node(), checked,
            clock.instant())
            .map(patch -> modelPatch(model, current, patch))
            .orElse(null);
    }

    /** The node cleared its copy report (it dropped the model, or its operator retired it): its entry goes. */
    private StatusPatch modelCopyCleared(Topics.Ref ref) {
        return clearedOn(ref, (model, current) -> ModelStatusPatches.modelCopyGone(current, model.getSpec(), targets.of(model.getSpec()), ref.node(),
            DatasetDownstream.generation(model.getMetadata().getGeneration()), clock.instant()));
    }

    /** The node cleared its metrics (it dropped the model, or is no longer meant to hold it): if the listed ones are its, they go. */
    private StatusPatch modelMetricsCleared(Topics.Ref ref) {
        return clearedOn(ref, (model, current) -> ModelStatusPatches.metricsGone(current, ref.node()));
    }

    /** The patch a cleared report on a model's topic makes, judged against its status now; nothing for a model gone since. */
    private StatusPatch clearedOn(Topics.Ref ref, BiFunction<Model, ModelStatus, Optional<Map<String, Object>>> patchFor) {
        Model model = models.apply(ref.namespace(), ref.name()).orElse(null);
        if (model == null) {
            return null;
        }
        ModelStatus current = written.current(model, model.getStatus(), ModelStatus.class);
        return patchFor.apply(model, current).map(patch -> modelPatch(model, current, patch)).orElse(null);
    }

    private static StatusPatch modelPatch(Model model, ModelStatus before, Map<String, Object> patch) {
        Condition was = StatusPatches.find(before == null ? List.of() : before.getConditions(), StatusPatches.READY);
        return StatusPatch.over(before, model, patch, readyChange(model, was, patch));
    }

    /**
     * What serialises the judging and writing of reports on this topic, or null if nothing need: every
     * node's copy lands in one list in the model's status, so two nodes' reports for one model are
     * judged and written one after the other (else the second could write a list without the first).
     */
    public Object writeLock(String topic) {
        Topics.Ref ref = topics.parse(topic).orElse(null);
        if (ref == null || ref.kind() != Topics.Kind.MODEL_COPY && ref.kind() != Topics.Kind.MODEL_STATUS) {
            return null;
        }
        return modelLocks[Math.floorMod((ref.namespace() + "/" + ref.name()).hashCode(), modelLocks.length)];
    }

    private static void checkSameResource(HasMetadata resource, Topics.Ref ref, String namespace, String name, String uid) {
        if (!ref.namespace().equals(namespace) || !ref.name().equals(name)) {
            throw new RejectedMessage("status on topic for " + ref.namespace() + "/" + ref.name() + " names " + namespace + "/" + name);
        }
        if (uid != null && !uid.isBlank() && !Objects.equals(uid, resource.getMetadata().getUid())) {
            throw new RefusedReport("stale status from " + ref.node() + " for an earlier " + resource.getKind() + " " + namespace + "/" + name,
                resource);
        }
    }

    /** A patch was written: later reports are judged against it until the resource cache shows it. */
    public void wrote(StatusPatch patch, String resourceVersion) {
        Optional<? extends HasMetadata> cached = patch.kind() == Dataset.class ? datasets.apply(patch.namespace(), patch.name())
            : models.apply(patch.namespace(), patch.name());
        written.wrote(patch, resourceVersion, cached.orElse(null));
    }

    /** The resource cache added or updated {@code resource}: the writes it shows need not be remembered. */
    public void cached(HasMetadata resource) {
        written.cached(resource);
    }

    /**
     * A merge patch for one resource's status subresource.
     *
     * @param readyChanged how it changes the Ready condition's status or reason, if it does
     */
    public record StatusPatch(Class<? extends HasMetadata> kind, String namespace, String name, Map<String, Object> body,
                              ReadyChange readyChanged, JsonNode statusAfter, String uid) {
        public StatusPatch(Class<? extends HasMetadata> kind, String namespace, String name, Map<String, Object> body) {
            this(kind, namespace, name, body, null, null, null);
        }

        /**
         * @param before the status the patch was judged against: the status after the write is that
         *               with the patch's fields put over it, which is what later reports are judged
         *               against until the cache shows it (a patch alone lacks the fields it left as they were)
         */
        static StatusPatch over(Object before, HasMetadata resource, Map<String, Object> body, ReadyChange readyChanged) {
            ObjectNode after = before == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.valueToTree(before);
            Json.MAPPER.<ObjectNode>valueToTree(body.get("status")).fields().forEachRemaining(field -> {
                if (field.getValue().isNull()) {
                    after.remove(field.getKey());
                } else {
                    after.set(field.getKey(), field.getValue());
                }
            });
            return new StatusPatch(resource.getClass(), resource.getMetadata().getNamespace(), resource.getMetadata().getName(), body, readyChanged,
                after, resource.getMetadata().getUid());
        }
    }

    /** A resource's Ready condition turns from {@code before} (null: it had none) to {@code after}. */
    public record ReadyChange(HasMetadata resource, Condition before, Condition after) {
    }
}
