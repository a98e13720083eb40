package io.edgeai.sync.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.CapturedConsole;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.CamelContext;
import org.apache.camel.component.paho.PahoEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.ExceptionHandler;
import org.junit.jupiter.api.Test;

/** Issue 7, goal 4: stopping under load logs one line, not a stack trace per message paho still delivers. */
class StoppingRouteMessagesTest {

    @Test
    void messagesRefusedByAStoppingRouteAreCountedInOneLineAndOtherErrorsStillLogged() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            StoppingRouteMessages.install(context);
            PahoEndpoint endpoint = context.getEndpoint("paho:edgeai/nodes/+/status/%23?brokerUrl=tcp://127.0.0.1:1", PahoEndpoint.class);
            ExceptionHandler handler = endpoint.getExceptionHandler();
            assertThat(handler).isInstanceOf(StoppingRouteMessages.class);

            String log;
            try (CapturedConsole console = new CapturedConsole()) {
                for (int i = 0; i < 5_000; i++) {
                    handler.handleException("Error processing exchange", null, new RejectedExecutionException());
                }
                handler.handleException("Error processing exchange", null, new IllegalStateException("a real failure"));
                log = console.text();
            }
            assertThat(log.lines().filter(line -> line.contains("refused while their route was stopping"))).hasSize(1);
            assertThat(log).doesNotContain("RejectedExecutionException").contains("a real failure");
        }
    }
}
