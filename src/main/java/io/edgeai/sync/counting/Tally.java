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
     * Steps over eight bytes that hold no quote, outside quotes. Three cases, cheapest first:
     * no line feed (only the open flag can change, and only while it is false); line feeds but no CR
     * (every other byte is content, so a line feed ends a non-empty line exactly when the byte before
     * it is not a line feed: one popcount); and the general case, where a line feed ends a non-empty
     * line when the nearest byte before it that is a line feed or content is content (CRs are neither,
     * so any run of them is skipped).
     */
    void plainWord(long word) {
        long lf = Swar.equalBytes(word, Swar.LF);
        if (lf == 0) {
            if (!open) {
                open = (~Swar.equalBytes(word, Swar.CR) & Swar.HIGH_BITS) != 0;
            }
            return;
        }
        long cr = Swar.equalBytes(word, Swar.CR);
        if (cr == 0) {
            long afterEmpty = (lf << 8) | (open ? 0 : 0x80L);
            terminated += Long.bitCount(lf & ~afterEmpty);
            open = lf >= 0; // the last byte is content unless it is a line feed (bit 63)
            return;
        }
        long content = ~(lf | cr) & Swar.HIGH_BITS;
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
