package io.edgeai.sync.counting;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Counts non-empty lines (txt, jsonl): a line is non-empty when it holds at least one byte other than
 * CR and LF. Whitespace-only lines therefore count; CRLF and a last line without a newline are
 * handled; there is no limit on line length. Eight bytes at a time, see {@link Tally#plainWord}.
 */
public final class LineScanner implements Scanner {

    @Override
    public ScanState scan(ByteBuffer buffer, ScanState from) {
        ByteBuffer in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        Tally tally = new Tally(from);
        int pos = in.position();
        int limit = in.limit();
        for (; pos + 8 <= limit; pos += 8) {
            tally.plainWord(in.getLong(pos));
        }
        for (; pos < limit; pos++) {
            tally.lineByte(in.get(pos));
        }
        return tally.state();
    }
}
