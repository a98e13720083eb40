package io.edgeai.sync.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RemotePollsTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RemotePolls polls = new RemotePolls(5_000, now::get);

    @Test
    void eachDatasetIsPolledOncePerPeriodAndAThousandSpreadOverIt() {
        for (int i = 0; i < 1_000; i++) {
            polls.schedule("ns/d" + i);
        }
        int[] perSecond = new int[5];
        for (int ms = 0; ms < 5_000; ms += 250) {
            now.addAndGet(250_000_000L);
            perSecond[ms / 1_000] += polls.due().size();
        }
        assertThat(java.util.Arrays.stream(perSecond).sum()).as("each once in the period").isEqualTo(1_000);
        assertThat(java.util.Arrays.stream(perSecond).max().getAsInt()).as("no second takes more than a third of them").isLessThan(333);

        now.addAndGet(5_000_000_000L);
        assertThat(polls.due()).as("one period later, each once more").hasSize(1_000);
    }

    @Test
    void aNodeThatFellBehindPollsOnceNotOncePerMissedPeriod() {
        polls.schedule("ns/d");
        now.addAndGet(60_000_000_000L); // a minute asleep
        assertThat(polls.due()).containsExactly("ns/d");
        assertThat(polls.due()).isEmpty();
        polls.forget("ns/d");
        now.addAndGet(60_000_000_000L);
        assertThat(polls.due()).isEmpty();
    }
}
