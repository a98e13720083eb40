package io.edgeai.sync.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgeai.sync.resources.Dataset;
import io.edgeai.sync.resources.DatasetStatus;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WrittenStatusesTest {
    private final AtomicLong nanos = new AtomicLong();
    private final WrittenStatuses written = new WrittenStatuses(nanos::get);

    private static StatusUpstream.StatusPatch patch(String name, long samples) {
        return new StatusUpstream.StatusPatch(Dataset.class, "ns", name, Map.of("status", Map.of("numberOfSamples", samples)));
    }

    private static Dataset cached(String name, String resourceVersion, long samples) {
        Dataset dataset = DatasetDownstreamTest.dataset(name, "edge0", 1, "uid-" + name);
        dataset.getMetadata().setResourceVersion(resourceVersion);
        DatasetStatus status = new DatasetStatus();
        status.setNumberOfSamples(samples);
        dataset.setStatus(status);
        return dataset;
    }

    @Test
    void aWriteIsTrustedOverTheCacheUntilTheCacheShowsIt() {
        written.wrote(patch("d", 11), "5", cached("d", "4", 10));

        Dataset lagging = cached("d", "4", 10);
        written.cached(lagging);
        assertThat(written.current(lagging, lagging.getStatus(), DatasetStatus.class).getNumberOfSamples()).isEqualTo(11);
        assertThat(written.size()).isEqualTo(1);

        Dataset caughtUp = cached("d", "5", 11);
        written.cached(caughtUp);
        assertThat(written.size()).isZero();
        assertThat(written.current(caughtUp, caughtUp.getStatus(), DatasetStatus.class)).isSameAs(caughtUp.getStatus());
    }

    @Test
    void writesTheCacheNeverShowsAreForgottenOnceNoLongerTrusted() {
        for (int i = 0; i < 1000; i++) {
            written.wrote(patch("d" + i, i), "rv-" + i, null); // never seen in the cache: changed again by someone else, or deleted
        }
        assertThat(written.size()).isEqualTo(1000);

        nanos.addAndGet(WrittenStatuses.TRUST_NANOS + 2_000_000_000L);
        written.wrote(patch("later", 1), "rv-later", null);

        assertThat(written.size()).as("only the write still trusted is kept").isEqualTo(1);
    }

    @Test
    void aWriteTheCacheAlreadyShowsIsNotRemembered() {
        Dataset showing = cached("d", "5", 11); // the watch event came before the write's answer

        written.wrote(patch("d", 11), "5", showing);

        assertThat(written.size()).isZero();
        assertThat(written.current(showing, showing.getStatus(), DatasetStatus.class)).isSameAs(showing.getStatus());
    }

    @Test
    void aWriteTheCacheAlreadyShowsSupersedesTheOneBefore() {
        written.wrote(patch("d", 11), "5", cached("d", "4", 10));
        Dataset showing = cached("d", "6", 10); // the next write, 10, came back in the watch before its answer

        written.wrote(patch("d", 10), "6", showing);

        assertThat(written.size()).isZero();
        assertThat(written.current(showing, showing.getStatus(), DatasetStatus.class).getNumberOfSamples()).isEqualTo(10);
    }

    @Test
    void theLastWritesAreForgottenAsTheCacheMovesOnWhenNoMoreWritesCome() {
        for (int i = 0; i < 100; i++) {
            written.wrote(patch("d" + i, i), "rv-" + i, null);
        }
        nanos.addAndGet(WrittenStatuses.TRUST_NANOS + 2_000_000_000L);

        written.cached(cached("other", "9", 1)); // an event of the watch, for another object

        assertThat(written.size()).isZero();
    }
}
