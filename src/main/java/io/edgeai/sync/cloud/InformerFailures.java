package io.edgeai.sync.cloud;

import io.edgeai.sync.Causes;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an informer does when it cannot list or watch: it says so in one line, once per outage, naming
 * the API server and the cause, and tries again (fabric8 backs off between tries); it says so again
 * when it hears from the API server. fabric8's own choice is to give up for good on a failure before
 * the first list, in a log line nobody reads as fatal: a cloud started before its API server, or
 * before its RBAC was applied, then never synced and said nothing more.
 */
final class InformerFailures implements ExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InformerFailures.class);

    private final String what;
    private final String server;
    private final AtomicBoolean failing = new AtomicBoolean();

    /** @param what the resources, as users name them ("datasets in all namespaces") */
    InformerFailures(String what, String server) {
        this.what = what;
        this.server = server;
    }

    @Override
    public boolean retryAfterException(boolean started, Throwable failure) {
        if (failing.compareAndSet(false, true)) {
            LOG.error("cannot {} {} at {}: {}; trying again", started ? "watch" : "list", what, server, rootCause(failure));
        }
        return true;
    }

    /** The API server answered again (an event or an empty list). */
    void heard() {
        if (failing.get() && failing.compareAndSet(true, false)) {
            LOG.info("{} are listed and watched again at {}", what, server);
        }
    }

    boolean failing() {
        return failing.get();
    }

    /** A handler that tells this when the informer hears anything. */
    <T> ResourceEventHandler<T> listener() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                heard();
            }

            @Override
            public void onUpdate(T before, T after) {
                heard();
            }

            @Override
            public void onDelete(T resource, boolean finalStateUnknown) {
                heard();
            }

            @Override
            public void onNothing() {
                heard();
            }
        };
    }

    private static String rootCause(Throwable failure) {
        Throwable cause = Causes.root(failure);
        String message = cause.getMessage();
        return cause == failure || message == null ? String.valueOf(failure.getMessage() != null ? failure.getMessage() : failure)
            : cause.getClass().getSimpleName() + ": " + message;
    }
}
