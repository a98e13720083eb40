package io.edgeai.sync;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the logger prints (slf4j-simple writes to System.err), kept to read while it still reaches the
 * console; the console is given back on close.
 */
public final class CapturedConsole implements AutoCloseable {
    private final PrintStream console = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    public CapturedConsole() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                console.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                console.write(bytes, offset, length);
                synchronized (copy) {
                    copy.write(bytes, offset, length);
                }
            }
        }, true, StandardCharsets.UTF_8));
    }

    public String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    /** Lines printed so far that contain {@code what}. */
    public long linesWith(String what) {
        return text().lines().filter(line -> line.contains(what)).count();
    }

    @Override
    public void close() {
        System.setErr(console);
    }
}
