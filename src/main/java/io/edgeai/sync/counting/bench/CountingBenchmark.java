package io.edgeai.sync.counting.bench;

/** Placeholder replaced by the benchmark (issue 3). */
public final class CountingBenchmark {
    private CountingBenchmark() {
    }

    public static void main(String[] args) {
        throw new UnsupportedOperationException("not yet");
    }
}
