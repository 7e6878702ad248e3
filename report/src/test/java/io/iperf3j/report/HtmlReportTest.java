package io.iperf3j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

/** The page's embedded model and raw inputs, read back from the HTML with Jackson. */
@Timeout(60)
class HtmlReportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String page(HtmlReport report) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        report.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode model(String html) throws Exception {
        Matcher m = Pattern.compile("id=\"iperf3j-model\"[^>]*>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        return MAPPER.readTree(m.group(1));
    }

    @Test
    void headlineAndIntervalsAreTheInputs() throws Exception {
        var input = Inputs.reference("tcp_parallel2.json");
        JsonNode doc = Inputs.json(input);
        JsonNode run = model(page(HtmlReport.builder().add(input).build())).path("runs").path(0);
        JsonNode s = run.path("summary");
        assertThat(s.path("sender_bits_per_second").asDouble()).isEqualTo(doc.path("end").path("sum_sent").path("bits_per_second").asDouble());
        assertThat(s.path("receiver_bits_per_second").asDouble()).isEqualTo(doc.path("end").path("sum_received").path("bits_per_second").asDouble());
        assertThat(s.path("retransmits").asLong()).isEqualTo(doc.path("end").path("sum_sent").path("retransmits").asLong());
        assertThat(s.path("streams").asInt()).isEqualTo(2);
        assertThat(s.path("version").asText()).isEqualTo("iperf 3.12");
        JsonNode view = run.path("views").path(0);
        assertThat(view.path("intervals").asInt()).isEqualTo(doc.path("intervals").size());
        // sum first, then the two streams; bytes exact, bit rates to the whole bit
        assertThat(view.path("series")).hasSize(3);
        for (int i = 0; i < doc.path("intervals").size(); i++) {
            JsonNode interval = doc.path("intervals").path(i);
            assertThat(view.path("series").path(0).path("metrics").path("bytes").path(i).asLong())
                    .isEqualTo(interval.path("sum").path("bytes").asLong());
            assertThat(view.path("series").path(1).path("metrics").path("bits_per_second").path(i).asDouble())
                    .isCloseTo(interval.path("streams").path(0).path("bits_per_second").asDouble(), org.assertj.core.data.Offset.offset(0.5));
            assertThat(view.path("series").path(2).path("metrics").path("rtt").path(i).asLong())
                    .isEqualTo(interval.path("streams").path(1).path("rtt").asLong());
        }
    }

    @Test
    void jsonStreamAndDocumentGiveTheSameModel() throws Exception {
        // the same kind of run in both formats: each interval's sum, as recorded
        var stream = Inputs.resource("runs/ours_tcp_stream.jsonl");
        JsonNode view = model(page(HtmlReport.builder().add(stream).build())).path("runs").path(0).path("views").path(0);
        int n = Inputs.intervals(stream);
        assertThat(view.path("intervals").asInt()).isEqualTo(n);
        int i = 0;
        for (String line : Files.readAllLines(stream)) {
            JsonNode e = MAPPER.readTree(line);
            if (e.path("event").asText().equals("interval")) {
                assertThat(view.path("series").path(0).path("metrics").path("bytes").path(i++).asLong())
                        .isEqualTo(e.path("data").path("sum").path("bytes").asLong());
            }
        }
        assertThat(i).isEqualTo(n);
    }

    /** An iperf3j --latency run: end.latency as the input has it, and each interval's figures as columns. */
    @Test
    void latencyFiguresAreTheInputs() throws Exception {
        for (var input : List.of(Inputs.resource("runs/ours_latency.json"), Inputs.resource("runs/ours_latency_stream.jsonl"))) {
            JsonNode run = model(page(HtmlReport.builder().add(input).build())).path("runs").path(0);
            JsonNode latency = Inputs.end(input).path("latency");
            assertThat(latency.path("loaded").path("cdf").size()).as(input + " loaded.cdf").isEqualTo(12);
            assertThat(run.path("summary").path("latency")).as(input.toString()).isEqualTo(latency);
            assertThat(run.path("summary").path("command").asText()).endsWith(" --latency -J").startsWith("iperf3j -c ");
            List<JsonNode> intervals = Inputs.intervalObjects(input);
            JsonNode columns = run.path("views").path(0).path("latency");
            assertThat(names(columns)).containsExactly("count", "lost", "min_us", "p50_us", "p90_us", "p99_us", "max_us");
            for (String key : names(columns)) {
                assertThat(columns.path(key)).as(key).hasSize(intervals.size());
                for (int i = 0; i < intervals.size(); i++) {
                    assertThat(columns.path(key).path(i).asDouble()).as(input + " interval " + i + " " + key)
                            .isCloseTo(intervals.get(i).path("latency").path(key).asDouble(), org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }

    /** --latency against a real iperf3 server: the error is kept, there is nothing to draw. */
    @Test
    void latencyErrorIsKept() throws Exception {
        var input = Inputs.resource("runs/ours_latency_vs_iperf3.json");
        JsonNode run = model(page(HtmlReport.builder().add(input).build())).path("runs").path(0);
        JsonNode latency = run.path("summary").path("latency");
        assertThat(latency.path("error").asText()).isEqualTo(Inputs.json(input).path("end").path("latency").path("error").asText())
                .contains("iperf3j server");
        assertThat(latency.has("idle")).isFalse();
        assertThat(latency.has("loaded")).isFalse();
        assertThat(latency.has("added_p50_us")).isFalse();
    }

    /**
     * The latency keys only add: the same run with them taken out (with Jackson) gives the same model,
     * except the latency parts and the equivalent command's {@code iperf3j ... --latency}; a run without
     * them (ours, iperf3's) has no latency anywhere in its model.
     */
    @Test
    void runsWithoutLatencyAreUnchanged() throws Exception {
        var input = Inputs.resource("runs/ours_latency.json");
        String text = Files.readString(input);
        ObjectNode stripped = (ObjectNode) MAPPER.readTree(text);
        ((ObjectNode) stripped.path("end")).remove("latency");
        stripped.path("intervals").forEach(i -> ((ObjectNode) i).remove("latency"));
        JsonNode with = model(page(HtmlReport.builder().addDocument("run", text).build()));
        JsonNode without = model(page(HtmlReport.builder().addDocument("run", MAPPER.writeValueAsString(stripped)).build()));
        assertThat(without.findValues("latency")).isEmpty();
        ObjectNode withTrimmed = with.deepCopy();
        ObjectNode summary = (ObjectNode) withTrimmed.path("runs").path(0).path("summary");
        assertThat(summary.remove("latency")).isNotNull();
        String command = summary.path("command").asText();
        assertThat(command).isEqualTo(without.path("runs").path(0).path("summary").path("command").asText()
                .replaceFirst("^iperf3 ", "iperf3j ").replace(" -J", " --latency -J"));
        summary.put("command", without.path("runs").path(0).path("summary").path("command").asText());
        assertThat(((ObjectNode) withTrimmed.path("runs").path(0).path("views").path(0)).remove("latency")).isNotNull();
        assertThat(withTrimmed).isEqualTo(without);
        for (var other : List.of(Inputs.resource("runs/ours_tcp.json"), Inputs.resource("runs/v321_tcp_stream.jsonl"),
                Inputs.reference("udp_bidir.json"))) {
            JsonNode m = model(page(HtmlReport.builder().add(other).build()));
            assertThat(m.findValues("latency")).as(other.toString()).isEmpty();
            assertThat(m.path("runs").path(0).path("summary").path("command").asText()).as(other.toString()).startsWith("iperf3 ");
        }
    }

    /** A latency CDF that is not [percentile, rtt_us] pairs, or too long, is a clear error. */
    @Test
    void badLatencyCdfIsAClearError() throws Exception {
        String good = Files.readString(Inputs.resource("runs/ours_latency.json"));
        ObjectNode doc = (ObjectNode) MAPPER.readTree(good);
        ObjectNode loaded = (ObjectNode) doc.path("end").path("latency").path("loaded");
        loaded.putArray("cdf").add(MAPPER.createArrayNode().add(0).add(40.5)).add("fast");
        assertThatThrownBy(() -> HtmlReport.builder().addDocument("bad", MAPPER.writeValueAsString(doc)).build())
                .isInstanceOf(ReportInputException.class)
                .hasMessageContaining("bad: end.latency.loaded.cdf point 2 is not a [percentile, rtt_us] pair of numbers: \"fast\"");
        var many = loaded.putArray("cdf");
        for (int i = 0; i <= io.iperf3j.report.internal.InputLimits.MAX_CDF_POINTS; i++) {
            many.add(MAPPER.createArrayNode().add(50).add(i));
        }
        assertThatThrownBy(() -> HtmlReport.builder().addDocument("long", MAPPER.writeValueAsString(doc)).build())
                .isInstanceOf(ReportInputException.class).hasMessageContaining("long: end.latency.loaded.cdf has 1001 points, more than the limit of 1000");
        loaded.putArray("cdf").add(MAPPER.createArrayNode().add(150).add(1));
        assertThatThrownBy(() -> HtmlReport.builder().addDocument("pct", MAPPER.writeValueAsString(doc)).build())
                .isInstanceOf(ReportInputException.class).hasMessageContaining("percentile 150.0, outside 0..100");
    }

    private static List<String> names(JsonNode object) {
        return object.propertyStream().map(java.util.Map.Entry::getKey).toList();
    }

    @Test
    void sessionTestsCarryTheirKindAndABidirTestsReverseHalf() throws Exception {
        var dir = Inputs.resource("session-kinds");
        JsonNode tests = model(page(HtmlReport.builder().add(dir).build())).path("session").path("tests");
        assertThat(tests).extracting(t -> t.path("kind").asText()).containsExactly("tcp", "tcp", "udp bidir -b 50M");
        List<JsonNode> lines = Inputs.jsonLines(dir.resolve("tests.jsonl"));
        for (int i = 0; i < lines.size(); i++) {
            assertThat(tests.path(i).path("received_bits_per_second").asDouble())
                    .isCloseTo(lines.get(i).path("received_bits_per_second").asDouble(), offset(0.5));
        }
        assertThat(tests.path(0).path("reverse_received_bits_per_second").isNull()).isTrue();
        assertThat(tests.path(1).path("reverse_received_bits_per_second").isNull()).isTrue();
        // the bidir test's other half is the receiver -> sender figure of its iperf3 output
        double reverse = Inputs.end(dir.resolve("raw/udp_bidir_a-b.json")).path("sum_received_bidir_reverse").path("bits_per_second").asDouble();
        assertThat(reverse).isPositive();
        assertThat(tests.path(2).path("reverse_received_bits_per_second").asDouble()).isCloseTo(reverse, offset(0.5));
    }

    @Test
    void sessionDirectoryWithoutTheKeysGetsKindsFromProtocolAndDirection(@TempDir Path tmp)
            throws Exception {
        JsonNode tests = model(page(HtmlReport.builder().add(Inputs.resource("session")).build())).path("session").path("tests");
        assertThat(tests).extracting(t -> t.path("kind").asText()).containsExactly("tcp", "udp", "tcp", "tcp", "tcp");
        assertThat(tests).allSatisfy(t -> assertThat(t.path("reverse_received_bits_per_second").isNull()).isTrue());
        // an old --bidir line: its kind says bidir, as the session's did
        Files.writeString(tmp.resolve("tests.jsonl"), "{\"id\":\"b1\",\"sender\":\"a\",\"receiver\":\"b\",\"direction\":\"bidir\","
                + "\"protocol\":\"tcp\",\"repeat\":1,\"status\":\"ok\",\"received_bits_per_second\":1e9}\n");
        JsonNode old = model(page(HtmlReport.builder().add(tmp).build())).path("session").path("tests").path(0);
        assertThat(old.path("kind").asText()).isEqualTo("tcp bidir");
        assertThat(old.path("reverse_received_bits_per_second").isNull()).isTrue();
    }

    /** A session's {@code why} (iperf3j --why) goes into the model per test; an unknown cause and a failed test have none. */
    @Test
    void sessionTestsCarryWhatHeldThemBack(@TempDir Path tmp) throws Exception {
        JsonNode tests = model(page(HtmlReport.builder().add(Inputs.sessionWithWhy(tmp)).build())).path("session").path("tests");
        java.util.Map<String, JsonNode> byId = new java.util.HashMap<>();
        tests.forEach(t -> byId.put(t.path("id").asText(), t));
        JsonNode t1 = byId.get("t1").path("why").path(0);
        assertThat(t1.path("from").asText()).isEqualTo("a");
        assertThat(t1.path("to").asText()).isEqualTo("b");
        assertThat(t1.path("cause").asText()).isEqualTo("receiver_window");
        assertThat(t1.path("remedy").asText()).startsWith("raise net.ipv4.tcp_rmem");
        assertThat(byId.get("t2").path("why").path(0).path("cause").asText()).isEqualTo("path");
        assertThat(byId.get("t2").path("why").path(0).path("remedy").isNull()).isTrue();
        assertThat(byId.get("t3").path("why").path(0).path("headline").asText()).startsWith("not determined: the client is iperf3");
        assertThat(byId.get("t4").has("why")).as("an unknown cause is not shown as one").isFalse();
        assertThat(byId.get("t5").has("why")).as("a failed test").isFalse();
        JsonNode old = model(page(HtmlReport.builder().add(Inputs.resource("session")).build())).path("session").path("tests");
        assertThat(old).allSatisfy(t -> assertThat(t.has("why")).isFalse());
    }

    @Test
    void rawInputIsEmbeddedAndScriptSafe() throws Exception {
        String doc = Files.readString(Inputs.reference("tcp_title_extra.json")).replace("mytitle", "</script><b>x</b>");
        String html = page(HtmlReport.builder().addDocument("evil", doc).build());
        assertThat(html).doesNotContain("</script><b>");
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"iperf3j-raw-0\" data-encoding=\"text\"[^>]*>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        assertThat(MAPPER.readTree(m.group(1))).isEqualTo(MAPPER.readTree(doc));
        assertThat(model(html).path("runs").path(0).path("summary").path("title").asText()).isEqualTo("</script><b>x</b>");
    }

    @Test
    void pageFetchesNothing() throws Exception {
        String html = page(HtmlReport.builder().add(Inputs.reference("udp_bidir.json")).build());
        // no element loads anything (the browser tests also run with the network off)
        assertThat(html).doesNotContainPattern("(?i)<(script|link|img|iframe)[^>]+(src|href)\\s*=")
                .doesNotContainPattern("(?i)url\\(\\s*['\"]?(https?:|//)")
                .doesNotContainPattern("(?i)@import")
                .contains("uPlot");
    }
}
