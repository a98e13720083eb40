package io.edgeai.sync.counting;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Generators of awkward but realistic index and CSV contents. */
final class RandomFiles {
    private static final String[] PIECES = {"images/train/img_", "ünïcødé/数据/", "x", " ", "\t", ",", "{\"k\":1}", "\r", "ok"};

    private RandomFiles() {
    }

    /** Lines of random length (now and then up to {@code maxLine}), blank lines, CR/LF mixes, UTF-8. */
    static byte[] lines(Random random, int lines, int maxLine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines; i++) {
            switch (random.nextInt(10)) {
                case 0 -> { } // blank line
                case 1 -> out.writeBytes("\r".repeat(1 + random.nextInt(3)).getBytes(StandardCharsets.UTF_8));
                case 2 -> out.writeBytes(randomBytes(random, random.nextInt(maxLine + 1)));
                default -> out.writeBytes(line(random));
            }
            if (random.nextInt(4) == 0) {
                out.write('\r');
            }
            out.write('\n');
        }
        if (random.nextBoolean()) {
            out.writeBytes(line(random)); // last line without a newline
        }
        return out.toByteArray();
    }

    private static byte[] line(Random random) {
        StringBuilder line = new StringBuilder();
        int pieces = random.nextInt(6);
        for (int p = 0; p < pieces; p++) {
            line.append(PIECES[random.nextInt(PIECES.length)]).append(random.nextInt(100000));
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Any bytes but LF, so that a long line stays one line. */
    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n') {
                bytes[i] = 'L';
            }
        }
        return bytes;
    }

    /** Well-formed CSV: quoted fields with commas, CR/LF, line feeds and escaped quotes; blank lines. */
    static byte[] csv(Random random, int records) {
        StringBuilder out = new StringBuilder("path,label,note\n");
        for (int r = 0; r < records; r++) {
            if (random.nextInt(12) == 0) {
                out.append(random.nextBoolean() ? "\n" : "\r\n");
                continue;
            }
            int fields = 1 + random.nextInt(4);
            for (int f = 0; f < fields; f++) {
                if (f > 0) {
                    out.append(',');
                }
                switch (random.nextInt(5)) {
                    case 0 -> out.append("\"multi\nline ").append(random.nextInt(99)).append("\r\nfield\"");
                    case 1 -> out.append("\"say \"\"hi\"\", ok\"");
                    case 2 -> out.append("\"\"");
                    case 3 -> out.append("img_").append(random.nextInt(1_000_000)).append(".jpg");
                    default -> out.append(random.nextInt(10));
                }
            }
            out.append(random.nextInt(3) == 0 ? "\r\n" : "\n");
        }
        if (random.nextBoolean()) {
            out.append("last,\"no\nnewline\"");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
