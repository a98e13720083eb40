package io.edgeai.sync.resources;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** A model every edge node should know of; its status carries the metrics an edge reported. */
@Group(Dataset.GROUP)
@Version(Dataset.VERSION)
@Kind("Model")
@Plural("models")
public class Model extends CustomObject<ModelSpec, ModelStatus> {
}
