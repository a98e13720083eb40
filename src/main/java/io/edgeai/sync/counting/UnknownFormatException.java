package io.edgeai.sync.counting;

/** The dataset names a file format we cannot count; reported upstream, never guessed at. */
public final class UnknownFormatException extends Exception {
    public UnknownFormatException(String format) {
        super((format == null || format.isBlank() ? "spec.format is missing" : "unknown dataset format '" + format + "'")
            + " (known: txt, jsonl, csv; a directory counts its files)");
    }
}
