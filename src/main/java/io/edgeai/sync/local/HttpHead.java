package io.edgeai.sync.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 request head as the small servers of local mode and the benchmarks read it off a
 * socket: its lines, the request line's method and target (null unless it has the three parts),
 * and the headers by lower-case name.
 */
record HttpHead(List<String> lines, String method, String target, Map<String, String> headers) {
    /** A head longer than the reader allows. */
    static final class TooLarge extends IOException {
        TooLarge(int maxBytes) {
            super("request head longer than " + maxBytes + " bytes");
        }
    }

    /**
     * Reads up to the blank line that ends the head, byte by byte, so that a body stays in the
     * stream for the caller; null if the stream ends first.
     */
    static HttpHead read(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int next = in.read();
            if (next < 0) {
                return null;
            }
            head.write(next);
            matched = next == "\r\n\r\n".charAt(matched) ? matched + 1 : next == '\r' ? 1 : 0;
            if (head.size() > maxBytes) {
                throw new TooLarge(maxBytes);
            }
        }
        List<String> lines = List.of(head.toString(java.nio.charset.StandardCharsets.ISO_8859_1).split("\r\n"));
        String[] request = lines.get(0).split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        boolean wellFormed = request.length == 3;
        return new HttpHead(lines, wellFormed ? request[0] : null, wellFormed ? request[1] : null, headers);
    }
}
