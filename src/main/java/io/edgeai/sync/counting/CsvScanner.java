package io.edgeai.sync.counting;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Counts CSV records (RFC 4180): a line feed inside a quoted field does not end a record, an escaped
 * quote ({@code ""}) toggles the quote state twice and so changes nothing, blank lines outside quotes
 * are not records. The header is taken off by {@link Format#samples(ScanState)}.
 *
 * <p>Words without a quote take the eight-bytes-at-a-time path of plain lines (or are skipped whole
 * inside a quoted field); words with a quote are walked byte by byte.
 */
public final class CsvScanner implements Scanner {

    @Override
    public ScanState scan(ByteBuffer buffer, ScanState from) {
        ByteBuffer in = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        Tally tally = new Tally(from);
        int pos = in.position();
        int limit = in.limit();
        for (; pos + 8 <= limit; pos += 8) {
            long word = in.getLong(pos);
            if (Swar.equalBytes(word, Swar.QUOTE) != 0) {
                for (int i = pos; i < pos + 8; i++) {
                    tally.csvByte(in.get(i));
                }
            } else if (!tally.quoted) {
                tally.plainWord(word);
            }
            // else: inside a quoted field the record already has content and no line feed ends it
        }
        for (; pos < limit; pos++) {
            tally.csvByte(in.get(pos));
        }
        return tally.state();
    }
}
