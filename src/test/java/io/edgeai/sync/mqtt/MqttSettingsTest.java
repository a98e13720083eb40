package io.edgeai.sync.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.edgeai.sync.ConfigurationError;
import io.edgeai.sync.Settings;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.component.paho.PahoComponent;
import org.apache.camel.component.paho.PahoConfiguration;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.BaseMainSupport;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 2: the paho component is configured the Camel way, from application.properties
 * ({@code camel.component.paho.*}, bound by Camel Main), and completed in Java only with what the
 * protocol depends on.
 */
class MqttSettingsTest {

    /** The paho component's configuration once Camel Main has configured a context from the shipped files and these overrides. */
    private static PahoConfiguration configured(Properties overrides) throws Exception {
        Main main = new Main();
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        main.setOverrideProperties(overrides);
        PahoConfiguration[] seen = new PahoConfiguration[1];
        Exception[] failed = new Exception[1];
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport support) {
                CamelContext context = support.getCamelContext();
                try {
                    MqttSettings.configure(context, new Settings(context), "edgeai/nodes/edge0/online");
                    seen[0] = context.getComponent("paho", PahoComponent.class).getConfiguration();
                } catch (Exception e) {
                    failed[0] = e;
                }
            }
        });
        main.configure().setRoutesCollectorEnabled(false);
        main.start();
        main.stop();
        if (failed[0] != null) {
            throw failed[0];
        }
        return seen[0];
    }

    @Test
    void theShippedPropertiesConfigureTheComponentAndTheProtocolsNeedsAreSetOverThem() throws Exception {
        Properties overrides = new Properties();
        overrides.setProperty("edgeai.mqtt.url", "tcp://broker.example:1884");
        overrides.setProperty("camel.component.paho.keep-alive-interval", "7");
        overrides.setProperty("camel.component.paho.qos", "0"); // the protocol needs QoS 1: not a tunable
        PahoConfiguration config = configured(overrides);

        assertThat(config.getBrokerUrl()).as("camel.component.paho.broker-url = {{edgeai.mqtt.url}}").isEqualTo("tcp://broker.example:1884");
        assertThat(config.getKeepAliveInterval()).isEqualTo(7);
        assertThat(config.getMaxInflight()).as("application.properties").isEqualTo(100);
        assertThat(config.getConnectionTimeout()).as("application.properties").isEqualTo(10);
        assertThat(config.getMaxReconnectDelay()).as("application.properties").isEqualTo(2000);
        assertThat(config.getQos()).isEqualTo(1);
        assertThat(config.getMqttVersion()).isEqualTo(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
        assertThat(config.isCleanSession()).isTrue();
        assertThat(config.getWillTopic()).as("only the publisher carries the will (RoutesAsShippedTest)").isNull();
    }

    @Test
    void aFormerNameOfAConnectionSettingIsAConfigurationErrorNamingTheNewOne() {
        Properties overrides = new Properties();
        overrides.setProperty("edgeai.mqtt.keep-alive-s", "7");
        assertThatThrownBy(() -> configured(overrides)).isInstanceOf(ConfigurationError.class)
            .hasMessage("edgeai.mqtt.keep-alive-s is now camel.component.paho.keep-alive-interval (application.properties)");
    }
}
