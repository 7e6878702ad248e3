package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.lab.IperfJar;
import io.iperf3j.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iperf3j report} of a scheduled session's history (issue 39), both as processes of the built jar: a
 * plan of two loopback tests {@code every: 3s} for 3 runs with the real iperf3 ({@code /usr/bin/iperf3}),
 * one of them between good hosts and one from a host whose iperf3 is gone (a wrapper that fails, as
 * {@link ScheduleSharedHostsTest}'s down host), so every run of it fails; its {@code tests.jsonl} split in two
 * as the session's rotation would (the first lines moved to {@code tests.jsonl.1}); then
 * {@code iperf3j report OUT -o history.html}, opened in headless Chromium without network: the page is
 * ready with no error, its table counts each test's ok, failed and skipped runs as the lines do, the failing
 * test's throughput chart draws its failed runs (0, marked) and the good test's points are its lines'
 * received rates, in run order across the two files.
 */
@Tag("browser")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class ScheduleHistoryReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theReportOfAScheduledSessionDrawsEachTestsRunsWithItsFailures() throws Exception {
        Chromium.require();
        String iperf3j = IperfJar.command();
        // node ids with a random tag: an id names the host's session folder, whose stale runs a session kills
        String t = tag("h");
        Path plan = twoTestPlan(dir, t, "hist", 40000 + (int) (ProcessHandle.current().pid() % 9000), "schedule: {every: 3s, runs: 3}");
        Path out = dir.resolve("out");
        List<String> session = new ArrayList<>(List.of(iperf3j.split(" ")));
        session.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
        ProcessRun.toEnd(session, dir.resolve("session.txt"), 120);

        List<JsonNode> lines = ScheduleProcessTest.lines(out);
        assertThat(lines).as("3 runs of 2 tests").hasSize(6);
        String good = "hist_" + t + "a-" + t + "b";
        String bad = "hist_" + t + "c-" + t + "a";
        assertThat(lines).filteredOn(j -> j.path("id").asText().equals(bad))
                .allSatisfy(j -> assertThat(j.path("status").asText()).as(j.toString()).isEqualTo("failed"));
        assertThat(lines).allSatisfy(j -> assertThat(j.path("end_timestamp_seconds").isNumber()).as(j.toString()).isTrue());
        // as the session's rotation leaves it: the older lines in tests.jsonl.1
        List<String> text = Files.readAllLines(out.resolve("tests.jsonl"));
        Files.write(out.resolve("tests.jsonl.1"), text.subList(0, 3));
        Files.write(out.resolve("tests.jsonl"), text.subList(3, text.size()));

        Path html = dir.resolve("history.html");
        List<String> report = new ArrayList<>(List.of(iperf3j.split(" ")));
        report.addAll(List.of("report", out.toString(), "-o", html.toString()));
        ProcessRun.toEnd(report, dir.resolve("report.txt"), 60);

        Chromium.Page page = Chromium.open(html);
        assertThat(page.htmlAttributes().get("data-status")).as(page.console().toString()).isEqualTo("ready");
        assertThat(page.console()).as("console messages").isEmpty();
        assertThat(page.dom()).contains("History: 2 tests, schedule runs 1\u20133, 6 results (one per test and run)", "Overview: 2 tests", "read tests.jsonl.1, tests.jsonl (oldest first)",
                "Input limit: at most 500 points per test");
        String lastError = lines.stream().filter(j -> j.path("id").asText().equals(bad)).reduce((a, b) -> b).orElseThrow()
                .path("error").asText();
        assertThat(page.dom()).as("the failing test's last error").contains(
                "run 3: " + lastError.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
        JsonNode table = JSON.readTree(page.chart("history-table").get("data-tests"));
        for (String id : List.of(good, bad)) {
            List<JsonNode> its = lines.stream().filter(j -> j.path("id").asText().equals(id)).toList();
            for (String status : List.of("ok", "failed", "skipped")) {
                assertThat(table.path(id).path(status).asLong()).as("%s %s: %s", id, status, table)
                        .isEqualTo(its.stream().filter(j -> j.path("status").asText().equals(status)).count());
            }
            assertThat(table.path(id).path("points").asInt()).isEqualTo(3);
        }
        // the failing test: its 3 runs drawn as 0 and marked, not a gap
        Map<String, String> badChart = page.chart("history:" + bad + ":received_bits_per_second");
        JsonNode drawn = JSON.readTree(badChart.get("data-points"));
        assertThat(drawn.path("Throughput (received)").asInt()).as("%s", drawn).isEqualTo(3);
        assertThat(drawn.path("failed runs").asInt()).as("%s", drawn).isEqualTo(3);
        Map<String, String> goodChart = page.chart("history:" + good + ":received_bits_per_second");
        assertThat(JSON.readTree(goodChart.get("data-points")).path("failed runs").asInt()).isZero();
        // the good test's points are its lines' rates and times, in run order across the two files
        JsonNode model = SessionReportTest.model(Files.readString(html));
        JsonNode points = null;
        for (JsonNode h : model.path("history").path("tests")) {
            if (h.path("id").asText().equals(good)) {
                points = h.path("points");
            }
        }
        assertThat(points).as("%s in the model", good).isNotNull();
        List<JsonNode> goodLines = lines.stream().filter(j -> j.path("id").asText().equals(good)).toList();
        for (int i = 0; i < 3; i++) {
            JsonNode l = goodLines.get(i);
            assertThat(points.path("first_run").get(i).asLong()).isEqualTo(i + 1).isEqualTo(l.path("run").asLong());
            assertThat(points.path("received_bits_per_second").get(i).asLong())
                    .isEqualTo(Math.round(l.path("received_bits_per_second").asDouble())).isPositive();
            assertThat(points.path("time").get(i).asDouble()).isEqualTo(l.path("end_timestamp_seconds").asDouble());
            assertThat(points.path("retransmits").get(i).isNumber()).as("TCP retransmits, %s", l).isTrue();
        }
    }

    /** A random tag for node ids, {@code prefix} and 4 hex digits. */
    static String tag(String prefix) {
        return prefix + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
    }

    /**
     * Writes {@code dir/plan.yaml}: loopback hosts {@code TAGa} (127.0.0.1), {@code TAGb} (.2) and {@code TAGc} (.3, whose
     * iperf3 is gone: a wrapper that fails, as {@link ScheduleSharedHostsTest}'s down host), and one test {@code name} of
     * the pairs {@code TAGa -> TAGb} and {@code TAGc -> TAGa} (every run of it fails), 1 s up on {@code port}.
     *
     * @param schedule a plan line ({@code schedule: {...}}), or empty
     */
    static Path twoTestPlan(Path dir, String tag, String name, int port, String schedule) throws java.io.IOException {
        Path gone = dir.resolve("gone.sh");
        Files.writeString(gone, "#!/bin/sh\necho 'iperf3: not installed on this host' >&2\nexit 1\n");
        Files.setPosixFilePermissions(gone, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                  - {id: %1$sc, address: 127.0.0.3, iperf: iperf3, commands: {iperf3: '%3$s'}}
                %5$s
                tests:
                  - {name: %4$s, pairs: [[%1$sa, %1$sb], [%1$sc, %1$sa]], direction: up, duration: 1, port: %2$d}
                """.formatted(tag, port, gone, name, schedule));
        return plan;
    }

}
