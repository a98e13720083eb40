package io.edgeai.sync.counting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScannerTest {

    private static long txt(String text) {
        return Format.TXT.samples(new LineScanner().scan(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), ScanState.START));
    }

    private static long csv(String text) {
        return Format.CSV.samples(new CsvScanner().scan(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), ScanState.START));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiterString = "|", value = {
        "''|0",
        "'\n\n\n'|0",
        "'\r\n\r\n'|0",
        "'\r\r\r\n'|0",
        "a|1",
        "'a\n'|1",
        "'a\nb'|2",
        "'a\r\nb\r\n'|2",
        "'a\n\nb\n\n'|2",
        "' \n'|1",
        "'\t\n'|1",
        "'\ra\n'|1",
        "'a\rb\n'|1",
        "'\n\r\n\rx\r\n\r\r\n'|1",
        "'12345678\n12345678\n1234567\n'|3",
        "'\n\n\n\n\n\n\n\nabcdefgh\n\n\n\n\n\n\n\n'|1",
        "'abcdefghabcdefghabcdefgh'|1",
        "'\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\ra\n'|1",
    })
    void countsNonEmptyLines(String text, long expected) {
        assertThat(txt(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiterString = "|", value = {
        "''|0",
        "'h\n'|0",
        "'h\na\n'|1",
        "'h\na'|1",
        "'h\r\na\r\nb\r\n'|2",
        "'h\n\"multi\nline\",1\nb\n'|2",
        "'h\n\"say \"\"hi\"\"\nthere\",1\n'|1",
        "'h\n\n\nx\n\n'|1",
        "'h\n\"\"\n'|1",
        "'h\n\"unterminated\n\n\n'|1",
        "'h\n\"12345678\n12345678\n12345678\"\nnext,1\n'|2",
    })
    void countsCsvRecordsWithoutHeader(String text, long expected) {
        assertThat(csv(text)).isEqualTo(expected);
    }

    @Test
    void aLineLongerThan64KiBIsOneSample() {
        String longLine = "x".repeat(3 * 1024 * 1024);
        assertThat(txt("a\n" + longLine + "\nb")).isEqualTo(3);
    }

    @Test
    void agreesWithTheReferenceOnRandomLinesFedInRandomPieces() {
        Random random = new Random(20261128);
        for (int round = 0; round < 300; round++) {
            byte[] bytes = RandomFiles.lines(random, random.nextInt(200), round % 50 == 0 ? 1 << 20 : 300);
            long expected = ReferenceCounter.nonEmptyLines(bytes);
            assertThat(Format.TXT.samples(scanInPieces(new LineScanner(), bytes, random)))
                .as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void agreesWithTheReferenceOnRandomCsvFedInRandomPieces() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            byte[] bytes = RandomFiles.csv(random, random.nextInt(200));
            long expected = ReferenceCounter.csvSamples(bytes);
            assertThat(Format.CSV.samples(scanInPieces(new CsvScanner(), bytes, random)))
                .as("round %d", round).isEqualTo(expected);
        }
    }

    /** Pieces cut anywhere, also inside a CRLF, a quote pair or an eight-byte word. */
    private static ScanState scanInPieces(Scanner scanner, byte[] bytes, Random random) {
        ScanState state = ScanState.START;
        int at = 0;
        while (at < bytes.length) {
            int piece = 1 + random.nextInt(Math.min(bytes.length - at, random.nextBoolean() ? 17 : 70_000));
            state = scanner.scan(ByteBuffer.wrap(bytes, at, piece), state);
            at += piece;
        }
        return state;
    }
}
