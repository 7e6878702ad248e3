package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iperf3j.session.lab.IperfJar;
import io.iperf3j.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled session ends as a plan run once does (issue 57: it ended with just {@code schedule ended}): its output and
 * {@code summary.txt} hold the counts of every run (per test: ok, failed, skipped, and its last status), the summaries
 * (txt, csv, md) the matrix of each test's last run that ran, and {@code iperf3j report OUT}'s history page, opened in
 * headless Chromium, says what limited each test ({@code --why}: the {@code why} of its last ok run in
 * {@code tests.jsonl}) in a "limited by" column. As processes of the built jar: two loopback tests of iperf3j hosts
 * {@code every: 4s} for 2 runs, one of them from a host whose iperf3j is gone (every run of it fails).
 */
@Tag("browser")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class ScheduleEndSummaryTest {
    @TempDir
    Path dir;

    @Test
    void aScheduleEndsWithTheSummariesOfItsRunsAndItsHistoryPageSaysWhatLimitedEachTest() throws Exception {
        Chromium.require();
        String iperf3j = IperfJar.command();
        String t = ScheduleHistoryReportTest.tag("e");
        Path gone = dir.resolve("gone.sh");
        Files.writeString(gone, "#!/bin/sh\necho 'iperf3j: not installed on this host' >&2\nexit 1\n");
        Files.setPosixFilePermissions(gone, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port = 41000 + (int) (ProcessHandle.current().pid() % 9000);
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, commands: {iperf3j: '%3$s'}}
                  - {id: %1$sb, address: 127.0.0.2, commands: {iperf3j: '%3$s'}}
                  - {id: %1$sc, address: 127.0.0.3, commands: {iperf3j: '%4$s'}}
                schedule: {every: 4s, runs: 2}
                tests:
                  - {name: end, pairs: [[%1$sa, %1$sb], [%1$sc, %1$sa]], direction: up, duration: 1, port: %2$d}
                """.formatted(t, port, iperf3j, gone));
        Path out = dir.resolve("out");
        List<String> session = new ArrayList<>(List.of(iperf3j.split(" ")));
        session.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
        String said = ProcessRun.toEnd(session, dir.resolve("session.txt"), 180);

        String good = "end_" + t + "a-" + t + "b";
        String bad = "end_" + t + "c-" + t + "a";
        List<JsonNode> lines = ScheduleProcessTest.lines(out);
        assertThat(lines).as("2 runs of 2 tests").hasSize(4);
        JsonNode lastGood = lines.stream().filter(j -> j.path("id").asText().equals(good)).reduce((a, b) -> b).orElseThrow();
        assertThat(lastGood.path("status").asText()).as(said).isEqualTo("ok");

        // the end: after "schedule ended", summary.txt as a plan's, with the schedule's counts
        String summary = Files.readString(out.resolve("summary.txt"));
        assertThat(said.substring(said.indexOf("schedule ended"))).as(said).isEqualTo("schedule ended\n" + summary);
        // counted as the lines say (a loaded machine may skip a run: its slip is the period)
        long[] all = new long[3];
        for (String id : List.of(good, bad)) {
            List<JsonNode> its = lines.stream().filter(j -> j.path("id").asText().equals(id)).toList();
            long[] c = new long[3];
            List<String> statuses = List.of("ok", "failed", "skipped");
            its.forEach(j -> c[statuses.indexOf(j.path("status").asText())]++);
            for (int i = 0; i < 3; i++) {
                all[i] += c[i];
            }
            JsonNode last = its.getLast();
            assertThat(summary).containsPattern("(?m)^  " + Pattern.quote(id) + " +" + c[0] + " +" + c[1] + " +" + c[2] + "  "
                    + last.path("status").asText() + " \\(run " + last.path("run").asLong() + "\\)$");
        }
        assertThat(all[1]).as("the gone host's runs that failed").isPositive();
        assertThat(summary).contains("1 ok, 1 failed\n")
                .contains("schedule: 2 run(s) of 2 test(s), 4 result(s): " + all[0] + " ok, " + all[1] + " failed, " + all[2]
                        + " skipped\n")
                .containsPattern("last status of each test: 1 ok, [01] failed, [01] skipped");
        // the matrix is of each test's last run: the good pair's rate is its last line's
        String csv = Files.readString(out.resolve("summary.csv"));
        assertThat(csv).contains(String.format(Locale.ROOT, "%.1f", lastGood.path("received_bits_per_second").asDouble() / 1e6));
        assertThat(Files.readString(out.resolve("summary.md"))).contains("schedule: 2 run(s) of 2 test(s)");

        // the history page: the good test's "limited by" is its last ok run's verdicts
        Path html = dir.resolve("history.html");
        List<String> report = new ArrayList<>(List.of(iperf3j.split(" ")));
        report.addAll(List.of("report", out.toString(), "-o", html.toString()));
        ProcessRun.toEnd(report, dir.resolve("report.txt"), 60);
        Chromium.Page page = Chromium.open(html);
        assertThat(page.htmlAttributes().get("data-status")).as(page.console().toString()).isEqualTo("ready");
        assertThat(page.console()).as("console messages").isEmpty();
        assertThat(page.dom()).contains("<th>limited by</th>");
        List<String> causes = new ArrayList<>();
        lastGood.path("why").forEach(w -> causes.add(w.path("cause").asText()));
        assertThat(causes).as("the session's verdicts (--why) of %s", lastGood).isNotEmpty();
        Map<String, String> cells = whyCells(page.dom());
        assertThat(cells).as(page.dom()).containsKeys(good, bad);
        assertThat(cells.get(good)).as("the good test's limited by").isEqualTo(String.join(" ", causes));
        assertThat(cells.get(bad)).as("a test with no ok run has no verdict").isEmpty();
    }

    /** The history table's "limited by" cells by test id: their causes ({@code data-cause}), "" for an empty cell. */
    private static Map<String, String> whyCells(String dom) {
        Map<String, String> cells = new java.util.HashMap<>();
        Matcher row = Pattern.compile("<tr><td><a href=\"#history-\\d+\">([^<]+)</a></td>(.*?)</tr>").matcher(dom);
        while (row.find()) {
            Matcher cell = Pattern.compile("<td class=\"history-why\"(?: data-cause=\"([^\"]*)\")?").matcher(row.group(2));
            if (cell.find()) {
                cells.put(row.group(1), cell.group(1) == null ? "" : cell.group(1));
            }
        }
        return cells;
    }

}
