package io.edgeai.sync.counting;

import java.util.Locale;
import java.util.Optional;

/** The file formats whose samples we can count. A directory dataset counts files whatever its format. */
public enum Format {
    /** One sample per non-empty line. */
    TXT(false),
    /** One JSON document per non-empty line; counted like txt, documents are not parsed. */
    JSONL(false),
    /** One sample per record, the first (header) record excluded. */
    CSV(true);

    private final boolean csv;

    Format(boolean csv) {
        this.csv = csv;
    }

    public static Optional<Format> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "txt", "text" -> Optional.of(TXT);
            case "jsonl", "ndjson" -> Optional.of(JSONL);
            case "csv" -> Optional.of(CSV);
            default -> Optional.empty();
        };
    }

    public Scanner scanner() {
        return csv ? new CsvScanner() : new LineScanner();
    }

    /** Whether a file may be cut at any line feed and its pieces counted apart (not so inside CSV quotes). */
    boolean splittableAtLineFeeds() {
        return !csv;
    }

    public long samples(ScanState state) {
        return csv ? Math.max(0, state.records() - 1) : state.records();
    }
}
