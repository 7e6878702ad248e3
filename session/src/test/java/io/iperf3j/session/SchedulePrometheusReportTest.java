package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.lab.IperfJar;
import io.iperf3j.session.lab.Prometheus;
import io.iperf3j.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iperf3j report prometheus+http://…} (issue 39), as processes of the built jar with the real Prometheus
 * ({@code /usr/bin/prometheus}) scraping a scheduled session's {@code --metrics.listen} every second: a plan of
 * two loopback tests {@code --every 3s} with the real iperf3 ({@code /usr/bin/iperf3}), one between good hosts and
 * one from a host whose iperf3 is gone (every run fails), stopped once Prometheus holds 3 runs of each; then the
 * report drawn from Prometheus's range query, opened in headless Chromium: one history chart per test, and
 * every run drawn is a line of the session's own tests.jsonl, with that line's run number, status, end time
 * and received rate (so a report drawn from anything but those series would fail); every run Prometheus
 * scraped twice or more (its raw samples, the scrape grid's ground truth) is drawn, and none it did not
 * scrape; the failing test's runs are drawn as 0 and marked. The same report without {@code --match} and with
 * {@code --since} draws the same tests and runs. A {@code --match} Prometheus cannot parse ends the report
 * with status 1 and Prometheus's own error text.
 */
@Tag("tool")
@Tag("browser")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class SchedulePrometheusReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theReportFromPrometheusDrawsTheRunsOfTestsJsonl() throws Exception {
        Chromium.require();
        String iperf3j = IperfJar.command();
        // node ids with a random tag: an id names the host's session folder, whose stale runs a session kills
        String t = ScheduleHistoryReportTest.tag("p");
        Path plan = ScheduleHistoryReportTest.twoTestPlan(dir, t, "prom", 12000 + (int) (ProcessHandle.current().pid() % 8000), "");
        String good = "prom_" + t + "a-" + t + "b";
        String bad = "prom_" + t + "c-" + t + "a";
        String job = "iperf3j_" + t;
        Path out = dir.resolve("out");
        // Prometheus first, so it scrapes the session from its first run: the port chosen here, free a moment ago
        int metricsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            metricsPort = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--every", "3s", "--metrics.listen",
                "127.0.0.1:" + metricsPort, "--slot-dir", dir.resolve("slots").toString()));
        long started = System.currentTimeMillis() / 1000 - 1;
        Path log = dir.resolve("session.txt");
        Prometheus prometheus = Prometheus.scraping(Files.createDirectories(dir.resolve("prometheus")), "127.0.0.1:" + metricsPort, job);
        Process session = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // Prometheus's first scrape of the target (its discovery sends targets up to 5 s after start), before run 1
            while (prometheus.query("up{job=\"" + job + "\"}").isEmpty()) {
                assertThat(System.nanoTime()).as("Prometheus did not scrape: %s", prometheus.log()).isLessThan(deadline);
                Thread.sleep(100);
            }
            session = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            // until Prometheus holds run 3 of both tests
            while (true) {
                JsonNode held = prometheus.query("min(iperf3j_session_last_run{job=\"" + job + "\"}) >= 3 and count(iperf3j_session_last_run{job=\""
                        + job + "\"}) == 2");
                if (!held.isEmpty()) {
                    break;
                }
                assertThat(System.nanoTime()).as("Prometheus did not see 3 runs: %s %s", Files.readString(log), prometheus.log())
                        .isLessThan(deadline);
                assertThat(session.isAlive()).as("the session ended early: %s", Files.readString(log)).isTrue();
                Thread.sleep(200);
            }
            session.destroy(); // SIGTERM: the session ends as a user stops it
            assertThat(session.waitFor(30, TimeUnit.SECONDS)).as("the session did not stop: %s", Files.readString(log)).isTrue();
            String server = "prometheus+" + prometheus.url();
            long now = System.currentTimeMillis() / 1000 + 1;

            // Prometheus's own error text when it refuses the query
            Path refused = dir.resolve("refused.html");
            Path refusedLog = dir.resolve("refused.txt");
            Process bad1 = run(iperf3j, List.of("report", server, "--since", "10m", "--match", "{job=~\"(\"}", "-o", refused.toString()),
                    refusedLog);
            assertThat(bad1.exitValue()).as(Files.readString(refusedLog)).isEqualTo(1);
            assertThat(Files.readString(refusedLog)).contains("iperf3j report: error - " + server + ": query_range iperf3j_session_last_run",
                    "HTTP 400: Prometheus says: bad_data: ", "missing closing )", "iperf3j report: nothing written");
            assertThat(refused).doesNotExist();

            Path html = dir.resolve("history.html");
            Path reportLog = dir.resolve("report.txt");
            Process report = run(iperf3j, List.of("report", server, "--from", Long.toString(started), "--to", Long.toString(now),
                    "--match", "{job=\"" + job + "\"}", "-o", html.toString()), reportLog);
            assertThat(report.exitValue()).as(Files.readString(reportLog)).isZero();

            // without --match (this Prometheus holds one session) and with --since 4m (a 1 s step still): the same runs
            Path all = dir.resolve("all.html");
            Path allLog = dir.resolve("all.txt");
            assertThat(run(iperf3j, List.of("report", server, "--since", "4m", "-o", all.toString()), allLog).exitValue())
                    .as(Files.readString(allLog)).isZero();
            assertThat(SessionReportTest.model(Files.readString(all)).path("history").path("tests"))
                    .isEqualTo(SessionReportTest.model(Files.readString(html)).path("history").path("tests"));

            List<JsonNode> lines = ScheduleProcessTest.lines(out);
            Map<String, JsonNode> byRun = new HashMap<>();
            lines.forEach(j -> byRun.put(j.path("id").asText() + "/" + j.path("run").asLong(), j));
            Chromium.Page page = Chromium.open(html);
            assertThat(page.htmlAttributes().get("data-status")).as(page.console().toString()).isEqualTo("ready");
            assertThat(page.console()).as("console messages").isEmpty();
            assertThat(page.dom()).contains("History: 2 tests", server + ": query_range iperf3j_session_…{job=\"" + job + "\"}",
                    "one sample every 1 s");
            JsonNode table = JSON.readTree(page.chart("history-table").get("data-tests"));
            assertThat(table.size()).as("%s", table).isEqualTo(2);
            JsonNode model = SessionReportTest.model(Files.readString(html));
            for (JsonNode h : model.path("history").path("tests")) {
                String id = h.path("id").asText();
                assertThat(id).isIn(good, bad);
                Map<String, String> chart = page.chart("history:" + id + ":received_bits_per_second");
                JsonNode drawn = JSON.readTree(chart.get("data-points"));
                JsonNode points = h.path("points");
                int n = points.path("first_run").size();
                assertThat(drawn.path("Throughput (received)").asInt()).as("%s: %s", id, drawn).isEqualTo(n);
                List<Long> runs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    long run = points.path("first_run").get(i).asLong();
                    runs.add(run);
                    assertThat(points.path("last_run").get(i).asLong()).isEqualTo(run);
                    JsonNode line = byRun.get(id + "/" + run);
                    assertThat(line).as("run %d of %s is a line of tests.jsonl: %s", run, id, lines).isNotNull();
                    assertThat(points.path("time").get(i).asDouble()).as("%s run %d", id, run)
                            .isEqualTo(line.path("end_timestamp_seconds").asDouble());
                    boolean ok = line.path("status").asText().equals("ok");
                    assertThat(points.path("ok").get(i).asInt()).as("%s run %d: %s", id, run, line).isEqualTo(ok ? 1 : 0);
                    assertThat(points.path("failed").get(i).asInt()).as("%s run %d: %s", id, run, line).isEqualTo(ok ? 0 : 1);
                    long rate = points.path("received_bits_per_second").get(i).asLong();
                    if (ok) {
                        assertThat(rate).as("%s run %d", id, run).isPositive()
                                .isEqualTo(Math.round(line.path("received_bits_per_second").asDouble()));
                        assertThat(points.path("retransmits").get(i).asLong()).isEqualTo(line.path("retransmits").asLong());
                    } else {
                        assertThat(rate).as("a failed run is 0").isZero();
                    }
                }
                // the scrape grid: a run is drawn when Prometheus scraped it; one it held for two scrapes or more must be
                Map<Long, Integer> scraped = new java.util.TreeMap<>();
                for (JsonNode sample : prometheus.queryAt("iperf3j_session_last_run{job=\"" + job + "\",id=\"" + id + "\"}[15m]", now)
                        .get(0).path("values")) {
                    scraped.merge(sample.get(1).asLong(), 1, Integer::sum);
                }
                assertThat(runs).as("%s: the runs in order, each scraped: %s", id, scraped).isSorted().doesNotHaveDuplicates()
                        .hasSizeGreaterThanOrEqualTo(2).allSatisfy(r -> assertThat(scraped).containsKey(r));
                scraped.forEach((r, samples) -> {
                    if (samples >= 2) {
                        assertThat(runs).as("%s: run %d, scraped %d times", id, r, samples).contains(r);
                    }
                });
                assertThat(table.path(id).path("points").asInt()).isEqualTo(n);
                // the counts are the session's counters (issue 46): every run, also one scraped once and not drawn
                if (id.equals(bad)) {
                    assertThat(drawn.path("failed runs").asInt()).as("%s", drawn).isEqualTo(n);
                    assertThat(table.path(id).path("failed").asLong()).isGreaterThanOrEqualTo(n);
                    assertThat(table.path(id).path("ok").asLong()).isZero();
                } else {
                    assertThat(drawn.path("failed runs").asInt()).as("%s", drawn).isZero();
                    assertThat(table.path(id).path("ok").asLong()).isGreaterThanOrEqualTo(n);
                    assertThat(table.path(id).path("failed").asLong()).isZero();
                }
            }

            // issue 46: over --since 6h (the default range; a sample every 44 s, far longer than a run) the counts are
            // tests.jsonl's, run for run, and the last status the last run's. Prometheus holds the runs up to the
            // last_run of its last scrape (a run that ended after it, before SIGTERM, it never saw)
            Path six = dir.resolve("six.html");
            Path sixLog = dir.resolve("six.txt");
            assertThat(run(iperf3j, List.of("report", server, "--since", "6h", "--match", "{job=\"" + job + "\"}", "-o", six.toString()),
                    sixLog).exitValue()).as(Files.readString(sixLog)).isZero();
            Chromium.Page sixPage = Chromium.open(six);
            assertThat(sixPage.htmlAttributes().get("data-status")).as(sixPage.console().toString()).isEqualTo("ready");
            assertThat(sixPage.dom()).contains("one sample every 44 s");
            JsonNode sixTable = JSON.readTree(sixPage.chart("history-table").get("data-tests"));
            JsonNode sixModel = SessionReportTest.model(Files.readString(six)).path("history").path("tests");
            assertThat(sixModel.size()).isEqualTo(2);
            long allRuns = 0;
            for (JsonNode h : sixModel) {
                String id = h.path("id").asText();
                JsonNode held = prometheus.queryAt("iperf3j_session_last_run{job=\"" + job + "\",id=\"" + id + "\"}[15m]", now).get(0)
                        .path("values");
                long lastSeen = held.get(held.size() - 1).get(1).asLong();
                List<JsonNode> mine = lines.stream().filter(j -> j.path("id").asText().equals(id) && j.path("run").asLong() <= lastSeen)
                        .toList();
                long ok = mine.stream().filter(j -> j.path("status").asText().equals("ok")).count();
                long failed = mine.stream().filter(j -> j.path("status").asText().equals("failed")).count();
                long skipped = mine.stream().filter(j -> j.path("status").asText().equals("skipped")).count();
                String lastStatus = mine.stream().filter(j -> j.path("run").asLong() == lastSeen).findFirst().orElseThrow()
                        .path("status").asText();
                assertThat(List.of(h.path("ok").asLong(), h.path("failed").asLong(), h.path("skipped").asLong()))
                        .as("%s: ok, failed, skipped up to run %d: %s", id, lastSeen, mine).containsExactly(ok, failed, skipped);
                assertThat(h.path("last_status").asText()).as("%s: run %d's status", id, lastSeen).isEqualTo(lastStatus);
                assertThat(sixTable.path(id).path("ok").asLong()).isEqualTo(ok);
                assertThat(sixTable.path(id).path("failed").asLong()).isEqualTo(failed);
                assertThat(sixPage.dom()).contains((ok + failed + skipped) + " runs: " + ok + " ok, " + failed + " failed, " + skipped
                        + " skipped");
                assertThat(ok + failed).as("%s: more runs than 6 h / 44 s steps could draw", id).isGreaterThanOrEqualTo(3);
                allRuns += ok + failed + skipped;
            }
            assertThat(sixPage.dom()).contains("History: 2 tests, schedule run", ", " + allRuns + " results (one per test and run)", "The counts are the session\u2019s counters over the"
                    + " range", "Prometheus holds no skipped run\u2019s number and no failure\u2019s text");
        } finally {
            if (session != null) {
                session.destroyForcibly();
                session.waitFor(10, TimeUnit.SECONDS);
            }
            prometheus.close();
        }
    }

    /** Runs {@code iperf3j args} to its end within 60 s. */
    private static Process run(String iperf3j, List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s did not end: %s", cmd, Files.readString(log)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        return p;
    }
}
