package io.edgeai.sync.mqtt;

import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.LoggingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exception handler of every consumer that hears again what a stopping route refuses (MQTT,
 * timers, informers). Paho goes on delivering the messages it has buffered while Camel stops a route,
 * and Camel refuses each one; logged one by one with a stack trace, a stop under load printed
 * thousands of them. Such a message is left to the broker: every topic is retained, and the next
 * subscription (or the status re-read) brings it back. A timer's exchange whose retries a stopping
 * process gives up (the broker is down) fires again at the next start, and an informer route started
 * again hears the whole cache. They are counted and logged in one line at most every 10 s. Any other
 * error goes to Camel's usual logging.
 */
public final class StoppingRouteMessages implements ExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StoppingRouteMessages.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** The endpoints (by scheme) whose consumers hear again what a stopping route refused. */
    private static final Set<String> HEARD_AGAIN = Set.of("paho", "timer", "informer");

    private final ExceptionHandler others;
    private final AtomicLong unlogged = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

    private StoppingRouteMessages(CamelContext context) {
        this.others = new LoggingExceptionHandler(context, StoppingRouteMessages.class);
    }

    /** Gives every MQTT, timer and informer endpoint the context creates this handler. */
    public static void install(CamelContext context) {
        StoppingRouteMessages handler = new StoppingRouteMessages(context);
        context.getCamelContextExtension().registerEndpointCallback((uri, endpoint) -> {
            if (HEARD_AGAIN.contains(endpoint.getEndpointUri().split(":", 2)[0])
                && endpoint instanceof DefaultEndpoint consumed && consumed.getExceptionHandler() == null) {
                consumed.setExceptionHandler(handler);
            }
            return endpoint;
        });
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        if (!(exception instanceof RejectedExecutionException)) {
            others.handleException(message, exchange, exception);
            return;
        }
        long count = unlogged.incrementAndGet();
        long last = lastLog.get();
        long now = System.nanoTime();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            unlogged.addAndGet(-count);
            LOG.info("{} message(s) refused while their route was stopping; MQTT messages are left to the broker, which retains them, "
                + "timers fire again at the next start, informer routes hear their cache again", count);
        }
    }
}
