package io.iperf3j.internal.output;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A held block of lines is written from its buffer ({@link OutputSink#out(StringBuilder)}, issue 58): the
 * bytes are the ones {@link OutputSink#out(String)} writes, in the stream's charset, with what it cannot
 * map replaced as the stream's own writer does, whatever the block's size.
 */
class OutputSinkTest {

    @Test
    void aBlockFromItsBufferWritesTheBytesItsStringWould() {
        String block = "[  5]   0.00-1.00   sec  3.16 GBytes  27.2 Gbits/sec    0   1.50 MBytes       \n"
                + "Grüße 测试 \uD83D\uDE80:  [SUM] line\n" + "x".repeat(70_000) + "\n";
        for (Charset cs : new Charset[] {StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1, StandardCharsets.US_ASCII}) {
            assertThat(written(cs, block, true)).as("%s", cs).isEqualTo(written(cs, block, false));
        }
    }

    @Test
    void theBuffersServeTheNextBlockAndALongBlockDoesNotKeepThem() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputSink sink = OutputSink.of(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        StringBuilder b = new StringBuilder();
        sink.out(b.append("one\n"));
        sink.out(b.append("x".repeat(100_000)).append('\n'));
        b.setLength(0);
        sink.out(b.append("three\n"));
        sink.out("four\n");
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("one\n" + "one\n" + "x".repeat(100_000) + "\n" + "three\n" + "four\n");
    }

    private static byte[] written(Charset cs, String text, boolean fromBuffer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputSink sink = OutputSink.of(new PrintStream(bytes, true, cs), new PrintStream(new ByteArrayOutputStream()), false);
        if (fromBuffer) {
            sink.out(new StringBuilder(text));
        } else {
            sink.out(text);
        }
        sink.flush();
        return bytes.toByteArray();
    }
}
