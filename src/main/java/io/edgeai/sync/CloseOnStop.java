package io.edgeai.sync;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

/** Ties resources the beans hold (informers, thread pools) to the Camel context: closed when it stops. */
public final class CloseOnStop extends ServiceSupport {
    private final AutoCloseable[] resources;

    private CloseOnStop(AutoCloseable... resources) {
        this.resources = resources;
    }

    public static void register(CamelContext context, AutoCloseable... resources) throws Exception {
        context.addService(new CloseOnStop(resources), true, true);
    }

    @Override
    protected void doStop() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }
}
