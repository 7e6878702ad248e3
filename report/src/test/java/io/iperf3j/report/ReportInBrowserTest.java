package io.iperf3j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.internal.format.CFormat;
import io.iperf3j.internal.format.UnitFormat;
import io.iperf3j.testing.Chromium;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * Reports opened in real headless Chromium, network off: the page says it is ready, logged
 * nothing to the console, has every expected chart, and each chart drew one point per interval
 * of its input for every series (read from the page's data-points, compared with the interval
 * count Jackson reads from the input). A screenshot of each case goes to
 * target/report-screenshots/.
 */
@Tag("browser")
@Timeout(300)
class ReportInBrowserTest {
    static final Path OUT = Path.of("target/report-browser");
    static final Path SHOTS = Path.of("target/report-screenshots");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** name, input, charts that must be on the page (client view) */
    record Case(String name, Path input, List<String> charts) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<String> TCP_SENDER = List.of("bits_per_second:c2s:client", "retransmits:c2s:client",
            "snd_cwnd:c2s:client", "rtt:c2s:client");

    static Stream<Case> singleRuns() {
        return Stream.of(
                new Case("ours-tcp", Inputs.resource("runs/ours_tcp.json"), TCP_SENDER),
                new Case("ours-tcp-P4", Inputs.resource("runs/ours_tcp_p4.json"), TCP_SENDER),
                new Case("ours-tcp-R", Inputs.resource("runs/ours_tcp_reverse.json"), List.of("bits_per_second:s2c:client")),
                new Case("ours-tcp-bidir", Inputs.resource("runs/ours_tcp_bidir.json"),
                        List.of("bits_per_second:c2s:client", "retransmits:c2s:client", "rtt:c2s:client", "bits_per_second:s2c:client")),
                new Case("ours-udp", Inputs.resource("runs/ours_udp.json"), List.of("bits_per_second:c2s:client")),
                new Case("ours-json-stream", Inputs.resource("runs/ours_tcp_stream.jsonl"), TCP_SENDER),
                new Case("iperf3-3.21-json-stream", Inputs.resource("runs/v321_tcp_stream.jsonl"), TCP_SENDER),
                new Case("iperf3-3.21-udp", Inputs.resource("runs/v321_udp.json"), List.of("bits_per_second:c2s:client")),
                new Case("iperf3-3.12-client-vs-ours-P2", Inputs.resource("runs/v312_tcp_p2_vs_ours.json"), TCP_SENDER),
                new Case("iperf3-3.12-tcp", Inputs.reference("tcp.json"), TCP_SENDER),
                new Case("iperf3-3.12-tcp-P2", Inputs.reference("tcp_parallel2.json"), TCP_SENDER),
                new Case("iperf3-3.12-tcp-R", Inputs.reference("tcp_reverse.json"), List.of("bits_per_second:s2c:client")),
                new Case("iperf3-3.12-tcp-bidir", Inputs.reference("tcp_bidir.json"),
                        List.of("bits_per_second:c2s:client", "retransmits:c2s:client", "bits_per_second:s2c:client")),
                new Case("iperf3-3.12-tcp-omit", Inputs.reference("tcp_omit.json"), TCP_SENDER),
                new Case("iperf3-3.12-udp", Inputs.reference("udp.json"), List.of("bits_per_second:c2s:client")),
                new Case("iperf3-3.12-udp-R", Inputs.reference("udp_reverse.json"), List.of("bits_per_second:s2c:client",
                        "jitter_ms:s2c:client", "lost_packets:s2c:client", "lost_percent:s2c:client")),
                new Case("iperf3-3.12-udp-bidir", Inputs.reference("udp_bidir.json"), List.of("bits_per_second:c2s:client",
                        "bits_per_second:s2c:client", "jitter_ms:s2c:client")),
                new Case("iperf3-3.12-server-output-json", Inputs.reference("get_server_output_json_server.json"),
                        List.of("bits_per_second:c2s:client", "bits_per_second:c2s:server")),
                new Case("iperf3-3.12-server-side", Inputs.reference("server_tcp.json"), List.of("bits_per_second:c2s:server")),
                new Case("iperf3-3.12-interrupted", Inputs.reference("client_interrupted.json"), TCP_SENDER));
    }

    @BeforeAll
    static void browser() throws IOException {
        Chromium.require();
        Files.createDirectories(OUT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleRuns")
    void singleRunDrawsEveryInterval(Case c) throws Exception {
        Path html = OUT.resolve(c.name() + ".html");
        HtmlReport.builder().add(c.input()).build().write(html);
        Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve(c.name() + ".png"));
        assertClean(page);
        int intervals = Inputs.intervals(c.input());
        assertThat(intervals).as("intervals in " + c.input()).isPositive();
        for (String key : c.charts()) {
            page.chart(key);
        }
        for (Map<String, String> chart : page.charts()) {
            String key = chart.get("data-chart");
            int expected = key.endsWith(":server") && Inputs.serverIntervals(c.input()) > 0 ? Inputs.serverIntervals(c.input()) : intervals;
            assertThat(chart.get("data-intervals")).as(key).isEqualTo(Integer.toString(expected));
            assertThat(chart.get("data-downsampled")).as(key).isEqualTo("false");
            JsonNode points = MAPPER.readTree(chart.get("data-points"));
            assertThat(points.size()).as(key + " series").isPositive();
            for (Iterator<Map.Entry<String, JsonNode>> it = points.properties().iterator(); it.hasNext();) {
                Map.Entry<String, JsonNode> series = it.next();
                assertThat(series.getValue().asInt()).as(key + " / " + series.getKey() + " points drawn").isEqualTo(expected);
            }
        }
        // the header's headline rate is the input's own number, in iperf3's -f a units
        if (c.input().toString().endsWith(".json")) {
            JsonNode sent = Inputs.json(c.input()).path("end").path("sum_sent");
            assertThat(page.dom()).contains(iperfRate(sent.path("bits_per_second").asDouble()));
        }
    }

    @Test
    void failedRunShowsItsError() throws Exception {
        for (Path input : List.of(Inputs.reference("error_refused.json"), Inputs.resource("runs/ours_refused.json"))) {
            String name = "failed-" + input.getFileName().toString().replace(".json", "");
            Path html = OUT.resolve(name + ".html");
            HtmlReport.builder().add(input).build().write(html);
            Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve(name + ".png"));
            assertClean(page);
            assertThat(page.dom()).contains("This run failed: unable to connect to server: Connection refused")
                    .contains("No intervals were recorded before the error.");
            assertThat(page.charts()).isEmpty();
        }
    }

    @Test
    void interruptedRunShowsChartsAndItsError() throws Exception {
        Path input = Inputs.reference("client_interrupted.json");
        Path html = OUT.resolve("interrupted.html");
        HtmlReport.builder().add(input).build().write(html);
        Chromium.Page page = Chromium.open(html);
        assertClean(page);
        assertThat(page.dom()).contains("This run failed: " + Inputs.json(input).path("error").asText());
        assertThat(page.chart("bits_per_second:c2s:client").get("data-points")).contains(":" + Inputs.intervals(input));
    }

    @Test
    void darkThemeDrawsTheSameCharts() throws Exception {
        Path input = Inputs.resource("runs/ours_tcp_p4.json");
        Path html = OUT.resolve("dark.html");
        HtmlReport.builder().add(input).build().write(html);
        Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve("ours-tcp-P4-dark.png"), "--force-dark-mode");
        assertClean(page);
        int intervals = Inputs.intervals(input);
        for (String key : TCP_SENDER) {
            JsonNode points = MAPPER.readTree(page.chart(key).get("data-points"));
            // four streams, plus the sum where the metric has one
            assertThat(points.size()).as(key).isGreaterThanOrEqualTo(4);
            points.elements().forEachRemaining(n -> assertThat(n.asInt()).as(key).isEqualTo(intervals));
        }
    }

    /** A long run (tiled from a real one): the model is gzip'd, drawing is downsampled, the page says so. */
    @Test
    void longRunIsDownsampledForDrawingOnly() throws Exception {
        JsonNode doc = Inputs.json(Inputs.resource("runs/ours_tcp_p4.json"));
        var template = (com.fasterxml.jackson.databind.node.ArrayNode) doc.path("intervals");
        var intervals = MAPPER.createArrayNode();
        int n = 30_000;
        for (int i = 0; i < n; i++) {
            var iv = template.get(i % template.size()).deepCopy();
            double shift = (i / template.size()) * 3.0;
            for (JsonNode part : iv.path("streams")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) part).put("start", part.path("start").asDouble() + shift)
                        .put("end", part.path("end").asDouble() + shift);
            }
            var sum = (com.fasterxml.jackson.databind.node.ObjectNode) iv.path("sum");
            sum.put("start", sum.path("start").asDouble() + shift).put("end", sum.path("end").asDouble() + shift);
            intervals.add(iv);
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc).set("intervals", intervals);
        Path input = OUT.resolve("long.json");
        MAPPER.writeValue(input.toFile(), doc);
        Path html = OUT.resolve("long.html");
        HtmlReport.builder().add(input).build().write(html);
        assertThat(Files.readString(html)).contains("id=\"iperf3j-model\" data-encoding=\"gzip+base64\"");
        Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve("long-run.png"));
        assertClean(page);
        var chart = page.chart("bits_per_second:c2s:client");
        assertThat(chart.get("data-intervals")).isEqualTo(Integer.toString(n));
        assertThat(chart.get("data-downsampled")).isEqualTo("true");
        JsonNode points = MAPPER.readTree(chart.get("data-points"));
        assertThat(points.size()).isEqualTo(5);
        int drawn = points.path("sum (sender)").asInt();
        assertThat(drawn).isBetween(1000, 6000);
        points.elements().forEachRemaining(p -> assertThat(p.asInt()).isEqualTo(drawn));
        assertThat(page.dom()).contains("the table below has all " + n + " intervals");
    }

    /** The tooltip of a moment shows every series' exact value of that interval (read by Jackson from the input). */
    @Test
    void tooltipShowsExactValues() throws Exception {
        Path input = Inputs.resource("runs/ours_tcp_p4.json");
        Path html = OUT.resolve("tooltip.html");
        HtmlReport.builder().add(input).build().write(html);
        // the throughput chart spans 0..3 s; 0.5 of its width is inside the second interval (1..2 s)
        Chromium.Page page = Chromium.open(html.toUri() + "#cursor=0,0.5");
        assertClean(page);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<div class=\"tip\"[^>]*>(.*?)</div>", java.util.regex.Pattern.DOTALL)
                .matcher(page.dom());
        assertThat(m.find()).as("tooltip on the page").isTrue();
        String tip = m.group(1);
        JsonNode interval = Inputs.json(input).path("intervals").path(1);
        assertThat(tip).contains(String.format(java.util.Locale.US, "%,d bits/s", Math.round(interval.path("sum").path("bits_per_second").asDouble())));
        for (JsonNode stream : interval.path("streams")) {
            assertThat(tip).contains("stream " + stream.path("socket").asInt() + " (sender)")
                    .contains(String.format(java.util.Locale.US, "%,d bits/s", Math.round(stream.path("bits_per_second").asDouble())));
        }
        assertThat(tip).contains(iperfRate(interval.path("sum").path("bits_per_second").asDouble()));
    }

    @Test
    void severalRunsShareAxes() throws Exception {
        Path before = Inputs.reference("tcp.json");
        Path after = Inputs.resource("runs/ours_tcp.json");
        Path html = OUT.resolve("compare.html");
        HtmlReport.builder().add(before).add(after).build().write(html);
        Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve("compare.png"));
        assertClean(page);
        JsonNode points = MAPPER.readTree(page.chart("compare:bits_per_second").get("data-points"));
        assertThat(points.get("tcp.json · client → server").asInt()).isEqualTo(Inputs.intervals(before));
        assertThat(points.get("ours_tcp.json · client → server").asInt()).isEqualTo(Inputs.intervals(after));
        assertThat(page.charts().stream().filter(c -> "bits_per_second:c2s:client".equals(c.get("data-chart")))).hasSize(2);
    }

    @Test
    void sessionDirectoryHasMatrixAndEachTest() throws Exception {
        Path dir = Inputs.resource("session");
        HtmlReport report = HtmlReport.builder().add(dir).build();
        Chromium.Page page = openClean(report, "session");
        // a directory written before tests.jsonl had "kind": one matrix per protocol; t4 (reverse, not bidir) in one cell only
        assertThat(matrices(page)).containsExactly("matrix:tcp", "matrix:udp");
        assertThat(page.chart("matrix:tcp").get("data-tests")).isEqualTo("4");
        // a small session's page is as it was before fleets had an overview (issue 48): every chart drawn at load
        assertThat(page.htmlAttributes()).containsEntry("data-lazy-runs", "false");
        assertThat(page.dom()).doesNotContain("data-overview=\"").doesNotContain("data-lazy=\"");
        JsonNode tcp = MAPPER.readTree(page.chart("matrix:tcp").get("data-cells"));
        assertThat(names(tcp)).containsExactly("a → b", "a → c", "c → a", "b → c");
        assertThat(tcp.path("c → a").path("entries")).extracting(JsonNode::asText).containsExactly("t4");
        assertThat(tcp.path("b → c").path("mean").isNull()).isTrue();
        assertThat(tcp.path("b → c").path("ok").asInt()).isZero();
        // five tests, each with an output file: five runs, linked from the matrices
        assertThat(report.runCount()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(page.dom()).contains("href=\"#run-" + i + "\"").contains("id=\"run-" + i + "\"");
        }
        assertThat(page.dom()).contains("failed: unable to connect to server: Connection refused");
        long throughputCharts = page.charts().stream().filter(c -> c.get("data-chart").startsWith("bits_per_second:")).count();
        assertThat(throughputCharts).isEqualTo(4);
        String t3 = "outputs/t3-a-c-tcp.jsonl";
        int t3Intervals = Inputs.intervals(dir.resolve(t3));
        assertThat(page.charts().stream().filter(c -> c.get("data-chart").equals("bits_per_second:c2s:client"))
                .anyMatch(c -> c.get("data-intervals").equals(Integer.toString(t3Intervals)))).isTrue();
    }

    /**
     * What held each test back (a session's {@code why}, iperf3j --why): the cells carry their cause (coloured by it when
     * switched), each entry and its run's header say it, and a table lists each test's verdict and change.
     */
    @Test
    void sessionShowsWhatHeldEachTestBack(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        HtmlReport report = HtmlReport.builder().add(Inputs.sessionWithWhy(tmp.resolve("s"))).build();
        Chromium.Page page = openClean(report, "session-why");
        JsonNode tcp = MAPPER.readTree(page.chart("matrix:tcp").get("data-cells"));
        assertThat(tcp.path("a → b").path("cause").asText()).isEqualTo("receiver_window");
        assertThat(tcp.path("a → c").path("cause").asText()).isEqualTo("not_determined");
        assertThat(tcp.path("c → a").path("cause").isNull()).as("an unknown cause").isTrue();
        assertThat(MAPPER.readTree(page.chart("matrix:udp").get("data-cells")).path("b → a").path("cause").asText()).isEqualTo("path");
        String table = table(page.dom(), "tcp");
        assertThat(table).contains("data-cause=\"receiver_window\"", "test t1: ").contains(" · the receiver’s window");
        assertThat(page.dom()).contains("Colour cells by", "what held it back (--why)", "What held each test back",
                "data-from=\"a\" data-to=\"b\" data-cause=\"receiver_window\"", "data-from=\"b\" data-to=\"a\" data-cause=\"path\"",
                "data-why=\"receiver_window\"", "limited by the receiver's window — change: raise net.ipv4.tcp_rmem",
                "the client is iperf3, which gives no verdict");
        // rate colouring first, as before: the cells keep their rate's colour
        assertThat(cellBackgrounds(table)).isNotEmpty().allSatisfy(bg -> assertThat(bg).startsWith("rgb("));
        // PAGE#colour=cause: the cells in their cause's colour (the legend's), a cell without a verdict uncoloured
        Path html = OUT.resolve("session-why.html");
        Chromium.Page byCause = Chromium.open(html.toUri() + "#colour=cause");
        assertClean(byCause);
        String coloured = table(byCause.dom(), "tcp");
        assertThat(cellStyle(coloured, "receiver_window")).contains("background: rgb(242, 142, 43)");
        assertThat(cellStyle(coloured, "not_determined")).contains("background: rgb(186, 176, 172)");
        // a close verdict (t2) is not coloured as a certain one: its cause's colour hatched with white, said in words
        assertThat(cellStyle(table(byCause.dom(), "udp"), "path")).contains("repeating-linear-gradient")
                .contains("rgb(78, 121, 167)").contains("rgb(255, 255, 255)");
        assertThat(byCause.dom()).contains("data-cause=\"path\" data-confidence=\"close\"",
                "the path (close)", "hatched: close, another cause held it nearly as much");
        assertThat(byCause.dom()).contains("data-colour-by=\"cause\"");
    }

    /**
     * Two TCP repeats and one UDP --bidir test of the same pair (recorded with real iperf3 3.12 and
     * 3.21 by record-fixtures.sh): a matrix per kind, the TCP cell the mean of the two repeats only,
     * the bidir test in both cells of its matrix, each matrix coloured on its own scale.
     */
    @Test
    void sessionHasOneMatrixPerKindAndPlacesBothHalvesOfABidirTest() throws Exception {
        Path dir = Inputs.resource("session-kinds");
        HtmlReport report = HtmlReport.builder().add(dir).build();
        Chromium.Page page = openClean(report, "session-kinds");
        assertThat(report.runCount()).isEqualTo(3);
        String udpKind = "udp bidir -b 50M";
        assertThat(matrices(page)).containsExactly("matrix:tcp", "matrix:" + udpKind);
        List<JsonNode> lines = Inputs.jsonLines(dir.resolve("tests.jsonl"));
        JsonNode tcp = MAPPER.readTree(page.chart("matrix:tcp").get("data-cells"));
        assertThat(names(tcp)).containsExactly("a → b");
        double repeatsMean = (lines.get(0).path("received_bits_per_second").asDouble() + lines.get(1).path("received_bits_per_second").asDouble()) / 2;
        assertThat(tcp.path("a → b").path("mean").asDouble()).isCloseTo(repeatsMean, offset(1.0));
        assertThat(tcp.path("a → b").path("ok").asInt()).isEqualTo(2);
        assertThat(tcp.path("a → b").path("entries")).extracting(JsonNode::asText).containsExactly("tcp_a-b_r1", "tcp_a-b_r2");
        JsonNode udp = MAPPER.readTree(page.chart("matrix:" + udpKind).get("data-cells"));
        JsonNode bidir = lines.get(2);
        assertThat(names(udp)).containsExactly("a → b", "b → a");
        assertThat(udp.path("a → b").path("mean").asDouble()).isCloseTo(bidir.path("received_bits_per_second").asDouble(), offset(1.0));
        assertThat(udp.path("b → a").path("mean").asDouble()).isCloseTo(bidir.path("reverse_received_bits_per_second").asDouble(), offset(1.0));
        assertThat(udp.path("a → b").path("entries")).extracting(JsonNode::asText).containsExactly("udp_bidir_a-b");
        assertThat(udp.path("b → a").path("entries")).extracting(JsonNode::asText).containsExactly("udp_bidir_a-b (reverse half)");
        // on the page: both cells link to the bidir test's charts (run 2), the second as its reverse half
        String udpTable = table(page.dom(), udpKind);
        assertThat(udpTable.split("href=\"#run-2\"", -1)).hasSize(3);
        assertThat(udpTable).contains("test udp_bidir_a-b, reverse half: ").doesNotContain("#run-0").doesNotContain("#run-1");
        assertThat(page.dom()).contains(">tcp: 2 tests<").contains(">" + udpKind + ": 1 test (each --bidir test placed twice");
        // each matrix on its own scale: its fastest cell gets the darkest colour, 50 Mbit/s as much as 11 Gbit/s
        assertThat(cellBackgrounds(udpTable)).contains(cellBackgrounds(table(page.dom(), "tcp")).getFirst());
    }

    /**
     * Forward UDP with --get-server-output against a server without -J (issue 38): the jitter and loss per
     * interval are in the server's text only. The page shows that text exactly as the JSON holds it, says
     * why it is not charted, and the equivalent command keeps --get-server-output.
     */
    @Test
    void serverTextOutputIsShownAndSaidWhy() throws Exception {
        Path input = Inputs.resource("runs/ours_udp_server_text.json");
        Path html = OUT.resolve("ours-udp-server-text.html");
        HtmlReport.builder().add(input).build().write(html);
        Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve("ours-udp-server-text.png"));
        assertClean(page);
        String text = Inputs.json(input).path("server_output_text").asText();
        assertThat(text).as("the fixture's server text has UDP receiver lines").contains("Jitter", "Lost/Total");
        Matcher pre = Pattern.compile("<pre [^>]*data-server-output=\"text\"[^>]*>(.*?)</pre>", Pattern.DOTALL).matcher(page.dom());
        assertThat(pre.find()).as("the server's text on the page").isTrue();
        assertThat(pre.group(1)).isEqualTo(escapeText(text));
        assertThat(page.dom()).contains("Jitter and loss per interval are measured by the receiver, the server in this run")
                .contains("The server ran without -J, so its output is text");
        Matcher command = Pattern.compile("class=\"command mono\">([^<]*)<").matcher(page.dom());
        assertThat(command.find()).isTrue();
        assertThat(command.group(1)).startsWith("iperf3 -c 127.0.0.1 ").contains(" -u ").endsWith(" --get-server-output -J");
    }

    /** --bidir (issue 38): the header's sent and received bytes are given for each direction, equal to the JSON's. */
    @Test
    void bidirHeaderGivesBothDirectionsBytes() throws Exception {
        Path input = Inputs.resource("runs/ours_tcp_bidir.json");
        Path html = OUT.resolve("ours-tcp-bidir-bytes.html");
        HtmlReport.builder().add(input).build().write(html);
        Chromium.Page page = Chromium.open(html);
        assertClean(page);
        JsonNode end = Inputs.json(input).path("end");
        assertThat(fact(page, "sent (c → s)")).isEqualTo(iperfBytes(end.path("sum_sent").path("bytes").asDouble()));
        assertThat(fact(page, "received (c → s)")).isEqualTo(iperfBytes(end.path("sum_received").path("bytes").asDouble()));
        assertThat(fact(page, "sent (s → c)")).isEqualTo(iperfBytes(end.path("sum_sent_bidir_reverse").path("bytes").asDouble()));
        assertThat(fact(page, "received (s → c)"))
                .isEqualTo(iperfBytes(end.path("sum_received_bidir_reverse").path("bytes").asDouble()));
    }

    /**
     * A session directory (issue 38): the matrix lists hosts in the plan's order (hosts.txt), not in the
     * order the tests finished; a failed test whose client wrote nothing shows the session's own reason,
     * not its server's "interrupt - the server has terminated" as a run of its own.
     */
    @Test
    void sessionKeepsThePlansHostOrderAndTheSessionsReason() throws Exception {
        Path dir = Inputs.resource("session-order");
        HtmlReport report = HtmlReport.builder().add(dir).build();
        Chromium.Page page = openClean(report, "session-order");
        assertThat(Files.readAllLines(dir.resolve("hosts.txt"))).containsExactly("h1", "h2", "h3");
        assertThat(Inputs.jsonLines(dir.resolve("tests.jsonl"))).extracting(t -> t.path("sender").asText())
                .containsExactly("h2", "h3", "h1");
        String tcp = table(page.dom(), "tcp");
        Matcher rows = Pattern.compile("<tr><th>([^<]+)</th>").matcher(tcp.substring(tcp.indexOf("<tbody>")));
        List<String> senders = new ArrayList<>();
        while (rows.find()) {
            senders.add(rows.group(1));
        }
        assertThat(senders).containsExactly("h1", "h2", "h3");
        Matcher head = Pattern.compile("<thead>(.*?)</thead>", Pattern.DOTALL).matcher(tcp);
        assertThat(head.find()).isTrue();
        assertThat(head.group(1).replaceAll("<[^>]+>", "|")).contains("|h1||h2||h3|");
        // the failed test: no run of its own, the session's reason on the page
        JsonNode failed = Inputs.jsonLines(dir.resolve("tests.jsonl")).get(2);
        assertThat(report.runCount()).isEqualTo(2);
        assertThat(page.dom()).contains("failed: " + escapeText(failed.path("error").asText()))
                .doesNotContain("interrupt - the server has terminated").doesNotContain("client → server · ?");
        JsonNode cells = MAPPER.readTree(page.chart("matrix:tcp").get("data-cells"));
        assertThat(cells.path("h2 → h3").path("mean").asDouble())
                .isCloseTo(Inputs.jsonLines(dir.resolve("tests.jsonl")).get(0).path("received_bits_per_second").asDouble(), offset(1.0));
    }

    /** A header fact's value ({@code <dt>KEY</dt><dd>VALUE</dd>}). */
    private static String fact(Chromium.Page page, String key) {
        Matcher m = Pattern.compile("<dt>" + Pattern.quote(escapeText(key)) + "</dt><dd>([^<]*)</dd>").matcher(page.dom());
        assertThat(m.find()).as("fact " + key).isTrue();
        return m.group(1);
    }

    /** iperf3's -f A for a byte count, by core's UnitFormat (not taken from the page's script). */
    static String iperfBytes(double bytes) {
        return UnitFormat.format(bytes, 'A').strip() + "s";
    }

    /** Writes the report as NAME.html, opens it (and screenshots it) in Chromium, and checks the page is clean. */
    private static Chromium.Page openClean(HtmlReport report, String name) throws Exception {
        Path html = OUT.resolve(name + ".html");
        report.write(html);
        Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve(name + ".png"));
        assertClean(page);
        return page;
    }

    private static List<String> matrices(Chromium.Page page) {
        return page.charts().stream().map(c -> c.get("data-chart")).filter(k -> k.startsWith("matrix:")).toList();
    }

    /** The matrix table of one kind, as the browser left it. */
    private static String table(String dom, String kind) {
        Matcher m = Pattern.compile("<table[^>]*data-kind=\"" + Pattern.quote(kind) + "\".*?</table>", Pattern.DOTALL).matcher(dom);
        assertThat(m.find()).as("a matrix of kind " + kind).isTrue();
        return m.group();
    }

    /** The style of the table's cell whose runs' cause is {@code cause} (its {@code data-cause}). */
    private static String cellStyle(String table, String cause) {
        Matcher m = Pattern.compile("<td[^>]*>").matcher(table);
        while (m.find()) {
            if (m.group().contains("data-cause=\"" + cause + "\"")) {
                Matcher style = Pattern.compile("style=\"([^\"]*)\"").matcher(m.group());
                return style.find() ? style.group(1) : "";
            }
        }
        throw new AssertionError("no cell of cause " + cause + " in " + table);
    }

    /** The background colour of each coloured cell of a table. */
    private static List<String> cellBackgrounds(String table) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<td[^>]*style=\"[^\"]*background: (rgb\\([^)]*\\))").matcher(table);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** iperf3j's --latency runs, recorded in both formats: the latency section is drawn from the input's own figures. */
    static Stream<Case> latencyRuns() {
        return Stream.of(new Case("ours-latency", Inputs.resource("runs/ours_latency.json"), TCP_SENDER),
                new Case("ours-latency-json-stream", Inputs.resource("runs/ours_latency_stream.jsonl"), TCP_SENDER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("latencyRuns")
    void latencyRunDrawsRttOverTimeAndItsCdf(Case c) throws Exception {
        Path html = OUT.resolve(c.name() + ".html");
        HtmlReport.builder().add(c.input()).build().write(html);
        Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve(c.name() + ".png"));
        assertClean(page);
        // read with Jackson from the input, not with the report's code
        List<JsonNode> intervals = Inputs.intervalObjects(c.input());
        JsonNode latency = Inputs.end(c.input()).path("latency");
        assertThat(intervals).as("intervals in " + c.input()).isNotEmpty();
        assertThat(latency.isObject()).as("end.latency in " + c.input()).isTrue();
        for (JsonNode interval : intervals) {
            assertThat(interval.path("latency").path("p50_us").isNumber()).as("a recorded interval with answered probes: " + interval.path("latency"))
                    .isTrue();
        }
        int n = intervals.size();
        for (String key : c.charts()) {
            assertThat(page.chart(key).get("data-points")).as(key).contains(":" + n);
        }
        // RTT over time: each interval's p50, p99, min and max, and the idle and tail p50 as flat references
        Map<String, String> time = page.chart("latency:time");
        assertThat(time.get("data-intervals")).isEqualTo(Integer.toString(n));
        assertThat(time.get("data-downsampled")).isEqualTo("false");
        JsonNode timePoints = MAPPER.readTree(time.get("data-points"));
        assertThat(names(timePoints)).containsExactly("p50 per interval", "p99 per interval", "min per interval", "max per interval",
                "idle p50 (before the load)", "tail p50 (after the load)");
        timePoints.properties().forEach(e -> assertThat(e.getValue().asInt()).as("latency:time / " + e.getKey() + " points drawn")
                .isEqualTo(n));
        // the CDF: one series per phase, one point per entry of that phase's cdf array
        JsonNode cdfPoints = MAPPER.readTree(page.chart("latency:cdf").get("data-points"));
        assertThat(names(cdfPoints)).containsExactly("idle (before the load)", "loaded (during the test)", "tail (after the load)");
        for (String phase : List.of("idle", "loaded", "tail")) {
            JsonNode cdf = latency.path(phase).path("cdf");
            assertThat(cdf.size()).as(phase + ".cdf in the input").isEqualTo(12);
            String label = cdfPoints.propertyStream().map(Map.Entry::getKey).filter(k -> k.startsWith(phase + " ")).findFirst().orElseThrow();
            assertThat(cdfPoints.get(label).asInt()).as("latency:cdf / " + label + " points drawn").isEqualTo(cdf.size());
        }
        // the header's verdict, from the input's numbers; the phases' table; the latency columns of the interval table
        assertThat(page.dom()).contains(verdict(latency))
                .contains("data-latency-phases=\"3\"")
                .contains("<th>latency p50_us</th>", "<th>latency p99_us</th>", "<th>latency count</th>", "<th>latency lost</th>");
    }

    /** iperf3j --latency against a real iperf3 server: no probe is answered; the section says why instead of drawing. */
    @Test
    void latencyErrorIsShownInsteadOfCharts() throws Exception {
        Path input = Inputs.resource("runs/ours_latency_vs_iperf3.json");
        String error = Inputs.json(input).path("end").path("latency").path("error").asText();
        assertThat(error).as("end.latency.error of the recorded run").isNotBlank();
        Path html = OUT.resolve("ours-latency-error.html");
        HtmlReport.builder().add(input).build().write(html);
        Chromium.Page page = Chromium.openWithScreenshot(html, SHOTS.resolve("ours-latency-error.png"));
        assertClean(page);
        assertThat(page.dom()).contains("Latency was not measured: " + escapeText(error))
                .doesNotContain("data-latency-verdict=\"true\"").doesNotContain("<th>latency ");
        assertThat(page.charts().stream().map(ch -> ch.get("data-chart"))).noneMatch(k -> k.startsWith("latency:"))
                .contains("bits_per_second:c2s:client");
        assertThat(page.chart("bits_per_second:c2s:client").get("data-points")).contains(":" + Inputs.intervals(input));
    }

    /** A run without latency keys (every other case here) gets no latency section. */
    @Test
    void runWithoutLatencyHasNoLatencySection() throws Exception {
        Path input = Inputs.resource("runs/ours_tcp.json");
        Path html = OUT.resolve("no-latency.html");
        HtmlReport.builder().add(input).build().write(html);
        Chromium.Page page = Chromium.open(html);
        assertClean(page);
        // (the page's own script mentions latency; these are the elements it makes)
        assertThat(page.dom()).doesNotContain("<div class=\"latency\"").doesNotContain("data-latency-verdict=\"true\"")
                .doesNotContain("<th>latency ").contains("<th>sum c→s sender bits_per_second</th>");
        assertThat(page.charts().stream().map(ch -> ch.get("data-chart"))).noneMatch(k -> k.startsWith("latency:"));
    }

    private static List<String> names(JsonNode points) {
        return points.propertyStream().map(Map.Entry::getKey).toList();
    }

    /**
     * The header's verdict, from the input's numbers with core's formatters (written here, not taken from the page's
     * script): ms as iperf3j's --latency text prints them ({@link UnitFormat#ms}), the ratio with glibc's %.Nf.
     */
    static String verdict(JsonNode latency) {
        double added = latency.path("added_p50_us").asDouble();
        double ratio = latency.path("p50_ratio").asDouble();
        return "Latency under load: " + (added >= 0 ? "+" : "-") + UnitFormat.ms(Math.abs(added)) + " ms (idle p50 "
                + UnitFormat.ms(latency.path("idle").path("p50_us").asDouble()) + " ms → loaded "
                + UnitFormat.ms(latency.path("loaded").path("p50_us").asDouble()) + " ms, " + CFormat.fixed(ratio, ratio >= 10 ? 0 : 2) + "×)";
    }

    private static String escapeText(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static void assertClean(Chromium.Page page) {
        assertThat(page.console()).as("console messages").isEmpty();
        assertThat(page.htmlAttributes()).as("<html> attributes").containsEntry("data-status", "ready").doesNotContainKey("data-errors");
        assertThat(page.dom()).doesNotContain("id=\"iperf3j-errors\"");
    }

    /** iperf3's -f a for a rate, by core's UnitFormat (not taken from the page's script). */
    static String iperfRate(double bps) {
        return io.iperf3j.internal.format.UnitFormat.format(bps / 8, 'a').strip() + "s/sec";
    }
}
