package io.edgeai.sync.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.CapturedConsole;
import java.lang.reflect.Proxy;
import java.util.function.Function;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

/** One outage is one warning and one recovery line, whether routes or publishes notice it (a hostile review found two). */
class BrokerOutageStateTest {
    private static <T> T proxy(Class<T> type, Function<String, Object> answer) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> answer.apply(m.getName())));
    }

    @Test
    void oneOutageIsOneWarningAndOneRecoveryWhoeverNoticesIt() throws Exception {
        BrokerOutage outage = new BrokerOutage("tcp://user:secret@broker:1883");
        Route route = proxy(Route.class, m -> m.equals("getRouteId") ? "status-upstream" : null);
        MqttException down = new MqttException(MqttException.REASON_CODE_SERVER_CONNECT_ERROR);
        try (CapturedConsole console = new CapturedConsole()) {
            outage.routeEvents().notify(proxy(CamelEvent.RouteRestartingFailureEvent.class, m -> switch (m) {
                case "getRoute" -> route;
                case "getCause" -> down;
                default -> null;
            }));
            outage.publishFailed(down);
            assertThat(outage.reachable()).isFalse();
            outage.routeEvents().notify(proxy(CamelEvent.RouteStartedEvent.class, m -> m.equals("getRoute") ? route : null));
            outage.published();
            assertThat(outage.reachable()).isTrue();

            outage.publishFailed(down); // the next outage, noticed by a publish first
            outage.published();
            assertThat(console.linesWith("cannot reach the MQTT broker at tcp://broker:1883")).isEqualTo(2);
            assertThat(console.linesWith("is reachable again")).isEqualTo(2);
            assertThat(console.text()).doesNotContain("secret");
        }
    }

    @Test
    void onlyAFailureToReachTheBrokerIsAnOutage() {
        BrokerOutage outage = new BrokerOutage("tcp://broker:1883");
        assertThat(outage.unreachable(new MqttException(MqttException.REASON_CODE_CLIENT_NOT_CONNECTED))).isTrue();
        assertThat(outage.unreachable(new RuntimeException(new MqttException(MqttException.REASON_CODE_CONNECTION_LOST)))).isTrue();
        assertThat(outage.unreachable(new MqttException(MqttException.REASON_CODE_NOT_AUTHORIZED))).as("refused, not unreachable").isFalse();
        assertThat(outage.unreachable(new IllegalStateException("x"))).isFalse();
    }
}
