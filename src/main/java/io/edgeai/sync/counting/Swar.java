package io.edgeai.sync.counting;

/**
 * Byte-parallel tests on a 64-bit word ("SIMD within a register"). Each mask has bit 7 of a byte set
 * exactly where that byte equals the one asked for; no false positives, unlike the cheaper
 * has-zero-byte trick, because the counters use the masks bit by bit.
 */
final class Swar {
    static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LOW_SEVEN = 0x7F7F7F7F7F7F7F7FL;
    private static final long ONES = 0x0101010101010101L;

    static final long LF = ONES * '\n';
    static final long CR = ONES * '\r';
    static final long QUOTE = ONES * '"';

    private Swar() {
    }

    /** Bit 7 of each byte of {@code word} that equals the byte repeated in {@code pattern}. */
    static long equalBytes(long word, long pattern) {
        long x = word ^ pattern;
        return ~(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN);
    }
}
