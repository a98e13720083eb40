package io.edgeai.sync.counting;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Deliberately naive counters, written from the definitions rather than from the scanners: split into
 * lines and look at each; parse CSV field by field. The engine must agree with them on every input.
 */
final class ReferenceCounter {
    private ReferenceCounter() {
    }

    static long nonEmptyLines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        long count = 0;
        for (String line : text.split("\n", -1)) {
            if (!line.replace("\r", "").isEmpty()) {
                count++;
            }
        }
        return count;
    }

    /** Records of well-formed RFC 4180 CSV, parsed field by field, blank lines skipped, header excluded. */
    static long csvSamples(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Boolean> records = new ArrayList<>();
        int i = 0;
        boolean recordHasContent = false;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                recordHasContent = true;
                i++;
                while (i < text.length()) {
                    if (text.charAt(i) == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
            } else if (c == '\n') {
                records.add(recordHasContent);
                recordHasContent = false;
                i++;
            } else {
                if (c != '\r') {
                    recordHasContent = true;
                }
                i++;
            }
        }
        records.add(recordHasContent);
        long nonEmpty = records.stream().filter(r -> r).count();
        return Math.max(0, nonEmpty - 1);
    }
}
