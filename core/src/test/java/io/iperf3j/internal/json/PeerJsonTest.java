package io.iperf3j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PeerJsonTest {

    private static final String TOKENS = "{}[]\":,\\ntrufals0-1e.9 ";

    private static JsonObject parse(String s) throws MalformedJsonException {
        return PeerJson.parseObject(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertMalformed(String s, String messagePart) {
        assertMalformed(s.getBytes(StandardCharsets.UTF_8), messagePart);
    }

    private static void assertMalformed(byte[] b, String messagePart) {
        assertThatThrownBy(() -> PeerJson.parseObject(b)).isInstanceOf(MalformedJsonException.class)
                .hasMessageContaining(messagePart);
    }

    @Test
    void keepsOrderDuplicatesAndTypes() throws Exception {
        JsonObject o = parse(" {\"b\":1,\"a\":[true,false,null,\"s\",{}],\"b\":2.5,\"o\":{\"x\":\"\\u00e9\\/\\n\"}} \n");
        assertThat(o.keys()).containsExactly("b", "a", "b", "o");
        assertThat(o.get("b")).isEqualTo(1L);
        assertThat(o.entries().get(2).getValue()).isEqualTo(2.5);
        assertThat(o.getArray("a")).containsExactly(true, false, null, "s", new JsonObject());
        assertThat(o.getObject("o").getString("x")).isEqualTo("é/\n");
    }

    @Test
    void numberMapping() throws Exception {
        JsonObject o = parse("{\"zero\":0,\"neg\":-5,\"max\":9223372036854775807,\"min\":-9223372036854775808,"
                + "\"u1\":18446744073709551615,\"u63\":9223372036854775808,\"u64\":18446744073709551616,"
                + "\"negbig\":-9223372036854775809,\"frac\":0.5,\"exp\":1e3,\"negzero\":-0.0,\"intzero\":-0,"
                + "\"huge\":1e400,\"tiny\":1e-400,\"float\":0.94906997680664062}");
        assertThat(o.get("zero")).isEqualTo(0L);
        assertThat(o.get("neg")).isEqualTo(-5L);
        assertThat(o.get("max")).isEqualTo(Long.MAX_VALUE);
        assertThat(o.get("min")).isEqualTo(Long.MIN_VALUE);
        assertThat(o.get("u1")).isEqualTo(-1L);
        assertThat(o.get("u63")).isEqualTo(Long.MIN_VALUE);
        assertThat(o.get("u64")).isEqualTo(1.8446744073709552E19);
        assertThat(o.get("negbig")).isEqualTo(-9.223372036854775809E18);
        assertThat(o.get("frac")).isEqualTo(0.5);
        assertThat(o.get("exp")).isEqualTo(1000.0);
        assertThat(o.get("negzero")).isEqualTo(-0.0);
        assertThat(o.get("intzero")).isEqualTo(0L);
        assertThat(o.get("huge")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(o.get("tiny")).isEqualTo(0.0);
        assertThat(o.get("float")).isEqualTo((double) 0.94906998f);
    }

    @Test
    void parsesASliceOfABuffer() throws Exception {
        byte[] buf = "xxxx{\"a\":1}yyyy".getBytes(StandardCharsets.US_ASCII);
        JsonObject o = PeerJson.parseObject(buf, 4, 7, PeerJson.Limits.DEFAULT);
        assertThat(o).isEqualTo(new JsonObject().put("a", 1L));
        assertThatThrownBy(() -> PeerJson.parseObject(buf, 4, 8, PeerJson.Limits.DEFAULT))
                .isInstanceOf(MalformedJsonException.class);
        byte[] garbage = "xxxx{}x".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> PeerJson.parseObject(garbage, 4, 3, PeerJson.Limits.DEFAULT))
                .hasMessage("invalid JSON at byte 2: data after the top-level object");
        assertThatThrownBy(() -> PeerJson.parseObject(buf, 10, 10, PeerJson.Limits.DEFAULT))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void rejectsWhatIsNotOneObject() {
        assertMalformed("", "empty input");
        assertMalformed("   ", "empty input");
        assertMalformed("[1,2]", "JSON is not an object");
        assertMalformed("\"s\"", "JSON is not an object");
        assertMalformed("42", "JSON is not an object");
        assertMalformed("{} {}", "data after the top-level object");
        assertMalformed("{}x", "invalid JSON at byte 2: data after the top-level object");
        assertMalformed("x", "invalid JSON at byte 0: unexpected 'x'");
        assertMalformed("{\"a\":tru}", "invalid JSON at byte 5: unexpected 't'");
        assertMalformed("{\"a\" 1}", "invalid JSON at byte 5: expected ':', found '1'");
        assertMalformed("{\"a\":1 \"b\":2}", "invalid JSON at byte 7: expected ',' or '}', found '\"'");
        assertMalformed("{\"a\":[1 2]}", "invalid JSON at byte 8: expected ',' or ']', found '2'");
        assertMalformed("{\"a\":-}", "invalid JSON at byte 6: expected a digit in a number, found '}'");
        assertMalformed("{\"a\":1.}", "invalid JSON at byte 7: expected a digit after the decimal point in a number");
        assertMalformed("{\"a\":1e+}", "invalid JSON at byte 8: expected a digit in the exponent in a number");
        assertMalformed("{\"a\":\"\\x\"}", "invalid JSON at byte 7: an unknown escape \\'x'");
        assertMalformed("{\"a\":\"\\u12g4\"}", "invalid JSON at byte 10: expected a hex digit in a \\u escape, found 'g'");
        assertMalformed("{\"a\":\"", "invalid JSON at byte 6: unexpected end of input");
        assertMalformed("{1:2}", "invalid JSON at byte 1: expected a member name in double quotes, found '1'");
        assertMalformed("{\"a\":1", "invalid JSON");
        assertMalformed("{\"a\":1,}", "invalid JSON");
        assertMalformed("{'a':1}", "invalid JSON");
        assertMalformed("{\"a\":NaN}", "invalid JSON");
        assertMalformed("{\"a\":01}", "invalid JSON");
        assertMalformed("{\"a\":\"\n\"}", "invalid JSON");
        assertMalformed("{/*c*/}", "invalid JSON");
        assertMalformed("{\"a\":1}\u0000", "invalid JSON");
    }

    @Test
    void rejectsNonUtf8Input() {
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'}, "invalid JSON");
        assertMalformed(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}, "invalid JSON");
        assertMalformed(new byte[] {0, '{', 0, '}'}, "not UTF-8");
        assertMalformed(new byte[] {'{', 0, '}', 0}, "not UTF-8");
        assertMalformed(new byte[] {(byte) 0xfe, (byte) 0xff, 0, '{', 0, '}'}, "not UTF-8");
        assertMalformed(new byte[] {0}, "not UTF-8");
    }

    @Test
    void rejectsMalformedUtf8InStrings() {
        // an overlong '/', an encoded surrogate (U+D800), beyond U+10FFFF, a lone continuation byte, a cut sequence
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'}, "invalid UTF-8");
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xe0, (byte) 0x80, (byte) 0xaf, '"', '}'}, "overlong");
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'}, "surrogate");
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'},
                "U+10FFFF");
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0x80, '"', '}'}, "invalid UTF-8 (byte 0x80)");
        assertMalformed(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xe2, (byte) 0x82}, "unexpected end of input");
    }

    @Test
    void readsEveryUtf8LengthAndEscape() throws Exception {
        String text = "a\u00e9\u20ac\ud83d\ude00\"\\/\b\f\n\r\t";
        JsonObject o = parse("{\"k\":\"" + "a\u00e9\u20ac\ud83d\ude00" + "\\\"\\\\\\/\\b\\f\\n\\r\\t"
                + "\\u00e9\\ud83d\\ude00\\ud800\"}");
        assertThat(o.getString("k")).isEqualTo(text + "\u00e9\ud83d\ude00\ud800");
        // a 4-byte character counts as two chars against the string limit, as Java (and Jackson) count it
        PeerJson.Limits two = new PeerJson.Limits(32, 2, 8, 100);
        byte[] b = "{\"k\":\"\ud83d\ude00\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(PeerJson.parseObject(b, 0, b.length, two).getString("k")).hasSize(2);
        byte[] c = "{\"k\":\"a\ud83d\ude00\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PeerJson.parseObject(c, 0, c.length, two)).hasMessage("JSON string longer than 2 characters");
    }

    @Test
    void acceptsAUtf8ByteOrderMark() throws Exception {
        byte[] b = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
        assertThat(PeerJson.parseObject(b)).isEqualTo(new JsonObject());
    }

    @Test
    void enforcesNestingDepth() throws Exception {
        String ok = "{\"a\":".repeat(31) + "{}" + "}".repeat(31);
        assertThat(parse(ok).size()).isEqualTo(1);
        String tooDeep = "{\"a\":".repeat(32) + "{}" + "}".repeat(32);
        assertMalformed(tooDeep, "JSON nesting deeper than 32");
        assertMalformed("{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}", "JSON nesting deeper than 32");
        assertMalformed("{\"a\":" + "[".repeat(100_000), "JSON nesting deeper than 32");
        PeerJson.Limits three = new PeerJson.Limits(3, 100, 10, 1000);
        byte[] b = "{\"a\":[{}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(PeerJson.parseObject(b, 0, b.length, three).getArray("a")).hasSize(1);
        byte[] c = "{\"a\":[[{}]]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PeerJson.parseObject(c, 0, c.length, three))
                .hasMessage("JSON nesting deeper than 3");
    }

    @Test
    void enforcesStringNumberAndDocumentLimits() throws Exception {
        PeerJson.Limits small = new PeerJson.Limits(32, 10, 8, 100);
        byte[] okString = "{\"k\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(PeerJson.parseObject(okString, 0, okString.length, small).getString("k")).hasSize(10);
        byte[] longString = "{\"k\":\"0123456789a\"}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PeerJson.parseObject(longString, 0, longString.length, small))
                .isInstanceOf(MalformedJsonException.class).hasMessageContaining("longer than 10");
        byte[] longKey = "{\"0123456789a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PeerJson.parseObject(longKey, 0, longKey.length, small))
                .isInstanceOf(MalformedJsonException.class).hasMessageContaining("longer than 10");
        byte[] longNumber = "{\"k\":123456789012}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PeerJson.parseObject(longNumber, 0, longNumber.length, small))
                .isInstanceOf(MalformedJsonException.class).hasMessage("JSON number longer than 8 characters");
        byte[] longFloat = "{\"k\":1.2345678901}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PeerJson.parseObject(longFloat, 0, longFloat.length, small))
                .isInstanceOf(MalformedJsonException.class).hasMessage("JSON number longer than 8 characters");
        byte[] big = ("{\"k\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PeerJson.parseObject(big, 0, big.length, small.withMaxStringLength(1000)))
                .isInstanceOf(MalformedJsonException.class).hasMessageContaining("exceeds the limit of 100");
        assertThat(PeerJson.parseObject(big, 0, big.length, small.withMaxStringLength(1000).withMaxDocumentLength(300))
                .getString("k")).hasSize(200);
        assertMalformed("{\"k\":" + "9".repeat(65) + "}", "JSON number longer than 64 characters");
        assertMalformed("{\"k\":\"" + "x".repeat(64 * 1024 + 1) + "\"}", "JSON string longer than 65536 characters");
        assertMalformed("{\"" + "x".repeat(64 * 1024 + 1) + "\":1}", "JSON string longer than 65536 characters");
        assertThat(parse("{\"k\":\"" + "x".repeat(64 * 1024) + "\"}").getString("k")).hasSize(64 * 1024);
        assertThatThrownBy(() -> new PeerJson.Limits(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerJson.Limits(1001, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PeerJson.Limits(1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void errorMessagesAreSanitized() {
        byte[] evil = ("{\"a\":tru\u001b[31m" + "e".repeat(1000) + "}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> PeerJson.parseObject(evil))
                .isInstanceOf(MalformedJsonException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).startsWith("invalid JSON at byte ");
                    assertThat(e.getMessage()).doesNotContain("\u001b").hasSizeLessThan(300);
                });
    }

    /**
     * Random and mutated inputs, truncations of real documents, huge numbers,
     * invalid UTF-8 and NUL bytes: the parser either returns an object or
     * throws MalformedJsonException, nothing else.
     */
    @Test
    void fuzzOnlyEverThrowsMalformedJsonException() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        List<byte[]> seeds = PeerJsonInputs.realDocumentsAnd(
                ("{\"cpu_util_total\":79.8993435339216,\"sender_has_retransmits\":18446744073709551615,"
                        + "\"streams\":[{\"id\":1,\"bytes\":3671588864,\"jitter\":0,\"end_time\":2.000847}]}")
                        .getBytes(StandardCharsets.UTF_8));
        int parsed = 0;
        int rejected = 0;
        for (byte[] seed : seeds) {
            for (int cut = 0; cut <= seed.length; cut += 1 + cut / 50) {
                if (tryParse(seed, 0, cut)) {
                    parsed++;
                } else {
                    rejected++;
                }
            }
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] b = PeerJsonInputs.mutated(seeds.get(r.nextInt(seeds.size())), r);
            if (tryParse(b, 0, b.length)) {
                parsed++;
            } else {
                rejected++;
            }
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] b = new byte[r.nextInt(64)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (r.nextBoolean() ? TOKENS.charAt(r.nextInt(TOKENS.length())) : r.nextInt(256));
            }
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = '{';
            }
            if (tryParse(b, 0, b.length)) {
                parsed++;
            } else {
                rejected++;
            }
        }
        String[] nasty = {
            "{\"a\":" + "9".repeat(100_000) + "}",
            "{\"a\":1e" + "9".repeat(60) + "}",
            "{\"a\":-" + "0".repeat(70) + "1}",
            "{\"a\":\"" + "\\u".repeat(10) + "\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00\\ud800\"}",
            "{" + "\"k\":1,".repeat(50_000) + "\"k\":2}",
            "{\"" + "k".repeat(100_000) + "\":1}",
            "{\"a\":" + "{\"a\":".repeat(10_000),
            "{\"a\":[" + "1,".repeat(100_000) + "1]}",
        };
        for (String s : nasty) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (tryParse(b, 0, b.length)) {
                parsed++;
            } else {
                rejected++;
            }
        }
        assertThat(parsed).isPositive();
        assertThat(rejected).isGreaterThan(20_000);
    }

    private static boolean tryParse(byte[] b, int off, int len) {
        try {
            JsonObject o = PeerJson.parseObject(b, off, len, PeerJson.Limits.DEFAULT);
            // Whatever was accepted must be printable.
            assertThat(CJsonWriter.iperf312().pretty(o)).startsWith("{");
            return true;
        } catch (MalformedJsonException e) {
            assertThat(e.getMessage()).isNotBlank();
            return false;
        }
    }
}
