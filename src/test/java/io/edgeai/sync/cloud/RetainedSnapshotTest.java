package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.mqtt.Outgoing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RetainedSnapshotTest {
    private static RetainedReader.Retained retained(String topic, String json) {
        return new RetainedReader.Retained(topic, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aReplicaThatTakesOverLateReadsTheBrokerAgainBeforeItStamps() {
        AtomicReference<List<RetainedReader.Retained>> broker = new AtomicReference<>(
            List.of(retained("t/a", "{\"name\":\"a\",\"issuedAt\":100}")));
        List<Long> observed = new CopyOnWriteArrayList<>();
        RetainedSnapshot snapshot = new RetainedSnapshot(broker::get, stamp -> observed.add(stamp)).start();
        snapshot.await();
        assertThat(observed).containsExactly(100L);

        // meanwhile the old leader changed a and stamped it later, by a clock ahead of this one
        broker.set(List.of(retained("t/a", "{\"name\":\"a2\",\"issuedAt\":900}")));
        snapshot.refreshIfOlderThan(Duration.ofHours(1));
        snapshot.await();
        assertThat(observed).as("a recent read is kept").containsExactly(100L);

        snapshot.refreshIfOlderThan(Duration.ZERO);
        snapshot.await();
        assertThat(observed).as("stamps after the takeover come after the old leader's").containsExactly(100L, 900L);
        assertThat(snapshot.holds(new Outgoing("t/a", "{\"name\":\"a2\",\"issuedAt\":1000}".getBytes(StandardCharsets.UTF_8))))
            .as("judged against what the broker holds now").isTrue();
    }
}
