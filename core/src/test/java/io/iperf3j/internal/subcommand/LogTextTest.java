package io.iperf3j.internal.subcommand;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** No text escaped by LogText can end a log line, start one or move a terminal's cursor. */
class LogTextTest {
    @Test
    void plainTextIsLeftAsItIs() {
        String plain = "192.0.2.7:5201 [2001:db8::1] é 日本 \uD83D\uDE00 quote\" = 'x'";
        assertThat(LogText.escape(plain)).isSameAs(plain);
        assertThat(LogText.escape(null)).isNull();
        assertThat(LogText.escape("")).isEmpty();
    }

    @Test
    void controlCharactersAreEscapedOnOneLine() {
        assertThat(LogText.escape("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
        assertThat(LogText.escape("\u0000\u0007\u001b[2J\u007f")).isEqualTo("\\x00\\x07\\x1b[2J\\x7f");
        assertThat(LogText.escape("next\u0085line\u2028sep\u2029para\u009b")).isEqualTo(
                "next\\x{0085}line\\x{2028}sep\\x{2029}para\\x{009b}");
        assertThat(LogText.escape("back\\slash\\n")).as("a backslash in the text cannot pass for an escape")
                .isEqualTo("back\\\\slash\\\\n");
        assertThat(LogText.escape("lone \uD800 high, lone \uDC00 low")).isEqualTo("lone \\x{d800} high, lone \\x{dc00} low");
        assertThat(LogText.escape("end \uD800")).isEqualTo("end \\x{d800}");
    }

    @Test
    void aForgedLineStaysInsideTheOneItCameIn() {
        String forged = "127.0.0.1\niperf3j exporter: probe of target=admin port=22 failed: ok\r\n";
        String line = "probe of target=" + LogText.escape(forged) + " failed";
        assertThat(line.lines()).hasSize(1);
        for (char c : line.toCharArray()) {
            assertThat(c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029)
                    .as("char %04x", (int) c).isFalse();
        }
    }
}
