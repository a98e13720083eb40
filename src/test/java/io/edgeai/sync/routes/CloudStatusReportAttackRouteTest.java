package io.edgeai.sync.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.cloud.RetainedReader;
import io.edgeai.sync.cloud.StatusInbox;
import io.edgeai.sync.mqtt.Json;
import io.edgeai.sync.mqtt.Messages.ModelReport;
import io.edgeai.sync.mqtt.Outgoing;
import io.edgeai.sync.mqtt.Refusals;
import io.edgeai.sync.mqtt.Topics;
import io.edgeai.sync.resources.ModelMetric;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile payloads on the cloud's status path (status-upstream.yaml, status-reread.yaml) with the real
 * StatusInbox, and what mqtt-publish.yaml puts on the wire. One retry is configured so that a message
 * that reaches the generic (retrying) error handler is seen as a redelivery; production has 5, with
 * back-off (0.5+1+2+4+8 s on the MQTT client's thread).
 */
class CloudStatusReportAttackRouteTest extends RouteFileTest {
    private static final String DATASET = "edgeai/nodes/edge0/status/datasets/ns/d";
    private static final String MODEL = "edgeai/nodes/edge0/status/models/ns/m";
    private static final String COPY = "edgeai/nodes/edge0/status/model-copies/ns/m";

    private final Refusals inboxRefusals = new Refusals(1_000);
    private final StatusInbox inbox = new StatusInbox(new Topics("edgeai"), 100, 1 << 20, 2, 0, inboxRefusals);
    private final AtomicInteger redeliveries = new AtomicInteger();
    private final List<byte[]> wire = new CopyOnWriteArrayList<>();
    private final AtomicInteger brokerFailures = new AtomicInteger();
    private final List<RetainedReader.Retained> retained = new CopyOnWriteArrayList<>();

    @Override
    List<String> routeFiles() {
        return List.of("cloud/status-upstream.yaml", "cloud/status-reread.yaml", "common/mqtt-publish.yaml");
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        Properties properties = new Properties();
        properties.putAll(PROPERTIES);
        properties.put("edgeai.mqtt.publish-retries", "1");
        configuration.withUseOverridePropertiesWithPropertiesComponent(properties);
    }

    @Override
    void bindBeans(Registry registry) {
        registry.bind("statusInbox", inbox);
        registry.bind("statusWrites", new Object() {
            public void drain() {
            }
        });
        registry.bind("presenceStatuses", new Object() {
            public long now() {
                return 42;
            }

            public boolean reread(String topic, byte[] payload, long readSince) {
                return false;
            }
        });
        registry.bind("statusReread", new Object() {
            public List<RetainedReader.Retained> retained() {
                return List.copyOf(retained);
            }
        });
    }

    @BeforeEach
    void start() throws Exception {
        replaceFromsAndMock(List.of("status-upstream", "status-report", "status-held-release", "status-reread"), "seda:status-writes");
        advise("mqtt-publish", route -> route.weaveByToUri("paho:*").replace().process(exchange -> {
            wire.add(exchange.getMessage().getBody(byte[].class));
            if (brokerFailures.getAndDecrement() > 0) {
                throw new IllegalStateException("the broker did not answer (test)");
            }
        }));
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeRedeliveryEvent) {
                    redeliveries.incrementAndGet();
                }
            }
        });
        context.start();
    }

    private void report(String topic, byte[] payload) {
        template.sendBodyAndHeader("direct:status-upstream", payload, "CamelMqttTopic", topic);
    }

    /** Refusals by the shared error handling (JSON that does not parse) and by the inbox (topic, size, JSON null). */
    private long refusals() {
        return refused.size() + inboxRefusals.total();
    }

    /**
     * Bytes whose first four Jackson takes for UCS-4 in an order it does not support, or UTF-32 with a
     * code point above U+10FFFF: Jackson throws java.io.CharConversionException, an IOException that
     * is no JacksonException (Json.read used to turn every IOException into a RejectedMessage).
     */
    private static final List<byte[]> UNDECODABLE = List.of(new byte[] {0, '{', 0, 0}, new byte[] {0, 0, (byte) 0xFF, (byte) 0xFE},
        new byte[] {0, 0, 0, '{', 0, 0x11, 0, 0});

    @Test
    void aPayloadJacksonCannotDecodeIsRefusedAtOnceNotRetriedOnTheMqttThread() {
        UNDECODABLE.forEach(payload -> report(DATASET, payload));

        assertThat(redeliveries).as("redeliveries of a hostile 4-byte report (5 with back-off in production)").hasValue(0);
        assertThat(refused).as("each refused in one line by the error handling").hasSize(UNDECODABLE.size());
        assertThat(inbox.pending()).isZero();
    }

    @Test
    void theReReadRefusesSuchAPayloadAtOnceAndGoesOn() {
        retained.add(new RetainedReader.Retained("edgeai/nodes/edge0/status/datasets/ns/bad", UNDECODABLE.get(0)));
        retained.add(new RetainedReader.Retained(DATASET, "{\"observedGeneration\":1}".getBytes(StandardCharsets.UTF_8)));

        template.sendBody("direct:status-reread", null);

        assertThat(inbox.pending()).as("the good report after it still offered").isEqualTo(1);
        assertThat(redeliveries).as("redeliveries while the re-read waits").hasValue(0);
        assertThat(refused).hasSize(1);
    }

    /** What turned out fine: every other hostile shape is refused in one line, never retried, and nothing waits. */
    @Test
    void hostileJsonOnEveryKindIsRefusedInOneLineNeverRetried() {
        List<byte[]> everyKind = new ArrayList<>();
        for (String json : List.of("null", "[]", "[{}]", "\"x\"", "\"\"", " ", "{\"uid\":{}}", "{\"metrics\":{}}",
            "{\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}", "{\"metrics\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}",
            "{\"observedGeneration\":1" + "0".repeat(2_000) + "}")) {
            everyKind.add(json.getBytes(StandardCharsets.UTF_8));
        }
        everyKind.add(new byte[] {'{', '"', 'u', 'i', 'd', '"', ':', '"', (byte) 0xC3, '"', '}'}); // not UTF-8
        everyKind.add(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xFD});
        List<byte[]> numbered = List.of("{\"observedGeneration\":1e400,\"generation\":1e400}".getBytes(StandardCharsets.UTF_8),
            "{\"observedGeneration\":123456789012345678901234567890,\"generation\":123456789012345678901234567890}".getBytes(StandardCharsets.UTF_8));
        int sent = 0;
        for (String topic : List.of(DATASET, MODEL, COPY)) {
            for (byte[] payload : everyKind) {
                report(topic, payload);
                sent++;
            }
        }
        for (String topic : List.of(DATASET, COPY)) {
            for (byte[] payload : numbered) {
                report(topic, payload);
                sent++;
            }
        }
        report(DATASET, new byte[64 * 1024 + 1]);
        sent++;

        assertThat(redeliveries).hasValue(0);
        assertThat(refusals()).isEqualTo(sent);
        assertThat(inbox.pending()).isZero();
    }

    /** What turned out fine: a publish retried after a failure sends the same JSON bytes again, never an empty body. */
    @Test
    void aRetriedPublishSendsTheSameJsonAgain() {
        ModelReport report = new ModelReport("ns", "m", "u", List.of(new ModelMetric("acc", "0.9")), "2026-11-30T00:00:00Z");
        brokerFailures.set(1);

        template.sendBody("direct:mqtt-publish", Outgoing.json(MODEL, report));

        assertThat(wire).hasSize(2);
        assertThat(wire.get(1)).isNotEmpty().isEqualTo(wire.get(0)).isEqualTo(Json.bytes(report));
    }

    /**
     * What turned out fine: camel-jackson marshals with the mapper as configured
     * (combineUnicodeSurrogates is off by default), so the bytes on the wire are Json.bytes, as before,
     * even for a character outside the BMP or a lone surrogate.
     */
    @Test
    void theBytesOnTheWireAreThoseJsonBytesGaveBefore() {
        ModelReport report = new ModelReport("ns", "m", "u", List.of(new ModelMetric("emoji", "cat \uD83D\uDE00"),
            new ModelMetric("lone", "x\uD83Dy")), "2026-11-30T00:00:00Z");
        Outgoing out = Outgoing.json(MODEL, report);

        template.sendBody("direct:mqtt-publish", out);

        assertThat(wire.get(0)).isEqualTo(Json.bytes(report)).isEqualTo(out.payload());
    }

    /** A refusal is one log line: a value the node chose, quoted in Jackson's reason, cannot start lines of its own. */
    @Test
    void aRefusalIsOneLineWhateverTheReportCarries() {
        report(DATASET, "{\"observedGeneration\":\"1\\n2026-11-30T16:00:00Z [main] INFO forged - all is well\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(refused).hasSize(1);
        assertThat(refused.get(0)).doesNotContain("\n", "\r");
    }
}
