package io.edgeai.sync.management;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;

/** Our Prometheus meters go into the registry Camel's metrics use, so one scrape shows both. */
public final class Metrics {
    /** The name Camel looks a meter registry up by (camel-micrometer); ManagementServer binds ours under it. */
    public static final String REGISTRY = "metricsRegistry";

    private Metrics() {
    }

    /** Registers meters once the context has started (Camel's registry exists by then); nothing when metrics are off. */
    public static void register(CamelContext context, Consumer<MeterRegistry> meters) throws Exception {
        WhenStarted.run(context, started -> {
            MeterRegistry registry = started.getRegistry().lookupByNameAndType(REGISTRY, MeterRegistry.class);
            if (registry != null) {
                meters.accept(registry);
            }
        });
    }
}
