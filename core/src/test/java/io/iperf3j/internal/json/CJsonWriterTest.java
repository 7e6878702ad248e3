package io.iperf3j.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CJsonWriterTest {

    private static final CJsonWriter C312 = CJsonWriter.iperf312();
    private static final CJsonWriter STD = CJsonWriter.standard();

    @Test
    void compactHandBuiltObject() {
        JsonObject o = new JsonObject()
                .put("s", "x")
                .put("i", 42)
                .put("l", 1L << 40)
                .put("d", 0.5)
                .put("whole", 2.0)
                .put("f", 0.94906998f)
                .put("t", true)
                .put("n", null)
                .put("a", List.of(1, "two", List.of(), new JsonObject()))
                .put("o", new JsonObject().put("k", false))
                .put("e", new JsonObject());
        assertThat(C312.compact(o)).isEqualTo("{\"s\":\"x\",\"i\":42,\"l\":1099511627776,\"d\":0.5,\"whole\":2,"
                + "\"f\":0.94906997680664062,\"t\":true,\"n\":null,\"a\":[1,\"two\",[],{}],\"o\":{\"k\":false},\"e\":{}}");
        assertThat(STD.compact(o)).isEqualTo(C312.compact(o));
    }

    @Test
    void capturedParameterMessageRoundTrips() throws Exception {
        String wire = "{\"tcp\":true,\"omit\":0,\"time\":2,\"num\":0,\"blockcount\":0,\"parallel\":1,\"len\":131072,"
                + "\"pacing_timer\":1000,\"client_version\":\"3.12\"}";
        JsonObject parsed = PeerJson.parseObject(wire.getBytes(StandardCharsets.UTF_8));
        assertThat(C312.compact(parsed)).isEqualTo(wire);
        JsonObject built = new JsonObject().put("tcp", true).put("omit", 0).put("time", 2).put("num", 0)
                .put("blockcount", 0).put("parallel", 1).put("len", 131072).put("pacing_timer", 1000)
                .put("client_version", "3.12");
        assertThat(C312.compact(built)).isEqualTo(wire);
        assertThat(parsed).isEqualTo(built);
    }

    @Test
    void prettyLayoutLikeCJsonPrint() {
        JsonObject o = new JsonObject()
                .put("start", new JsonObject()
                        .put("connected", List.of(new JsonObject().put("socket", 5).put("local_host", "127.0.0.1"),
                                new JsonObject().put("socket", 7)))
                        .put("version", "iperf 3.12"))
                .put("intervals", new ArrayList<>())
                .put("end", new JsonObject())
                .put("nums", List.of(1, 2.5, List.of(3, new JsonObject())));
        assertThat(C312.pretty(o)).isEqualTo("""
                {
                \t"start":\t{
                \t\t"connected":\t[{
                \t\t\t\t"socket":\t5,
                \t\t\t\t"local_host":\t"127.0.0.1"
                \t\t\t}, {
                \t\t\t\t"socket":\t7
                \t\t\t}],
                \t\t"version":\t"iperf 3.12"
                \t},
                \t"intervals":\t[],
                \t"end":\t{
                \t},
                \t"nums":\t[1, 2.5, [3, {
                \t\t\t}]]
                }""");
        assertThat(C312.pretty(new JsonObject())).isEqualTo("{\n}");
        assertThat(C312.compact(new JsonObject())).isEqualTo("{}");
    }

    @Test
    void appendVariantsWriteTheSameText() {
        JsonObject o = new JsonObject().put("a", List.of(1, 2)).put("b", new JsonObject().put("c", "d"));
        assertThat(C312.pretty(o, new StringBuilder(">")).toString()).isEqualTo(">" + C312.pretty(o));
        assertThat(C312.compact(o, new StringBuilder(">")).toString()).isEqualTo(">" + C312.compact(o));
    }

    @Test
    void stringEscapingLikeCJson() {
        String all = "q\" b\\ s/ \b\f\n\r\t \u0001\u001f\u0000 \u007f é € 😀 <>&'";
        JsonObject o = new JsonObject().put("k\n\"", all);
        assertThat(C312.compact(o)).isEqualTo(
                "{\"k\\n\\\"\":\"q\\\" b\\\\ s/ \\b\\f\\n\\r\\t \\u0001\\u001f\\u0000 \u007f é € 😀 <>&'\"}");
        assertThat(C312.compact(o).getBytes(StandardCharsets.UTF_8)).contains(0xe2, 0x82, 0xac);
    }

    @Test
    void escapedControlCharactersParseBack() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x80; c++) {
            sb.append(c);
        }
        JsonObject o = new JsonObject().put("all", sb.toString());
        String text = C312.compact(o);
        assertThat(text).contains("\\u000b", "\\u001a", "\\u001e").doesNotContain("\\u000B", "\\/");
        assertThat(PeerJson.parseObject(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(o);
    }

    @Test
    void negativeIntegersAreUnsignedOnlyIn312() {
        JsonObject o = new JsonObject().put("r", -1).put("l", -2L).put("d", -1.0).put("x", -0.5)
                .put("min", Long.MIN_VALUE).put("max", Long.MAX_VALUE);
        assertThat(C312.compact(o)).isEqualTo("{\"r\":18446744073709551615,\"l\":18446744073709551614,"
                + "\"d\":18446744073709551615,\"x\":-0.5,\"min\":9223372036854775808,\"max\":9223372036854775807}");
        assertThat(STD.compact(o)).isEqualTo("{\"r\":-1,\"l\":-2,\"d\":-1,\"x\":-0.5,"
                + "\"min\":-9223372036854775808,\"max\":9223372036854775807}");
    }

    /** iperf3 3.12 stores every number as a C double, so integers beyond 2^53 are rounded. */
    @Test
    void largeIntegersPassThroughADoubleIn312() {
        long big = (1L << 53) + 1;
        JsonObject o = new JsonObject().put("b", big).put("e", 1L << 53).put("m", -(1L << 53) - 1);
        assertThat(C312.compact(o)).isEqualTo("{\"b\":9007199254740992,\"e\":9007199254740992,"
                + "\"m\":18437736874454810624}");
        assertThat(STD.compact(o)).isEqualTo("{\"b\":9007199254740993,\"e\":9007199254740992,"
                + "\"m\":-9007199254740993}");
    }

    @Test
    void nonFiniteNumbersPrintNull() {
        JsonObject o = new JsonObject().put("nan", Double.NaN).put("inf", Double.POSITIVE_INFINITY)
                .put("finf", Float.NEGATIVE_INFINITY);
        assertThat(C312.compact(o)).isEqualTo("{\"nan\":null,\"inf\":null,\"finf\":null}");
    }

    @Test
    void rejectsNonJsonValuesAddedToListsLater() {
        List<Object> list = new ArrayList<>();
        JsonObject o = new JsonObject().put("a", list);
        list.add(new StringBuilder("x"));
        assertThatThrownBy(() -> C312.compact(o)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("StringBuilder");
    }

    @Test
    void rejectsCycles() {
        JsonObject a = new JsonObject();
        JsonObject b = new JsonObject().put("a", a);
        a.put("b", b);
        assertThatThrownBy(() -> C312.pretty(a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper");
    }

    @Test
    void deepButFiniteNestingPrints() {
        JsonObject root = new JsonObject();
        JsonObject cur = root;
        for (int i = 0; i < 100; i++) {
            JsonObject next = new JsonObject();
            cur.put("n", next);
            cur = next;
        }
        String text = C312.pretty(root);
        assertThat(text).contains("\t".repeat(100) + "}").endsWith("\n}");
    }

    /** Sanity check for accidental quadratic behaviour; the bound is deliberately loose. */
    @Test
    void largeArraysPrintInLinearTime() {
        List<Object> numbers = new ArrayList<>();
        List<Object> objects = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            numbers.add(i * 1.000001);
            objects.add(new JsonObject().put("i", i).put("s", "v" + i));
        }
        JsonObject o = new JsonObject().put("numbers", numbers).put("objects", objects);
        long t0 = System.nanoTime();
        String pretty = C312.pretty(o);
        String compact = C312.compact(o);
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(elapsedMs).isLessThan(1000);
        assertThat(pretty).contains("[0, 1.000001, 2.000002,").contains("\n\t\t\t\"s\":\t\"v9999\"\n\t\t}]");
        assertThat(compact).endsWith("{\"i\":9999,\"s\":\"v9999\"}]}");
        assertThat(Arrays.asList(compact.split("\"i\":"))).hasSize(10_001);
    }
}
