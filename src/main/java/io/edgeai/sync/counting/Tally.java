package io.edgeai.sync.counting;

/**
 * The running count of a scan, stepped a word or a byte at a time. Mutable and short-lived: a scanner
 * makes one per call and returns an immutable {@link ScanState} at the end.
 */
final class Tally {
    long terminated;
    boolean open;
    boolean quoted;

    Tally(ScanState from) {
        terminated = from.terminated();
        open = from.openHasContent();
        quoted = from.inQuotes();
    }

    /**
     * Steps over eight bytes that hold no quote, outside quotes. A line feed ends a non-empty line when
     * the nearest byte before it that is a line feed or content is content: CRs are neither, so any run
     * of them between content and the line feed is skipped.
     */
    void plainWord(long word) {
        long lf = Swar.equalBytes(word, Swar.LF);
        long content = ~(lf | Swar.equalBytes(word, Swar.CR)) & Swar.HIGH_BITS;
        if (lf == 0) {
            open |= content != 0;
            return;
        }
        long marks = lf | content;
        for (long pending = lf; pending != 0; pending &= pending - 1) {
            long bit = pending & -pending;
            long before = marks & (bit - 1);
            if (before == 0 ? open : (Long.highestOneBit(before) & content) != 0) {
                terminated++;
            }
        }
        open = (Long.highestOneBit(marks) & content) != 0;
    }

    /** Steps over one byte of a plain line file. */
    void lineByte(byte b) {
        if (b == '\n') {
            if (open) {
                terminated++;
            }
            open = false;
        } else if (b != '\r') {
            open = true;
        }
    }

    /** Steps over one byte of a CSV file: quotes toggle, line feeds inside quotes are field content. */
    void csvByte(byte b) {
        if (b == '"') {
            quoted = !quoted;
            open = true;
        } else if (b != '\n' || !quoted) {
            lineByte(b);
        }
    }

    ScanState state() {
        return new ScanState(terminated, open, quoted);
    }
}
