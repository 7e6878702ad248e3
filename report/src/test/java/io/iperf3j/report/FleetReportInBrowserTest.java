package io.iperf3j.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.Chromium;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fleet's report (issue 48) in real headless Chromium, network off: the overview's heatmap on the
 * first screen, failures in their own colour, a pair's charts drawn only when its cell is clicked, and
 * a scheduled session's history with a host down for a while. The sessions are written by
 * {@link FleetSession} (24 and 48 hosts) and by hand in the session's history line format.
 *
 * <p>Clicks: a copy of the page gets a small driver script after the report's own, which waits for
 * {@code data-status}, records what is on the page, dispatches a real {@code click} on a cell (the event a
 * user's click fires), and records again on {@code <html data-driver>}; Chromium's {@code --dump-dom}
 * hands the result back. The page itself is the one {@code iperf3j report} wrote.
 */
@Tag("browser")
@Timeout(300)
class FleetReportInBrowserTest {
    private static final Path OUT = Path.of("target/report-browser/fleet");
    private static final Path SHOTS = Path.of("target/report-screenshots");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeAll
    static void browser() throws IOException {
        Chromium.require();
        Files.createDirectories(OUT);
    }

    /**
     * 24 hosts, 276 --bidir tests: no chart is drawn at load; a click on the cell fl03 → fl07 opens
     * that pair's test and draws its charts, one point per interval of its -J file.
     */
    @Test
    void clickingACellDrawsThatPairsChartsNotDrawnBefore() throws Exception {
        FleetSession.Written fleet = FleetSession.write(OUT.resolve("fleet24"), 24, Set.of("fl11"), Set.of("fl20"), 24);
        Path html = OUT.resolve("fleet24.html");
        HtmlReport.builder().add(fleet.dir()).build().write(html);
        String pair = "fl03 → fl07";
        JsonNode d = drive(html, "fleet24-click", """
                var cell = document.querySelector('td[data-pair="%s"]');
                var cells = JSON.parse(cell.closest('table').getAttribute('data-cells'));
                var run = cells['%s'].runs[0];
                var sec = document.getElementById('run-' + run);
                out.before = { charts: document.querySelectorAll('.chart').length, canvases: document.querySelectorAll('canvas').length,
                  runCanvases: sec.querySelectorAll('canvas').length, open: sec.open, title: cell.getAttribute('title') };
                cell.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
                setTimeout(function () {
                  out.after = { open: sec.open, runCanvases: sec.querySelectorAll('canvas').length, text: sec.querySelector('h2').textContent,
                    charts: Array.prototype.map.call(sec.querySelectorAll('.chart'), function (c) {
                      return { key: c.getAttribute('data-chart'), points: JSON.parse(c.getAttribute('data-points')) }; }),
                    otherCanvases: document.querySelectorAll('canvas').length - sec.querySelectorAll('canvas').length };
                  // the pair's raw input, out of the page's one pack of every run's
                  var raw = sec.querySelector('details.raw');
                  out.rawSummary = raw.querySelector('summary').textContent;
                  raw.open = true;
                  var tries = 0;
                  (function read() {
                    var text = raw.querySelector('pre').textContent;
                    if (text || ++tries > 200) { out.raw = text; done(); } else { setTimeout(read, 20); }
                  })();
                }, 50);
                """.formatted(pair, pair));
        JsonNode before = d.path("before"), after = d.path("after");
        assertThat(before.path("charts").asInt()).as("charts drawn at load").isZero();
        assertThat(before.path("canvases").asInt()).as("canvases at load").isZero();
        assertThat(before.path("runCanvases").asInt()).isZero();
        assertThat(before.path("open").asBoolean()).isFalse();
        JsonNode line = fleet.lines().stream().filter(l -> l.path("id").asText().equals("m_fl03-fl07")).findFirst().orElseThrow();
        assertThat(before.path("title").asText()).startsWith(pair + " · " + ReportInBrowserTest.iperfRate(line.path("received_bits_per_second").asDouble()));
        assertThat(after.path("open").asBoolean()).isTrue();
        assertThat(after.path("text").asText()).as("the opened run is the pair's test").startsWith("test m_fl03-fl07");
        assertThat(after.path("runCanvases").asInt()).as("canvases of the pair after the click").isPositive();
        assertThat(after.path("otherCanvases").asInt()).as("no other pair drawn").isZero();
        int intervals = Inputs.intervals(fleet.dir().resolve(line.path("client_output").asText()));
        assertThat(intervals).isEqualTo(10);
        List<String> keys = new ArrayList<>();
        for (JsonNode c : after.path("charts")) {
            keys.add(c.path("key").asText());
            c.path("points").properties().forEach(e -> assertThat(e.getValue().asInt()).as(c.path("key") + " / " + e.getKey()).isEqualTo(intervals));
        }
        assertThat(keys).contains("bits_per_second:c2s:client", "bits_per_second:s2c:client", "rtt:c2s:client");
        assertThat(d.path("rawSummary").asText()).contains("iperf3j-raw-pack");
        assertThat(d.path("raw").asText()).as("the raw input shown").isEqualTo(Files.readString(fleet.dir().resolve(line.path("client_output").asText())));
    }

    /**
     * 48 hosts, 1 128 tests, at 1920 × 1080: the overview starts on the first screen and is at most 1 920 px
     * wide, its whole heatmap above 1 080 px; the down host's row and column are failed cells, the reason listed once with its tests; the
     * slowest pair listed first is the slowest the generator made.
     */
    @Test
    void fleetOverviewIsOnTheFirstScreenWithFailuresAndSlowestPairs() throws Exception {
        FleetSession.Written fleet = FleetSession.write(OUT.resolve("fleet48"), 48, Set.of("fl05"), Set.of("fl31"), 48);
        assertThat(fleet.lines()).hasSize(1128);
        Path html = OUT.resolve("fleet48.html");
        HtmlReport.builder().add(fleet.dir()).build().write(html);
        JsonNode d = drive(html, "fleet48", """
                var ov = document.querySelector('[data-overview]').getBoundingClientRect();
                var heat = document.querySelector('table.heat').getBoundingClientRect();
                out.overview = { top: ov.top, left: ov.left, right: ov.right, width: ov.width };
                out.heat = { top: heat.top, bottom: heat.bottom, right: heat.right };
                out.pageWidth = document.documentElement.scrollWidth;
                out.cells = JSON.parse(document.querySelector('table.heat').getAttribute('data-cells'));
                out.failedColour = getComputedStyle(document.querySelector('td[data-pair="fl05 → fl06"]')).backgroundColor;
                out.okColour = getComputedStyle(document.querySelector('td[data-pair="fl01 → fl02"]')).backgroundColor;
                var probe = document.createElement('span'); probe.style.color = 'var(--bad)'; document.body.appendChild(probe);
                out.bad = getComputedStyle(probe).color;
                out.failedList = Array.prototype.map.call(document.querySelectorAll('.ov-failed li'), function (li) { return li.textContent; });
                out.slowest = Array.prototype.map.call(document.querySelectorAll('.ov-slowest li a'), function (a) { return a.textContent; });
                out.canvases = document.querySelectorAll('canvas').length;
                done();
                """, "--window-size=1920,1080");
        assertThat(d.path("overview").path("top").asDouble()).as("overview top").isLessThan(1080);
        assertThat(d.path("overview").path("left").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(d.path("overview").path("right").asDouble()).as("overview right").isLessThanOrEqualTo(1920);
        assertThat(d.path("heat").path("right").asDouble()).as("heatmap right").isLessThanOrEqualTo(1920);
        assertThat(d.path("heat").path("bottom").asDouble()).as("the whole heatmap on the first screen").isLessThanOrEqualTo(1080);
        assertThat(d.path("pageWidth").asInt()).as("page width").isLessThanOrEqualTo(1920);
        assertThat(d.path("canvases").asInt()).isZero();
        JsonNode cells = d.path("cells");
        assertThat(cells.size()).isEqualTo(48 * 47);
        for (String h : fleet.hosts()) {
            if (h.equals("fl05")) {
                continue;
            }
            assertThat(cells.path("fl05 → " + h).path("state").asText()).as("fl05 → " + h).isEqualTo("failed");
            assertThat(cells.path(h + " → fl05").path("state").asText()).as(h + " → fl05").isEqualTo("failed");
        }
        assertThat(cells.path("fl01 → fl02").path("state").asText()).isEqualTo("ok");
        assertThat(d.path("failedColour").asText()).isEqualTo(d.path("bad").asText()).isNotEqualTo(d.path("okColour").asText());
        // the reason once, with its 47 tests and the host they share
        assertThat(d.path("failedList")).hasSize(1);
        assertThat(d.path("failedList").get(0).asText()).startsWith("47 tests (all with fl05): failed: " + FleetSession.REFUSED);
        String slowest = fleet.factors().entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertThat(d.path("slowest").get(0).asText()).isEqualTo(slowest);
        Chromium.screenshot(html, SHOTS.resolve("fleet48-overview.png"));
    }

    /**
     * Issue 66: a small history (5 hosts nc1, nc2, nc3, nc10, nc11: 20 tests, 3 schedule runs, below the fleet's 64) opens on
     * its overview too: the heatmap first, its hosts in natural order (nc2 before nc10, though tests.jsonl lists the
     * tests by id, nc10 before nc2), then the table, then each test's charts folded in a closed {@code <details>} (drawn
     * at load, so the page is short and their data is there); the header counts 3 runs and 60 results, not "60 runs";
     * a click on a cell opens that test's section.
     */
    @Test
    void aSmallHistoryOpensOnItsOverviewWithHostsInNaturalOrder() throws Exception {
        Path dir = OUT.resolve("history-small");
        Files.createDirectories(dir);
        List<String> hosts = List.of("nc1", "nc10", "nc11", "nc2", "nc3");
        StringBuilder lines = new StringBuilder();
        for (int run = 1; run <= 3; run++) {
            for (String a : hosts) {
                for (String b : hosts) {
                    if (!a.equals(b)) {
                        double end = 1_795_400_000 + run * 600 + a.hashCode() % 50 + b.hashCode() % 7;
                        lines.append(okLine(a, b, run, 9.2e8 + 1e6 * ((a.length() * 7 + b.length() * 3 + run) % 20), end)).append('\n');
                    }
                }
            }
        }
        Files.writeString(dir.resolve("tests.jsonl"), lines);
        Path html = OUT.resolve("history-small.html");
        HtmlReport report = HtmlReport.builder().add(dir).build();
        assertThat(report.historyTestCount()).isEqualTo(20);
        report.write(html);
        JsonNode d = drive(html, "history-small", """
                var ov = document.querySelector('[data-overview="history"]');
                var table = ov && ov.querySelector('table.heat');
                out.lazy = document.documentElement.getAttribute('data-lazy-runs');
                out.rows = table ? Array.prototype.map.call(table.querySelectorAll('th.row'), function (t) { return t.textContent; }) : [];
                out.cols = table ? Array.prototype.map.call(table.querySelectorAll('th.col'), function (t) { return t.textContent; }) : [];
                var list = document.querySelector('[data-chart="history-table"]');
                out.overviewTop = ov ? ov.getBoundingClientRect().top : -1;
                out.tableTop = list.getBoundingClientRect().top;
                out.tableFirst = Array.prototype.map.call(list.querySelectorAll('tbody tr'), function (r) { return r.cells[1].textContent; }).slice(0, 5);
                out.overviewHead = ov ? ov.querySelector('h2').textContent : '';
                out.historyHead = document.querySelector('#history h2').textContent;
                var tests = document.querySelectorAll('.history-test');
                out.tests = tests.length;
                out.folded = Array.prototype.filter.call(tests, function (t) { return t.tagName === 'DETAILS' && !t.open; }).length;
                out.charts = Array.prototype.filter.call(document.querySelectorAll('.chart'), function (c) {
                  return (c.getAttribute('data-chart') || '').indexOf('history:') === 0 && JSON.parse(c.getAttribute('data-points'))['Throughput (received)'] === 3; }).length;
                out.height = document.documentElement.scrollHeight;
                table.querySelector('td[data-pair="nc2 → nc10"]').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
                setTimeout(function () {
                  out.opened = Array.prototype.map.call(document.querySelectorAll('details.history-test[open]'), function (o) {
                    return o.querySelector('summary').textContent; });
                  done();
                }, 50);
                """, "--window-size=1920,1080");
        List<String> natural = List.of("nc1", "nc2", "nc3", "nc10", "nc11");
        assertThat(d.path("lazy").asText()).isEqualTo("false");
        assertThat(texts(d.path("rows"))).isEqualTo(natural);
        assertThat(texts(d.path("cols"))).isEqualTo(natural);
        assertThat(texts(d.path("tableFirst"))).containsExactly("nc1 → nc2", "nc1 → nc3", "nc1 → nc10",
                "nc1 → nc11", "nc2 → nc1");
        assertThat(d.path("overviewTop").asDouble()).isBetween(0.0, 1080.0).isLessThan(d.path("tableTop").asDouble());
        assertThat(d.path("overviewHead").asText()).isEqualTo("Overview: 20 tests, schedule runs 1\u20133, 60 results");
        assertThat(d.path("historyHead").asText()).startsWith("History: 20 tests, schedule runs 1\u20133, 60 results").doesNotContain("60 runs");
        assertThat(d.path("tests").asInt()).isEqualTo(20);
        assertThat(d.path("folded").asInt()).isEqualTo(20);
        assertThat(d.path("charts").asInt()).as("every test's throughput chart drawn at load, 3 points").isEqualTo(20);
        assertThat(d.path("height").asInt()).as("charts folded: not 9 000 px").isLessThan(4000);
        assertThat(d.path("opened")).hasSize(1);
        assertThat(d.path("opened").get(0).asText()).startsWith("test h_nc2-nc10: nc2 → nc10");
    }

    /**
     * A scheduled session's history, 12 hosts (66 tests, each run 20 times), fl04 down for the last 6 runs:
     * fl04's row and column are failed cells with 6 of 20 runs failed (0.3); the others are not; a click on
     * a cell draws that test's history, not drawn before.
     */
    @Test
    void historyShowsAHostDownForAWhileInItsRowAndColumn() throws Exception {
        Path dir = OUT.resolve("history12");
        Files.createDirectories(dir);
        List<String> hosts = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            hosts.add(String.format("fl%02d", i));
        }
        StringBuilder lines = new StringBuilder();
        int runs = 20;
        for (int run = 1; run <= runs; run++) {
            for (int i = 0; i < hosts.size(); i++) {
                for (int j = i + 1; j < hosts.size(); j++) {
                    String a = hosts.get(i), b = hosts.get(j);
                    boolean down = run > 14 && (a.equals("fl04") || b.equals("fl04"));
                    double end = 1_795_400_000 + run * 600 + i * 10 + j;
                    lines.append(down ? failedLine(a, b, run, end) : okLine(a, b, run, 9.1e8 + 1e6 * ((i * 7 + j * 3 + run) % 20), end)).append('\n');
                }
            }
        }
        Files.writeString(dir.resolve("tests.jsonl"), lines);
        Path html = OUT.resolve("history12.html");
        HtmlReport report = HtmlReport.builder().add(dir).build();
        assertThat(report.historyTestCount()).isEqualTo(66);
        report.write(html);
        JsonNode d = drive(html, "history12", """
                var table = document.querySelector('[data-overview="history"] table.heat');
                out.cells = JSON.parse(table.getAttribute('data-cells'));
                out.colours = {}; out.shares = {};
                Array.prototype.forEach.call(table.querySelectorAll('td[data-pair]'), function (td) {
                  out.colours[td.getAttribute('data-pair')] = getComputedStyle(td).backgroundColor;
                  var share = td.querySelector('[data-failed-share]');
                  out.shares[td.getAttribute('data-pair')] = share ? share.textContent + ' ' + share.getAttribute('data-failed-share') : ''; });
                var probe = document.createElement('span'); probe.style.color = 'var(--bad)'; document.body.appendChild(probe);
                out.bad = getComputedStyle(probe).color;
                out.title = table.querySelector('td[data-pair="fl02 → fl04"]').getAttribute('title');
                var cell = table.querySelector('td[data-pair="fl02 → fl04"]');
                out.before = document.querySelectorAll('canvas').length;
                cell.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
                setTimeout(function () {
                  var open = document.querySelectorAll('details.history-test[open]');
                  out.opened = Array.prototype.map.call(open, function (o) { return o.querySelector('summary').textContent; });
                  out.after = open.length ? open[0].querySelectorAll('canvas').length : 0;
                  out.canvases = document.querySelectorAll('canvas').length;
                  out.charts = Array.prototype.map.call(document.querySelectorAll('.chart'), function (c) {
                    return { key: c.getAttribute('data-chart'), points: JSON.parse(c.getAttribute('data-points')) }; });
                  done();
                }, 50);
                """, "--window-size=1920,1080");
        JsonNode cells = d.path("cells");
        assertThat(cells.size()).isEqualTo(66);
        cells.properties().forEach(e -> {
            boolean withFl04 = e.getKey().contains("fl04");
            JsonNode c = e.getValue();
            assertThat(c.path("state").asText()).as(e.getKey()).isEqualTo(withFl04 ? "failed" : "ok");
            assertThat(c.path("runs").asInt()).as(e.getKey()).isEqualTo(runs);
            assertThat(c.path("failed").asInt()).as(e.getKey()).isEqualTo(withFl04 ? 6 : 0);
            assertThat(c.path("failed_share").asDouble()).as(e.getKey()).isEqualTo(withFl04 ? 0.3 : 0.0);
            String colour = d.path("colours").path(e.getKey()).asText();
            // the share of failed runs written in the red cell (percent), and kept exactly on it
            assertThat(d.path("shares").path(e.getKey()).asText()).as(e.getKey()).isEqualTo(withFl04 ? "30 0.300" : "");
            if (withFl04) {
                assertThat(colour).as(e.getKey()).isEqualTo(d.path("bad").asText());
            } else {
                assertThat(colour).as(e.getKey()).isNotEqualTo(d.path("bad").asText());
            }
        });
        assertThat(d.path("title").asText()).contains("last run failed").contains("6 of 20 runs failed (30 %)")
                .contains(FleetSession.REFUSED);
        assertThat(d.path("before").asInt()).isZero();
        assertThat(d.path("opened")).hasSize(1);
        assertThat(d.path("opened").get(0).asText()).startsWith("test h_fl02-fl04: fl02 → fl04");
        assertThat(d.path("after").asInt()).isPositive();
        assertThat(d.path("canvases").asInt()).isEqualTo(d.path("after").asInt());
        JsonNode throughput = null;
        for (JsonNode c : d.path("charts")) {
            if (c.path("key").asText().equals("history:h_fl02-fl04:received_bits_per_second")) {
                throughput = c;
            }
        }
        assertThat(throughput).as("the test's throughput history").isNotNull();
        assertThat(throughput.path("points").path("failed runs").asInt()).isEqualTo(6);
        Chromium.screenshot(html, SHOTS.resolve("history12-overview.png"));
    }

    /**
     * A kind that asks a rate (UDP -b 50M, beside a 12-host TCP mesh): its cells are coloured against the rate
     * asked, not the median, and its slowest pair says what was asked and what came.
     */
    @Test
    void aKindThatAsksARateIsColouredAgainstIt() throws Exception {
        FleetSession.Written fleet = FleetSession.addUdpRing(FleetSession.write(OUT.resolve("fleet12-udp"), 12, Set.of(), Set.of(), 12), 12);
        Path html = OUT.resolve("fleet12-udp.html");
        HtmlReport report = HtmlReport.builder().add(fleet.dir()).build();
        assertThat(report.runCount()).isEqualTo(66 + 12);
        report.write(html);
        JsonNode d = drive(html, "fleet12-udp", """
                var t = document.querySelector('table.heat[data-heatmap-kind="udp -b 50M"]');
                out.cells = JSON.parse(t.getAttribute('data-cells'));
                var box = t.closest('.ov-kind');
                out.legend = box.querySelector('.heat-legend').textContent;
                out.slowest = box.querySelector('.ov-slowest li').textContent;
                out.stats = box.querySelector('.ov-stats').textContent;
                done();
                """, "--window-size=1920,1080");
        double asked = Inputs.json(Inputs.resource("runs/ours_udp.json")).path("start").path("test_start").path("target_bitrate").asDouble();
        assertThat(asked).isEqualTo(50e6);
        JsonNode line = fleet.lines().stream().filter(l -> l.path("id").asText().equals("u_fl03-fl04")).findFirst().orElseThrow();
        double got = line.path("received_bits_per_second").asDouble();
        JsonNode cell = d.path("cells").path("fl03 → fl04");
        assertThat(cell.path("ratio").asDouble()).isCloseTo(got / asked, org.assertj.core.api.Assertions.offset(1e-9));
        assertThat(cell.path("ratio").asDouble()).isBetween(0.45, 0.55);
        assertThat(d.path("legend").asText()).contains("0.9× the rate asked (" + ReportInBrowserTest.iperfRate(asked) + ") or more");
        assertThat(d.path("stats").asText()).contains("asked" + ReportInBrowserTest.iperfRate(asked));
        assertThat(d.path("slowest").asText()).isEqualTo("fl03 → fl04: asked " + ReportInBrowserTest.iperfRate(asked) + ", got "
                + ReportInBrowserTest.iperfRate(got) + " (" + io.iperf3j.internal.format.CFormat.fixed(got / asked, 2) + "×)");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String okLine(String a, String b, int run, double bps, double end) {
        return ("{\"id\":\"h_%s-%s\",\"run\":%d,\"sender\":\"%s\",\"receiver\":\"%s\",\"direction\":\"forward\",\"protocol\":\"tcp\","
                + "\"kind\":\"tcp\",\"repeat\":1,\"status\":\"ok\",\"error\":null,\"sent_bits_per_second\":%s,\"received_bits_per_second\":%s,"
                + "\"received_bytes\":1000,\"reverse_received_bits_per_second\":null,\"client_output\":null,\"server_output\":null,"
                + "\"end_timestamp_seconds\":%s,\"retransmits\":3,\"rtt_seconds\":0.0004,\"loss_percent\":null,"
                + "\"jitter_seconds\":null,\"duration_seconds\":10.2}").formatted(a, b, run, a, b, bps, bps, end);
    }

    private static String failedLine(String a, String b, int run, double end) {
        return ("{\"id\":\"h_%s-%s\",\"run\":%d,\"sender\":\"%s\",\"receiver\":\"%s\",\"direction\":\"forward\",\"protocol\":\"tcp\","
                + "\"kind\":\"tcp\",\"repeat\":1,\"status\":\"failed\",\"error\":\"%s\",\"sent_bits_per_second\":null,"
                + "\"received_bits_per_second\":null,\"end_timestamp_seconds\":%s,\"retransmits\":null,\"duration_seconds\":0.1}")
                .formatted(a, b, run, a, b, FleetSession.REFUSED, end);
    }

    /**
     * A fleet's overview coloured by what held each pair back (a session's {@code why}, iperf3j --why): every pair
     * into fl07 window-limited, the others path-limited; the switch recolours the heatmap's cells by cause and
     * shows the legend, and back by rate.
     */
    @Test
    void theHeatmapIsColouredByCauseWhenSwitched() throws Exception {
        FleetSession.Written fleet = FleetSession.write(OUT.resolve("fleet-why"), 24, Set.of("fl05"), Set.of(), 24);
        StringBuilder jsonl = new StringBuilder();
        for (JsonNode line : fleet.lines()) {
            com.fasterxml.jackson.databind.node.ObjectNode l = ((com.fasterxml.jackson.databind.node.ObjectNode) line).deepCopy();
            if (l.path("status").asText().equals("ok")) {
                String a = l.path("sender").asText(), b = l.path("receiver").asText();
                com.fasterxml.jackson.databind.node.ArrayNode why = l.putArray("why");
                for (String[] d : new String[][] {{a, b}, {b, a}}) {
                    String cause = d[1].equals("fl07") ? "receiver_window" : "path";
                    why.addObject().put("from", d[0]).put("to", d[1]).put("cause", cause).put("headline", "limited by " + cause)
                            .put("reason", "r").putNull("remedy");
                }
            }
            jsonl.append(MAPPER.writeValueAsString(l)).append('\n');
        }
        Files.writeString(fleet.dir().resolve("tests.jsonl"), jsonl);
        Path html = OUT.resolve("fleet-why.html");
        HtmlReport.builder().add(fleet.dir()).build().write(html);
        JsonNode d = drive(html, "fleet-why", """
                function bg(pair) { return getComputedStyle(document.querySelector('td[data-pair="' + pair + '"]')).backgroundColor; }
                var legend = document.querySelector('.overview .cause-legend');
                out.rate = { window: bg('fl01 → fl07'), path: bg('fl01 → fl02'), legend: getComputedStyle(legend).display };
                out.cells = JSON.parse(document.querySelector('table.heat').getAttribute('data-cells'));
                document.querySelector('.overview .cause-switch button[value="cause"]').click();
                out.cause = { window: bg('fl01 → fl07'), path: bg('fl01 → fl02'), failed: bg('fl05 → fl06'), legend: getComputedStyle(legend).display };
                document.querySelector('.overview .cause-switch button[value="rate"]').click();
                out.back = { window: bg('fl01 → fl07'), path: bg('fl01 → fl02') };
                done();
                """, "--window-size=1920,1080");
        assertThat(d.path("cells").path("fl01 → fl07").path("cause").asText()).isEqualTo("receiver_window");
        assertThat(d.path("cells").path("fl07 → fl01").path("cause").asText()).isEqualTo("path");
        assertThat(d.path("cause").path("window").asText()).isEqualTo("rgb(242, 142, 43)");
        assertThat(d.path("cause").path("path").asText()).isEqualTo("rgb(78, 121, 167)");
        assertThat(d.path("cause").path("legend").asText()).isNotEqualTo("none");
        assertThat(d.path("rate").path("legend").asText()).isEqualTo("none");
        assertThat(d.path("rate").path("window").asText()).as("rate colours first").isNotEqualTo("rgb(242, 142, 43)");
        assertThat(d.path("back").path("window").asText()).isEqualTo(d.path("rate").path("window").asText());
        assertThat(d.path("back").path("path").asText()).isEqualTo(d.path("rate").path("path").asText());
        Chromium.screenshot(html, SHOTS.resolve("fleet-why-overview.png"));
    }

    /**
     * A rotating mesh's history (issue 69): 12 hosts both ways, 132 ordered pairs, {@code per_run: 33} (a cycle of 4 runs),
     * two cycles; fl004 down in the last cycle, three pairs skipped in their turn of it. Each cell carries its pair's latest
     * result with its age, counted back from the newest result of the history, both as the tests.jsonl lines give them
     * (read here with Jackson, not by the report); only the skipped pairs are stale (their latest result a cycle older), faded,
     * and listed as not measured within their cycle on the first screen of a 1920 × 1080 window; a stale cell's click opens
     * its test with the same age written.
     */
    @Test
    void aRotatingMeshHistoryShowsEachPairsAgeAndListsTheStaleOnes() throws Exception {
        FleetSession.Rotation r = FleetSession.rotatingHistory(OUT.resolve("rotating12"), 12, 33, 2, "fl004", "fl009", 40, 69);
        assertThat(r.cycle()).isEqualTo(4);
        assertThat(r.stale()).hasSize(3);
        Map<String, long[]> latest = latestResults(r.dir());
        double newest = latest.values().stream().mapToDouble(v -> v[1] / 1000.0).max().orElseThrow();
        long newestRun = latest.values().stream().mapToLong(v -> v[0]).max().orElseThrow();
        Path html = OUT.resolve("rotating12.html");
        HtmlReport.builder().add(r.dir()).build().write(html);
        String stalePair = r.stale().getFirst();
        JsonNode d = drive(html, "rotating12", """
                var table = document.querySelector('[data-overview="history"] table.heat');
                out.cells = JSON.parse(table.getAttribute('data-cells'));
                out.ages = {}; out.titles = {}; out.faded = {};
                Array.prototype.forEach.call(table.querySelectorAll('td[data-pair]'), function (td) {
                  var k = td.getAttribute('data-pair');
                  out.ages[k] = td.getAttribute('data-age') + ' ' + td.getAttribute('data-runs-behind') + ' ' + (td.getAttribute('data-stale') || 'false');
                  out.titles[k] = td.getAttribute('title');
                  out.faded[k] = getComputedStyle(td).opacity; });
                out.stale = Array.prototype.map.call(document.querySelectorAll('.ov-stale li'), function (li) { return li.textContent; });
                var list = document.querySelector('.ov-stale');
                out.staleBottom = list ? list.getBoundingClientRect().bottom + window.scrollY : -1;
                var slow = document.querySelector('.ov-slowest');
                out.slowBottom = slow ? slow.getBoundingClientRect().bottom + window.scrollY : -1;
                out.failedFirst = document.querySelector('.ov-failed li') ? document.querySelector('.ov-failed li').textContent : '';
                out.failedBottom = document.querySelector('.ov-failed').getBoundingClientRect().bottom + window.scrollY;
                out.newest = document.getElementById('history-newest').textContent;
                table.querySelector('td[data-pair="%s"]').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
                setTimeout(function () {
                  var open = document.querySelectorAll('details.history-test[open]');
                  out.opened = Array.prototype.map.call(open, function (o) { return o.querySelector('summary').textContent; });
                  var age = open.length ? open[0].querySelector('.history-age') : null;
                  out.openedAge = age ? age.textContent + ' | ' + age.getAttribute('data-age') : '';
                  out.charts = open.length ? open[0].querySelectorAll('canvas').length : 0;
                  done();
                }, 50);
                """.formatted(stalePair), "--window-size=1920,1080");
        JsonNode cells = d.path("cells");
        assertThat(cells.size()).isEqualTo(132);
        int stale = 0;
        for (var e : cells.properties()) {
            String pair = e.getKey();
            JsonNode c = e.getValue();
            long[] want = latest.get(pair);
            boolean isStale = r.stale().contains(pair);
            long age = Math.round(newest - want[1] / 1000.0);
            assertThat(c.path("latest_run").asLong()).as(pair).isEqualTo(want[0]);
            assertThat(c.path("runs_behind").asLong()).as(pair).isEqualTo(newestRun - want[0]);
            assertThat(c.path("age_seconds").asDouble()).as(pair).isCloseTo(newest - want[1] / 1000.0, org.assertj.core.data.Offset.offset(0.002));
            assertThat(c.path("cycle_runs").asInt()).as(pair).isEqualTo(4);
            assertThat(c.path("stale").asBoolean()).as(pair).isEqualTo(isStale);
            assertThat(d.path("ages").path(pair).asText()).as(pair).isEqualTo(age + " " + (newestRun - want[0]) + " " + isStale);
            assertThat(d.path("titles").path(pair).asText()).as(pair).contains("latest result run " + want[0] + ", ");
            assertThat(d.path("faded").path(pair).asDouble()).as(pair).isEqualTo(isStale ? 0.35 : 1.0);
            if (isStale) {
                stale++;
                assertThat(d.path("titles").path(pair).asText()).contains("before the newest result")
                        .contains("not measured within its cycle (every pair once in 4 runs)");
            }
            if (c.path("runs_behind").asLong() > 0) {
                // e.g. "3 h 20 min before the newest result (5 runs before)"
                assertThat(d.path("titles").path(pair).asText()).containsPattern(
                        "\\d+ (s|min|h)( \\d+ min)? before the newest result \\(" + (newestRun - want[0]) + " runs? before\\)");
            } else {
                assertThat(d.path("titles").path(pair).asText()).contains("in the newest run");
            }
        }
        assertThat(stale).isEqualTo(3);
        // the stale pairs listed, oldest first, all three on the first screen beside the heatmap, with the failures and the slowest
        List<String> listed = texts(d.path("stale"));
        assertThat(listed).hasSize(3);
        for (String pair : r.stale()) {
            assertThat(listed).anySatisfy(l -> assertThat(l).contains("(" + pair + ")").contains("before the newest result"));
        }
        assertThat(d.path("staleBottom").asDouble()).isPositive().isLessThan(1080);
        assertThat(d.path("slowBottom").asDouble()).isPositive().isLessThan(1080);
        assertThat(d.path("failedBottom").asDouble()).isPositive().isLessThan(1080);
        // fl004's 22 tests failed in the last cycle: one line, the host they share named
        assertThat(d.path("failedFirst").asText()).startsWith("22 tests (all with fl004): 22 of 44 runs failed (50 %)")
                .contains(FleetSession.REFUSED);
        assertThat(d.path("newest").asText()).contains("run " + newestRun);
        assertThat(d.path("opened")).hasSize(1);
        assertThat(d.path("opened").get(0).asText()).startsWith("test r_" + stalePair.replace(" → ", "-")).contains("stale");
        long[] want = latest.get(stalePair);
        assertThat(d.path("openedAge").asText()).contains("Latest result: run " + want[0]).contains("Not measured within its cycle")
                .endsWith("| " + Math.round(newest - want[1] / 1000.0));
        assertThat(d.path("charts").asInt()).isPositive();
        Chromium.screenshot(html, SHOTS.resolve("rotating12-overview.png"));

        // --stale-after 25m: a latest result older than 25 min before the newest result is stale too, whatever its cycle
        Path spanned = OUT.resolve("rotating12-span.html");
        HtmlReport.builder().add(r.dir()).staleAfter(java.time.Duration.ofMinutes(25)).build().write(spanned);
        JsonNode s = drive(spanned, "rotating12-span", """
                var table = document.querySelector('[data-overview="history"] table.heat');
                out.cells = JSON.parse(table.getAttribute('data-cells'));
                out.head = Array.prototype.map.call(document.querySelectorAll('.ov-side h4'), function (h) { return h.textContent; })
                  .filter(function (t) { return t.indexOf('Not measured') === 0; }).join();
                out.titles = {};
                Array.prototype.forEach.call(table.querySelectorAll('td[data-pair]'), function (td) { out.titles[td.getAttribute('data-pair')] = td.title; });
                done();
                """, "--window-size=1920,1080");
        int late = 0;
        for (var e : s.path("cells").properties()) {
            String pair = e.getKey();
            double age = newest - latest.get(pair)[1] / 1000.0;
            boolean byCycle = r.stale().contains(pair), bySpan = age > 25 * 60;
            assertThat(e.getValue().path("stale").asBoolean()).as(pair).isEqualTo(byCycle || bySpan);
            if (bySpan && !byCycle) {
                late++;
                assertThat(s.path("titles").path(pair).asText()).as(pair).contains("; older than 25 min (--stale-after)");
            }
        }
        assertThat(late).as("the first run of the last cycle: ~30 min old, within its cycle").isPositive();
        int total = late + 3;
        assertThat(s.path("head").asText()).isEqualTo("Not measured within their cycle or 25 min (" + total + "), oldest first");
    }

    /**
     * A rotating mesh of 80 hosts (6 320 ordered pairs, {@code per_run: 2107}, 3 runs a cycle, two cycles): past 64 hosts
     * a history's heatmap is one canvas, no table cell at all; the pointer over a stale pair's cell gives the canvas that pair's
     * title with its age (hit testing), a click opens that test's history; the stale pairs are listed on the first screen.
     */
    @Test
    void aFleetOf80HostsDrawsItsHeatmapOnACanvasWithTitlesByHitTesting() throws Exception {
        FleetSession.Rotation r = FleetSession.rotatingHistory(OUT.resolve("rotating80"), 80, 2107, 2, "fl007", "fl050", 997, 69);
        assertThat(r.cycle()).isEqualTo(3);
        Map<String, long[]> latest = latestResults(r.dir());
        double newest = latest.values().stream().mapToDouble(v -> v[1] / 1000.0).max().orElseThrow();
        Path html = OUT.resolve("rotating80.html");
        HtmlReport.builder().add(r.dir()).build().write(html);
        String stalePair = r.stale().get(r.stale().size() / 2);
        String[] ends = stalePair.split(" → ");
        int row = Integer.parseInt(ends[0].substring(2)) - 1, col = Integer.parseInt(ends[1].substring(2)) - 1;
        JsonNode d = drive(html, "rotating80", """
                var cv = document.querySelector('[data-overview="history"] canvas.heat-canvas');
                out.canvas = !!cv; out.tds = document.querySelectorAll('table.heat td').length;
                out.pairs = cv.getAttribute('data-pairs');
                var size = Number(cv.getAttribute('data-cell-px')), m = Number(cv.getAttribute('data-margin-px'));
                var box = cv.getBoundingClientRect();
                out.right = box.right; out.bottom = box.bottom;
                var at = { clientX: box.left + m + %d * size + size / 2, clientY: box.top + m + %d * size + size / 2, bubbles: true, view: window };
                cv.dispatchEvent(new MouseEvent('mousemove', at));
                out.title = cv.title; out.hover = cv.getAttribute('data-hover'); out.age = cv.getAttribute('data-age'); out.stale = cv.getAttribute('data-stale');
                out.listed = Array.prototype.map.call(document.querySelectorAll('.ov-stale li'), function (li) { return li.textContent; });
                out.staleHead = Array.prototype.map.call(document.querySelectorAll('.ov-side h4'), function (h) { return h.textContent; })
                  .filter(function (t) { return t.indexOf('Not measured') === 0; }).join();
                out.staleBottom = document.querySelector('.ov-stale').getBoundingClientRect().bottom + window.scrollY;
                out.sections = document.querySelectorAll('details.history-test').length;
                cv.dispatchEvent(new MouseEvent('click', at));
                setTimeout(function () {
                  var open = document.querySelectorAll('details.history-test[open]');
                  out.opened = Array.prototype.map.call(open, function (o) { return o.querySelector('summary').textContent; });
                  out.charts = open.length ? open[0].querySelectorAll('canvas').length : 0;
                  done();
                }, 50);
                """.formatted(col, row), "--window-size=1920,1080");
        assertThat(d.path("canvas").asBoolean()).isTrue();
        assertThat(d.path("tds").asInt()).isZero();
        assertThat(d.path("pairs").asInt()).isEqualTo(6_320);
        assertThat(r.stale()).hasSize(6);
        assertThat(d.path("right").asDouble()).isLessThan(1920);
        assertThat(d.path("hover").asText()).isEqualTo(stalePair);
        long[] want = latest.get(stalePair);
        assertThat(d.path("title").asText()).startsWith(stalePair + " · last run skipped").contains("latest result run " + want[0] + ", ")
                .contains("not measured within its cycle (every pair once in 3 runs)");
        assertThat(d.path("age").asLong()).isEqualTo(Math.round(newest - want[1] / 1000.0));
        assertThat(d.path("stale").asText()).isEqualTo("true");
        assertThat(d.path("staleHead").asText()).isEqualTo("Not measured within their cycle (" + r.stale().size() + "), oldest first");
        assertThat(d.path("listed")).hasSize(5);
        assertThat(d.path("staleBottom").asDouble()).isLessThan(1080);
        assertThat(d.path("sections").asInt()).as("no test's section made before it is opened").isZero();
        assertThat(d.path("opened")).hasSize(1);
        assertThat(d.path("opened").get(0).asText()).startsWith("test r_" + stalePair.replace(" → ", "-"));
        assertThat(d.path("charts").asInt()).isPositive();
        Chromium.screenshot(html, SHOTS.resolve("rotating80-overview.png"));
    }

    /** Each pair's latest result (its last ok or failed line: run, end time in ms) as the history's lines say, read with Jackson. */
    private static Map<String, long[]> latestResults(Path dir) throws IOException {
        Map<String, long[]> latest = new java.util.HashMap<>();
        try (var lines = Files.lines(dir.resolve("tests.jsonl"))) {
            for (String line : (Iterable<String>) lines::iterator) {
                JsonNode t = MAPPER.readTree(line);
                if (!t.path("status").asText().equals("skipped")) {
                    latest.put(t.path("sender").asText() + " → " + t.path("receiver").asText(),
                            new long[] {t.path("run").asLong(), Math.round(t.path("end_timestamp_seconds").asDouble() * 1000)});
                }
            }
        }
        return latest;
    }

    /**
     * Opens a copy of the page with a driver script appended (BODY runs once the page is ready, fills
     * {@code out} and calls {@code done()}), checks the page stayed clean, and returns {@code out}.
     */
    private static JsonNode drive(Path html, String name, String body, String... flags) throws Exception {
        String page = Files.readString(html);
        String driver = """
                <script>
                (function () {
                  var out = {};
                  function done() { document.documentElement.setAttribute('data-driver', JSON.stringify(out)); }
                  function wait() {
                    if (!document.documentElement.getAttribute('data-status')) { setTimeout(wait, 10); return; }
                    %s
                  }
                  wait();
                })();
                </script>
                """.formatted(body);
        int at = page.lastIndexOf("</body>");
        assertThat(at).isPositive();
        Path driven = OUT.resolve(name + "-driven.html");
        Files.writeString(driven, page.substring(0, at) + driver + page.substring(at));
        Chromium.Page p = Chromium.open(driven, flags);
        ReportInBrowserTest.assertClean(p);
        String json = p.htmlAttributes().get("data-driver");
        assertThat(json).as("the driver's record (did it run to the end?)").isNotNull();
        return MAPPER.readTree(json);
    }
}
