package io.edgeai.sync.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.RejectedMessage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a status patch to the API server's status subresource: one JSON merge patch request, nothing
 * read first (the fabric8 resource DSL fetches the resource before it patches; this does not), through
 * the fabric8 client's own HTTP client, so its authentication, TLS and timeouts apply. A rate limiter
 * (QPS and burst, as in controller-runtime) protects the API server.
 */
public final class StatusWriter {
    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final long TIMEOUT_SECONDS = 30;

    private final KubernetesClient client;
    private final RateLimiter limiter;

    public StatusWriter(KubernetesClient client, RateLimiter limiter) {
        this.client = client;
        this.limiter = limiter;
    }

    /** A 4xx other than a timeout, a conflict or a rate limit: sending the same patch again cannot help. */
    static boolean refusedForGood(int code) {
        return code >= 400 && code < 500 && code != 408 && code != 409 && code != 429;
    }

    /** @return the resourceVersion the API server gave the resource, or null if it did not answer one */
    public String apply(StatusUpstream.StatusPatch patch) {
        String what = patch.kind().getSimpleName() + " " + patch.namespace() + "/" + patch.name();
        HttpResponse<String> response = send(patch);
        int code = response.code();
        if (code == 404) {
            throw new RejectedMessage(what + " was deleted before its status was written");
        }
        if (refusedForGood(code)) {
            throw new RejectedMessage("the API server refused the status of " + what + " (" + code + "): " + abbreviate(response.body()));
        }
        if (!response.isSuccessful()) {
            // unreachable, overloaded or failing: worth another try
            throw new KubernetesClientException("status of " + what + " not written (" + code + "): " + abbreviate(response.body()), code, null);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("patched status of {}: {}", what, Json.string(patch.body()));
        }
        return resourceVersion(response.body());
    }

    private HttpResponse<String> send(StatusUpstream.StatusPatch patch) {
        limiter.acquire();
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
            .uri(statusUrl(patch))
            .patch(MERGE_PATCH, Json.string(patch.body()))
            .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .build();
        try {
            return http.sendAsync(request, String.class).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while writing a status", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException("cannot reach the API server: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    private String statusUrl(StatusUpstream.StatusPatch patch) {
        Class<? extends HasMetadata> kind = patch.kind();
        String master = client.getMasterUrl().toString();
        return (master.endsWith("/") ? master : master + "/") + "apis/" + HasMetadata.getGroup(kind) + "/" + HasMetadata.getVersion(kind)
            + "/namespaces/" + patch.namespace() + "/" + HasMetadata.getPlural(kind) + "/" + patch.name() + "/status";
    }

    private static String resourceVersion(String body) {
        try {
            JsonNode version = Json.MAPPER.readTree(body == null ? "{}" : body).path("metadata").path("resourceVersion");
            return version.isTextual() ? version.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
