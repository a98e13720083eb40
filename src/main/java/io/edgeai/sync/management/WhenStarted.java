package io.edgeai.sync.management;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;

/**
 * Runs an action once, as the context starts. Camel calls startup listeners again for every route
 * the supervising route controller starts, each time saying "already started", the first time too.
 */
final class WhenStarted {
    private WhenStarted() {
    }

    static void run(CamelContext context, Consumer<CamelContext> action) throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        context.addStartupListener((StartupListener) (started, alreadyStarted) -> {
            if (done.compareAndSet(false, true)) {
                action.accept(started);
            }
        });
    }
}
