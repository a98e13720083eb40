package io.edgeai.sync.cloud;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.Component;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;

/** See {@link InformerComponent}. Consumer only. */
final class InformerEndpoint<T extends HasMetadata> extends DefaultEndpoint {
    private final ResourceInformers informers;
    private final Class<T> kind;

    /**
     * One thread, and a queue that never refuses (the backlog fabric8 would otherwise queue), so events
     * stay in order. New each time: Camel fills in a profile's defaults.
     */
    private static ThreadPoolProfile inOrder() {
        return new ThreadPoolProfileBuilder("informer").poolSize(1).maxPoolSize(1).maxQueueSize(Integer.MAX_VALUE)
            .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build();
    }

    InformerEndpoint(String uri, Component component, ResourceInformers informers, Class<T> kind) {
        super(uri, component);
        this.informers = informers;
        this.kind = kind;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("informer: endpoints only consume; write through the Kubernetes client");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        InformerConsumer consumer = new InformerConsumer(processor);
        configureConsumer(consumer); // the endpoint's exception handler (StoppingRouteMessages)
        return consumer;
    }

    private final class InformerConsumer extends DefaultConsumer {
        /** The handler of the current start; null while stopped. */
        private volatile Handler current;
        /** Where every event is handed over and sent through the route, in order, from start to shutdown. */
        private volatile ExecutorService events;

        InformerConsumer(Processor processor) {
            super(InformerEndpoint.this, processor);
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            // one thread for every start, so that what an earlier start still had in hand (a send that
            // waits for a full lane) is done before this start's first event
            if (events == null) {
                events = getEndpoint().getCamelContext().getExecutorServiceManager().newThreadPool(this,
                    "informer-" + HasMetadata.getPlural(kind), inOrder());
            }
            // a handler of its own per start: fabric8 hands a new handler every cached object first, so
            // a route started again (this replica leads again) hears every object as it is now (what was
            // deleted meanwhile is the reconciler's: desired state the broker retains for nothing)
            Handler handler = new Handler();
            current = handler;
            events.execute(() -> informers.subscribe(kind, handler));
        }

        @Override
        protected void doStop() throws Exception {
            Handler stopped = current;
            current = null;
            if (stopped != null) {
                events.execute(() -> informers.unsubscribe(kind, stopped)); // after its subscribe
            }
            super.doStop();
        }

        @Override
        protected void doShutdown() throws Exception {
            if (events != null) {
                // what is queued is heard again by the next replica to lead; a send stuck on a lane that
                // was closed is interrupted
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(events);
            }
            super.doShutdown();
        }

        /**
         * Hands each event to the consumer's thread, in order. fabric8 calls a handler on the thread that
         * adds it (every cached object, while its other events wait: the thread that delivers the watch
         * waits too) and then on its informer's thread; a route's work, which waits for routes still
         * starting or for full publishing lanes, is done on neither.
         */
        private final class Handler implements ResourceEventHandler<T> {
            @Override
            public void onAdd(T object) {
                hand(new ResourceEvent<>(ResourceEvent.Type.ADDED, null, object));
            }

            @Override
            public void onUpdate(T before, T after) {
                hand(new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, after));
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                hand(new ResourceEvent<>(ResourceEvent.Type.DELETED, object, null));
            }

            private void hand(ResourceEvent<T> event) {
                if (this != current) {
                    return;
                }
                try {
                    events.execute(() -> emit(this, event));
                } catch (RejectedExecutionException shutDown) {
                    // the route was removed or the context stops
                }
            }
        }

        private void emit(Handler from, ResourceEvent<T> event) {
            if (from != current) {
                return;
            }
            Exchange exchange = createExchange(false);
            exchange.getMessage().setBody(event);
            exchange.getMessage().setHeader("EdgeaiEventType", event.type().name());
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            // stopped meanwhile (this replica lost the lease): what the stopping route refused is heard
            // again from the cache when it starts
            if (exchange.getException() != null && from == current) {
                getExceptionHandler().handleException("error processing " + event.type() + " of " + kind.getSimpleName(), exchange,
                    exchange.getException());
            }
            releaseExchange(exchange, false);
        }
    }
}
