package io.edgeai.sync;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/** Our Prometheus meters go into the registry Camel's metrics use, so one scrape shows both. */
public final class Metrics {
    /** The name camel-micrometer-prometheus binds its registry under. */
    static final String REGISTRY = "metricsRegistry";

    private Metrics() {
    }

    /** Registers meters once the context has started (Camel's registry exists by then); nothing when metrics are off. */
    public static void register(CamelContext context, Consumer<MeterRegistry> meters) throws Exception {
        context.addStartupListener((StartupListener) (started, alreadyStarted) -> {
            MeterRegistry registry = started.getRegistry().lookupByNameAndType(REGISTRY, MeterRegistry.class);
            if (registry != null) {
                meters.accept(registry);
            }
        });
    }
}
