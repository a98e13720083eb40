package io.edgeai.sync.cloud;

import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes a status patch to the API server's status subresource (JSON merge patch, no read-modify-write). */
public final class StatusWriter {
    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    private final KubernetesClient client;

    public StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    /** A 4xx other than a timeout, a conflict or a rate limit: sending the same patch again cannot help. */
    static boolean refusedForGood(int code) {
        return code >= 400 && code < 500 && code != 408 && code != 409 && code != 429;
    }

    /** @return the resourceVersion the API server gave the resource, or null if it did not answer one */
    public String apply(StatusUpstream.StatusPatch patch) {
        try {
            HasMetadata updated = client.resources(patch.kind()).inNamespace(patch.namespace()).withName(patch.name())
                .subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), Json.string(patch.body()));
            LOG.info("patched status of {} {}/{}: {}", patch.kind().getSimpleName(), patch.namespace(), patch.name(), Json.string(patch.body()));
            return updated == null || updated.getMetadata() == null ? null : updated.getMetadata().getResourceVersion();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                throw new RejectedMessage(patch.kind().getSimpleName() + " " + patch.namespace() + "/" + patch.name() + " was deleted before its status was written");
            }
            if (refusedForGood(e.getCode())) {
                throw new RejectedMessage("the API server refused the status of " + patch.kind().getSimpleName() + " " + patch.namespace() + "/"
                    + patch.name() + " (" + e.getCode() + "): " + e.getMessage());
            }
            throw e; // the API server unreachable, overloaded or failing: worth another try
        }
    }
}
