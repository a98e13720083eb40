package io.edgeai.sync.management;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness check of Camel's health registry (/observe/health/ready): up while {@code ready} holds,
 * else down with the reason. Not a liveness check: a process that waits for its broker or its API
 * server is alive, and restarting it would not bring either back.
 */
public final class ReadyCheck extends AbstractHealthCheck {
    private final BooleanSupplier ready;
    private final Supplier<String> whyNot;

    private ReadyCheck(String id, BooleanSupplier ready, Supplier<String> whyNot) {
        super("edgeai", id);
        this.ready = ready;
        this.whyNot = whyNot;
    }

    /**
     * Adds the check to the context's health registry, if health checks are on, as the context starts
     * (Camel Main sets the registry up after the beans are bound), before any route does.
     */
    public static void register(CamelContext context, String id, BooleanSupplier ready, Supplier<String> whyNot) throws Exception {
        WhenStarted.run(context, started -> {
            HealthCheckRegistry registry = HealthCheckRegistry.get(started);
            if (registry != null) {
                ReadyCheck check = new ReadyCheck(id, ready, whyNot);
                check.setCamelContext(started);
                registry.register(check);
            }
        });
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (ready.getAsBoolean()) {
            builder.up();
        } else {
            builder.message(whyNot.get()).down();
        }
    }
}
