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

    @Test
    void aDatasetTheStoreSaysChangedIsPolledAtTheNextTickThenOncePerPeriodAgain() {
        polls.schedule("ns/d");
        polls.due(); // its first poll may fall at once
        assertThat(polls.due()).isEmpty();

        assertThat(polls.pollSoon("ns/d")).isTrue();
        assertThat(polls.pollSoon("ns/d")).as("a flood of notifications is one poll").isTrue();
        assertThat(polls.due()).containsExactly("ns/d");
        assertThat(polls.due()).as("polled once, not once per notification").isEmpty();
        now.addAndGet(4_999_000_000L);
        assertThat(polls.due()).isEmpty();
        now.addAndGet(1_000_000L);
        assertThat(polls.due()).as("a period after the notified poll").containsExactly("ns/d");

        assertThat(polls.pollSoon("ns/not-remote")).as("a dataset not polled here is left alone").isFalse();
        assertThat(polls.size()).isEqualTo(1);
    }

    @Test
    void aNotificationMakesDueExactlyTheDatasetsItsObjectsFallIn() {
        java.util.Map<String, String> urls = java.util.Map.of("ns/object", "s3://training/sets/index.txt", "ns/prefix", "s3://training/images/",
            "ns/bucket", "s3://other", "ns/elsewhere", "s3://training/labels/");
        urls.keySet().forEach(polls::schedule); // each due at its own moment in the coming period

        assertThat(polls.pollSoon(urls, java.util.List.of("s3://training/images/day1/7.jpg", "s3://other/x", "s3://training/sets/index.txt")))
            .isEqualTo(3);
        assertThat(polls.due()).containsExactlyInAnyOrder("ns/object", "ns/prefix", "ns/bucket");
        assertThat(polls.pollSoon(urls, java.util.List.of("s3://training/labelsX/1.txt"))).isZero();
        assertThat(polls.due()).isEmpty();
    }

    @Test
    void aStreamOfNotificationsCostsAtMostOnePollASecond() {
        polls.schedule("ns/prefix"); // a prefix a camera writes into: each poll lists all of it
        int polled = 0;
        for (int tick = 0; tick < 40; tick++) { // 10 s of ticks of 250 ms, a notification before each
            polls.pollSoon("ns/prefix");
            polled += polls.due().size();
            now.addAndGet(250_000_000L);
        }
        assertThat(polled).isEqualTo(10);
    }
}
