package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.resources.Dataset;
import java.util.ArrayList;
import java.util.List;

/**
 * Every manifest as the resources say now: each node that holds datasets, and the models. Re-sent
 * periodically so that a broker that lost its retained messages is repaired without any change.
 */
public final class Manifests {
    private final ResourceInformers informers;
    private final DatasetDownstream datasets;
    private final ModelDownstream models;

    public Manifests(ResourceInformers informers, DatasetDownstream datasets, ModelDownstream models) {
        this.informers = informers;
        this.datasets = datasets;
        this.models = models;
    }

    public List<Outgoing> current() {
        List<Outgoing> all = new ArrayList<>(datasets.allManifests(
            informers.all(Dataset.class).map(DatasetDownstream::nodeOf).filter(io.edgeai.sync.resources.ResourceNames::valid).toList()));
        all.add(models.manifest());
        return all;
    }
}
