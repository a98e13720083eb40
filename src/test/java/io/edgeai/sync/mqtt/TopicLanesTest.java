package io.edgeai.sync.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TopicLanesTest {
    @Test
    void eachTopicKeepsItsOrderWhileLanesPublishAtOnce() throws Exception {
        Map<String, List<Integer>> received = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        try (TopicLanes<Outgoing> lanes = new TopicLanes<>("test", 8, 100, Outgoing::topic, message -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // a broker's acknowledgement
            received.computeIfAbsent(message.topic(), t -> new CopyOnWriteArrayList<>())
                .add(Integer.parseInt(new String(message.payload(), StandardCharsets.UTF_8)));
            inFlight.decrementAndGet();
        })) {
            for (int i = 0; i < 2000; i++) {
                lanes.handOff(new Outgoing("t/" + (i % 50), String.valueOf(i).getBytes(StandardCharsets.UTF_8)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> received.values().stream().mapToInt(List::size).sum() == 2000);
        }
        for (Map.Entry<String, List<Integer>> topic : received.entrySet()) {
            List<Integer> sorted = new ArrayList<>(topic.getValue());
            sorted.sort(null);
            assertThat(topic.getValue()).as(topic.getKey()).isEqualTo(sorted).hasSize(40);
        }
        assertThat(mostInFlight.get()).as("lanes publish at once").isGreaterThan(1);
    }
}
