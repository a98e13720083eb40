package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void aBurstGoesAtOnceThenRequestsFollowTheRate() {
        AtomicLong now = new AtomicLong();
        RateLimiter limiter = new RateLimiter(100, 10, now::get);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.reserve()).as("request %d of the burst", i).isZero();
        }
        assertThat(limiter.reserve()).as("the 11th waits 1/100 s").isEqualTo(10_000_000L);
        now.addAndGet(10_000_000L);
        assertThat(limiter.reserve()).isZero();
        now.addAndGet(1_000_000_000L);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.reserve()).as("refilled up to the burst, no more").isZero();
        }
        assertThat(limiter.reserve()).isPositive();
    }

    @Test
    void noRateMeansNoLimit() {
        RateLimiter limiter = new RateLimiter(0, 1, () -> 0L);
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.reserve()).isZero();
        }
    }
}
