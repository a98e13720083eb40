package io.edgeai.sync.resources;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** A dataset held by one edge node ({@code spec.nodeName}); its status is what that node counted. */
@Group(Dataset.GROUP)
@Version(Dataset.VERSION)
@Kind("Dataset")
@Plural("datasets")
public class Dataset extends CustomObject<DatasetSpec, DatasetStatus> {
    public static final String GROUP = "edgeai.io";
    public static final String VERSION = "v1alpha1";
}
