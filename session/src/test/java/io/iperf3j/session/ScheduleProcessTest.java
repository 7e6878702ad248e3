package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.lab.IperfJar;
import io.iperf3j.session.lab.Prometheus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iperf3j session PLAN --every} as a process, as the systemd unit runs it: three local hosts on
 * loopback running the real iperf3 ({@code /usr/bin/iperf3}), a 3-test plan every 6 s ({@code --every} over the
 * plan's 1h) for 4 runs, {@code --metrics.listen} scraped by a real Prometheus (one series per test, a
 * sample at every scrape) and by the test while it runs; killed with
 * SIGKILL in the middle and started again with the same command line: it takes its schedule up where it was
 * and {@code tests.jsonl} holds every (run, test) exactly once.
 */
@Tag("tool")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class ScheduleProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRICS = Pattern.compile("metrics on (http://[0-9.]+:[0-9]+/metrics)");

    @TempDir
    Path dir;

    @Test
    void runsOnItsScheduleServesMetricsAndResumesAfterSigkill() throws Exception {
        String iperf3j = IperfJar.command();
        Path plan = dir.resolve("plan.yaml");
        // node ids with a random tag: an id names the host's session folder, whose stale runs a session kills
        String t = "s" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        Files.writeString(plan, """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                  - {id: %1$sc, address: 127.0.0.3, iperf: iperf3}
                schedule: {every: 1h, runs: 4}
                tests:
                  - {name: loop, mesh: [%1$sa, %1$sb, %1$sc], direction: up, duration: 1, port: %2$d}
                """.formatted(t, 20000 + ProcessHandle.current().pid() % 20000));
        Path out = dir.resolve("out");
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--every", "6s", "--metrics.listen", "127.0.0.1:0",
                "--slot-dir", dir.resolve("slots").toString()));
        Path first = dir.resolve("first.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(first.toFile()).start();
        Path promDir = Files.createDirectories(dir.resolve("prometheus"));
        Prometheus prometheus = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Matcher m = METRICS.matcher("");
            while (!m.find()) {
                assertThat(System.nanoTime()).as("no metrics address: %s", Files.readString(first)).isLessThan(deadline);
                assertThat(p.isAlive()).as("the session ended early: %s", Files.readString(first)).isTrue();
                Thread.sleep(50);
                m = METRICS.matcher(Files.readString(first));
            }
            String metricsUrl = m.group(1);
            // at once, before tests 2 and 3 are due (2 s and 4 s into the run): a test without a run has no
            // test_success sample, as it has no last_run, so an alert on test_success == 0 means a failed run
            String start = scrape(metricsUrl);
            assertThat(start.lines().filter(l -> l.startsWith("iperf3j_session_test_success{")).count()).as(start)
                    .isEqualTo(start.lines().filter(l -> l.startsWith("iperf3j_session_last_run{")).count()).isLessThan(3);
            prometheus = Prometheus.scraping(promDir, URI.create(metricsUrl).getAuthority(), "iperf3j_session");
            while (lines(out).size() < 4) {
                assertThat(System.nanoTime()).as("4 runs did not end: %s", Files.readString(first)).isLessThan(deadline);
                assertThat(p.isAlive()).as("the session ended early: %s", Files.readString(first)).isTrue();
                Thread.sleep(100);
            }
            // a real Prometheus holds one series per test, a sample at every scrape from the test's first run: no gap
            JsonNode scrapes = prometheus.query("count_over_time(up{job=\"iperf3j_session\"}[5m])");
            while (scrapes.isEmpty() || scrapes.get(0).path("value").get(1).asInt() < 3) {
                assertThat(System.nanoTime()).as("Prometheus scraped too little: %s", prometheus.log()).isLessThan(deadline);
                Thread.sleep(200);
                scrapes = prometheus.query("count_over_time(up{job=\"iperf3j_session\"}[5m])");
            }
            assertThat(prometheus.query("min_over_time(up{job=\"iperf3j_session\"}[5m])").get(0).path("value").get(1).asText())
                    .isEqualTo("1");
            JsonNode series = prometheus.query("count_over_time(iperf3j_session_test_success[5m])");
            assertThat(series).hasSize(3);
            // the scrapes counted after the series', so a scrape between the two queries cannot make a false gap
            int scraped = prometheus.query("count_over_time(up{job=\"iperf3j_session\"}[5m])").get(0).path("value").get(1).asInt();
            assertThat(series).allSatisfy(s -> assertThat(s.path("value").get(1).asInt()).as("%s", s).isPositive()
                    .isLessThanOrEqualTo(scraped));
            // from its first run on, that is: a success sample at every scrape that has the test's last_run, and
            // none before it (the first scrapes, before a test was due, have neither)
            JsonNode runs = prometheus.query("count_over_time(iperf3j_session_last_run[5m])");
            Map<String, Integer> runSamples = new HashMap<>();
            runs.forEach(r -> runSamples.put(r.path("metric").path("id").asText(), r.path("value").get(1).asInt()));
            assertThat(series).allSatisfy(s -> assertThat(s.path("value").get(1).asInt()).as("%s %s", s, runs)
                    .isBetween(runSamples.get(s.path("metric").path("id").asText()) - 1,
                            runSamples.get(s.path("metric").path("id").asText()) + 1));
            String text = scrape(metricsUrl);
            assertThat(text).contains("# TYPE iperf3j_session_test_success gauge",
                    "iperf3j_session_test_success{direction=\"up\",id=\"loop_" + t + "a-" + t + "b\",kind=\"tcp\",protocol=\"tcp\","
                            + "receiver=\"" + t + "b\",repeat=\"1\",sender=\"" + t + "a\"} 1.0",
                    "iperf3j_session_runs_total{direction=\"up\",id=\"loop_" + t + "a-" + t + "b\"");
            assertThat(text.lines().filter(l -> l.startsWith("iperf3j_session_test_success{"))).hasSize(3);
            // the process's own series, as a server's (issue 66): its version, its start (a restart shows), its JVM
            assertThat(text).containsPattern("(?m)^iperf3j_build_info\\{java_version=\"[^\"]+\",version=\"[^\"]+\"\\} 1\\.0$")
                    .containsPattern("(?m)^process_start_time_seconds [0-9.E]+$").contains("jvm_memory_used_bytes{area=\"heap\"}");
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor(10, TimeUnit.SECONDS);
            if (prometheus != null) {
                prometheus.close();
            }
        }
        int before = lines(out).size();
        Path second = dir.resolve("second.txt");
        Process again = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(second.toFile()).start();
        try {
            assertThat(again.waitFor(90, TimeUnit.SECONDS)).as("the restarted session did not end: %s", Files.readString(second))
                    .isTrue();
            assertThat(again.exitValue()).as(Files.readString(second)).isZero();
        } finally {
            again.destroyForcibly();
        }
        assertThat(Files.readString(second)).contains("from run ", "schedule ended");
        List<JsonNode> all = lines(out);
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode j : all) {
            seen.merge(j.path("run").asLong() + "/" + j.path("id").asText(), 1, Integer::sum);
        }
        List<String> expected = new ArrayList<>();
        for (int run = 1; run <= 4; run++) {
            for (String pair : List.of("a-%1$sb", "b-%1$sc", "c-%1$sa")) {
                expected.add(run + "/loop_" + t + pair.formatted(t));
            }
        }
        assertThat(seen).as("every (run, test) once, before the kill %d line(s): %s", before, all)
                .containsOnlyKeys(expected).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        // the restart ran what was left (the last run at least), and the runs that ran, ran
        assertThat(all.stream().filter(j -> j.path("run").asLong() == 4)).allSatisfy(
                j -> assertThat(j.path("status").asText()).as(j.toString()).isEqualTo("ok"));
        assertThat(all).allSatisfy(j -> assertThat(j.path("status").asText()).as(j.toString()).isIn("ok", "skipped"));
        assertThat(out.resolve("schedule-state.json")).exists();
    }

    /**
     * Issue 66 as an operator meets it: a plan that gains two hosts while its schedule runs is read again for the next run (their
     * tests run, nothing restarted); a plan that does not read is said and the last good one kept; a SIGTERM in the middle of a
     * run names the tests it cut, and exits 0; a restart with a plan that lost those hosts names that run's tests it will not
     * run.
     */
    @Test
    void aPlanEditedWhileItRunsIsReadForTheNextRunAndCutsAreNamed() throws Exception {
        String iperf3j = IperfJar.command();
        Path plan = dir.resolve("plan.yaml");
        String t = "g" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        int port = 20000 + (int) ((ProcessHandle.current().pid() + 7) % 20000);
        String two = """
                parallel: true
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                schedule: {every: 6s, runs: 8}
                tests:
                  - {name: loop, mesh: [%1$sa, %1$sb], direction: up, duration: 1, port: %2$d}
                """.formatted(t, port);
        String three = two.replace("""
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                """.formatted(t), """
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                  - {id: %1$sc, address: 127.0.0.3, iperf: iperf3}
                  - {id: %1$sd, address: 127.0.0.4, iperf: iperf3}
                """.formatted(t)).replace("mesh: [%1$sa, %1$sb]".formatted(t), "mesh: [%1$sa, %1$sb, %1$sc, %1$sd]".formatted(t));
        Files.writeString(plan, two);
        Path out = dir.resolve("out");
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString(), "--slot-dir", dir.resolve("slots").toString()));
        Path first = dir.resolve("first.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(first.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int grownTests;
        try {
            waitFor(() -> lines(out).stream().anyMatch(j -> j.path("run").asLong() == 1), p, first, deadline, "run 1's line");
            Files.writeString(plan, three);
            waitFor(() -> Files.readString(first).contains("read again for run"), p, first, deadline, "the plan read again");
            Matcher grown = Pattern.compile("plan \\S+plan.yaml read again for run [2-5]: (\\d+) test\\(s\\) on 4 host\\(s\\) \\(host\\(s\\) "
                    + t + "c, " + t + "d added, (\\d+) test\\(s\\) added\\)").matcher(Files.readString(first));
            assertThat(grown.find()).as(Files.readString(first)).isTrue();
            grownTests = Integer.parseInt(grown.group(1));
            assertThat(Integer.parseInt(grown.group(2))).isEqualTo(grownTests - 1);
            Files.writeString(plan, three.replace("tests:", "tests: [oops"));
            waitFor(() -> Files.readString(first).contains("not taken for run"), p, first, deadline, "the bad plan said");
            Files.writeString(plan, three);
            // the new hosts' tests ran in a run, each with its line
            for (String host : List.of(t + "c", t + "d")) {
                waitFor(() -> lines(out).stream().anyMatch(j -> j.path("id").asText().contains(host) && j.path("status").asText().equals("ok")),
                        p, first, deadline, "a test of the new host " + host);
            }
            // stopped (SIGTERM) just after a run's first line: the tests it cut are named
            long last = lines(out).stream().mapToLong(j -> j.path("run").asLong()).max().orElseThrow();
            waitFor(() -> lines(out).stream().anyMatch(j -> j.path("run").asLong() == last + 1), p, first, deadline, "the next run");
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // a stopped schedule is not a failure: status 0, as its unit's stop and an orchestrator read it
            assertThat(p.exitValue()).as(Files.readString(first)).isZero();
        } finally {
            p.destroyForcibly();
        }
        String said = Files.readString(first);
        assertThat(said).contains("warning: plan " + plan + " not taken for run ", "schedule stopped");
        Matcher cut = Pattern.compile("run (\\d+): (\\d+) of " + grownTests + " test\\(s\\) not run: ([^ ]+(?:, [^ ]+)*) \\(cut by the stop")
                .matcher(said);
        assertThat(cut.find()).as(said).isTrue();
        long cutRun = Long.parseLong(cut.group(1));
        List<String> cutIds = List.of(cut.group(3).split(", "));
        assertThat(cutIds).hasSize(Integer.parseInt(cut.group(2)));
        List<JsonNode> before = lines(out);
        assertThat(before.stream().filter(j -> j.path("run").asLong() == cutRun)).as("run %d: %s", cutRun, said)
                .hasSize(grownTests - cutIds.size())
                .noneMatch(j -> cutIds.contains(j.path("id").asText()));
        assertThat(Files.readString(out.resolve("summary.txt"))).contains("(cut by the stop");

        // restarted with the two hosts gone, so their tests the cut run did not run are named, not dropped unsaid
        Files.writeString(plan, two);
        Path second = dir.resolve("second.txt");
        Process again = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(second.toFile()).start();
        try {
            assertThat(again.waitFor(90, TimeUnit.SECONDS)).as("the restarted session did not end: %s", Files.readString(second)).isTrue();
        } finally {
            again.destroyForcibly();
        }
        String restart = Files.readString(second);
        List<String> goneCut = cutIds.stream().filter(id -> id.contains(t + "c") || id.contains(t + "d")).toList();
        assertThat(goneCut).as("the cut run's tests of the hosts that went: %s", said).isNotEmpty();
        assertThat(restart).as(restart).contains("warning: run " + cutRun + " cut by the restart with a changed plan: " + goneCut.size()
                + " of its " + grownTests + " test(s) did not run and are not in this plan: " + String.join(", ", goneCut));
        // every (run, test) of the runs has its line once: the ones run, skipped, and none twice
        Map<String, Integer> seen = new HashMap<>();
        for (JsonNode j : lines(out)) {
            seen.merge(j.path("run").asLong() + "/" + j.path("id").asText(), 1, Integer::sum);
        }
        assertThat(seen).as("%s", seen).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
        assertThat(seen).containsKey(8 + "/loop_" + t + "a-" + t + "b");
    }

    /** Something that can fail while waiting (reading a file). */
    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    /** Waits until {@code check}, the session alive, by {@code deadline}; says what did not come, with the session's output. */
    private static void waitFor(Check check, Process p, Path output, long deadline, String what) throws Exception {
        while (!check.ok()) {
            assertThat(System.nanoTime()).as("%s did not come: %s", what, Files.readString(output)).isLessThan(deadline);
            assertThat(p.isAlive()).as("the session ended early, waiting for %s: %s", what, Files.readString(output)).isTrue();
            Thread.sleep(100);
        }
    }

    /** GET {@code url}: must answer 200; the body. */
    static String scrape(String url) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        }
    }

    /** The lines of {@code out/tests.jsonl}, read (none without the file). */
    static List<JsonNode> lines(Path out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        Path jsonl = out.resolve("tests.jsonl");
        if (Files.exists(jsonl)) {
            for (String l : Files.readAllLines(jsonl)) {
                if (!l.isBlank()) {
                    lines.add(JSON.readTree(l));
                }
            }
        }
        return lines;
    }
}
