package io.edgeai.sync.cloud;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Component;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;

/** See {@link InformerComponent}. Consumer only. */
final class InformerEndpoint<T extends HasMetadata> extends DefaultEndpoint {
    private final ResourceInformers informers;
    private final Class<T> kind;

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
    public Consumer createConsumer(Processor processor) {
        return new InformerConsumer(processor);
    }

    private final class InformerConsumer extends DefaultConsumer {
        /** The handler of the current start; null while stopped. */
        private volatile Handler current;
        /** Adds and removes this start's handler, in that order, off the thread that starts the route. */
        private ExecutorService subscriptions;

        InformerConsumer(Processor processor) {
            super(InformerEndpoint.this, processor);
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            // a handler of its own per start: fabric8 hands a new handler every cached object first, so
            // a route started again (this replica leads again) hears what changed while it was stopped.
            // That replay runs on the thread that adds the handler, and the informers list from the start:
            // on the thread that starts the routes, it would send into routes not started yet (and block
            // their start), or hold up the leader election that starts them
            Handler handler = new Handler();
            current = handler;
            subscriptions = getEndpoint().getCamelContext().getExecutorServiceManager().newSingleThreadExecutor(this,
                "informer-" + HasMetadata.getPlural(kind));
            subscriptions.execute(() -> informers.subscribe(kind, handler));
        }

        @Override
        protected void doStop() throws Exception {
            Handler stopped = current;
            current = null;
            if (stopped != null) {
                subscriptions.execute(() -> informers.unsubscribe(kind, stopped));
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(subscriptions);
            }
            super.doStop();
        }

        private final class Handler implements ResourceEventHandler<T> {
            @Override
            public void onAdd(T object) {
                emit(this, new ResourceEvent<>(ResourceEvent.Type.ADDED, null, object));
            }

            @Override
            public void onUpdate(T before, T after) {
                emit(this, new ResourceEvent<>(ResourceEvent.Type.UPDATED, before, after));
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                emit(this, new ResourceEvent<>(ResourceEvent.Type.DELETED, object, null));
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
            if (exchange.getException() != null) {
                getExceptionHandler().handleException("error processing " + event.type() + " of " + kind.getSimpleName(), exchange,
                    exchange.getException());
            }
            releaseExchange(exchange, false);
        }
    }
}
