package io.edgeai.sync.counting;

/**
 * Where a scan of a byte stream stands: what it has counted and what it needs to carry into the next
 * byte. Immutable, so a checkpoint of it can be kept beside a file and resumed after an append.
 *
 * @param terminated     records already closed by a line feed that had content
 * @param openHasContent the record after the last line feed holds a byte other than CR/LF (or a quote)
 * @param inQuotes       CSV only: the scan stands inside a quoted field, where line feeds do not end records
 */
public record ScanState(long terminated, boolean openHasContent, boolean inQuotes) {

    public static final ScanState START = new ScanState(0, false, false);

    /** Records counted if the stream ended here: an unterminated last record counts too. */
    public long records() {
        return terminated + (openHasContent ? 1 : 0);
    }
}
