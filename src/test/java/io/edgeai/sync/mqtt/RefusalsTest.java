package io.edgeai.sync.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalsTest {
    @Test
    void aFloodIsLoggedAtABoundedRateAndCounted() {
        AtomicLong now = new AtomicLong();
        Refusals refusals = new Refusals(3, now::get);
        int logged = 0;
        for (int i = 0; i < 1000; i++) {
            logged += refusals.refused("test", "bad " + i) ? 1 : 0;
        }
        assertThat(logged).isEqualTo(3);
        assertThat(refusals.unlogged()).isEqualTo(997);

        now.addAndGet(61_000_000_000L);
        assertThat(refusals.refused("test", "later")).as("a new minute").isTrue();
        assertThat(refusals.unlogged()).as("the count was said with it").isZero();
    }
}
