package io.iperf3j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.Cause;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What held a test back, as users run it (issue 47; docs/design/why.md): {@code iperf3j} processes, a server with
 * {@code --metrics.listen} and clients against it. {@code -V} text has the block after iperf3's summary, and the
 * client's Prometheus file {@code iperf3j_test_limited{cause,sender}} 1 for the cause the block names; {@code -J -V}
 * stays iperf3's; the server counts each finished test whose client asked, by cause and sending side, in
 * {@code iperf3_server_tests_limited_total}; both pass {@code promtool check metrics}.
 */
@Tag("tool")
@Timeout(180)
class WhyProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void verboseTextMetricsFileAndTheServersCounters(@TempDir Path dir) throws Exception {
        int port = FreePorts.next();
        int metricsPort = FreePorts.next();
        String p = Integer.toString(port);
        String metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
        try (Iperf3Process server = CommandProcess.start(List.of("-s", "-p", p, "--metrics.listen",
                "127.0.0.1:" + metricsPort))) {
            assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as("server listens: %s", server).isTrue();
            assertThat(server.awaitListening(metricsPort, Duration.ofSeconds(10))).as("/metrics listens").isTrue();

            // -V alone: iperf3's verbose text, then the block
            Path prom = dir.resolve("m.prom");
            Iperf3Process verbose = client(List.of("-c", "127.0.0.1", "-p", p, "-t", "2", "-V", "--metrics.file",
                    prom.toString(), "--metrics.format", "prometheus", "--metrics.label", "site=lab"));
            List<String> lines = verbose.stdout().lines().toList();
            int summary = lines.indexOf("Test Complete. Summary Results:");
            assertThat(summary).as(verbose.stdout()).isPositive();
            int block = -1;
            for (int i = summary; i < lines.size(); i++) {
                if (lines.get(i).startsWith("limited by ") || lines.get(i).startsWith("not determined: ")) {
                    block = i;
                    break;
                }
            }
            assertThat(block).as("the why block after the summary:\n%s", verbose.stdout()).isPositive();
            assertThat(lines.subList(summary, block)).as("iperf3's -V lines come first")
                    .anyMatch(l -> l.startsWith("CPU Utilization: local/sender"));
            assertThat(lines.getLast()).isEqualTo("iperf Done.");
            Cause forward = cause(lines.get(block));
            String file = Files.readString(prom);
            assertThat(file).contains("iperf3j_test_limited{cause=\"" + forward.key() + "\",sender=\"client\",site=\"lab\"} 1.0\n");
            assertThat(file.lines().filter(l -> l.startsWith("iperf3j_test_limited{") && l.endsWith(" 1.0"))).hasSize(1);
            ServerMetricsScrapeAssert.promtoolClean(file);

            // --why -R -J: the server sent the data; -J -V without --why: iperf3's document, no verdict
            JsonNode reverse = JSON.readTree(client(List.of("-c", "127.0.0.1", "-p", p, "-t", "2", "-R", "--why",
                    "-J")).stdout());
            JsonNode d = reverse.path("end").path("iperf3j_why").path("directions").path(0);
            assertThat(d.path("sender").asText()).as(reverse.toString()).isEqualTo("server");
            // loopback: both ends on this host, no path to name (issue 67), either way
            assertThat(forward).as(lines.get(block)).isNotEqualTo(Cause.PATH);
            assertThat(d.path("cause").asText()).as(d.toString()).isNotEqualTo("path");
            assertThat(d.path("figures").path("sides").path("local").asBoolean()).as(d.toString()).isTrue();
            String jv = client(List.of("-c", "127.0.0.1", "-p", p, "-t", "1", "-J", "-V")).stdout();
            assertThat(jv).doesNotContain("iperf3j_why");
            assertThat(JSON.readTree(jv).path("end").has("sum_received")).isTrue();

            // the server: one count per test whose client asked, on the side that sent its data
            String scrape = awaitValue(metrics, "iperf3_server_tests_ended_total{reason=\"completed\",result=\"ok\"}", 3);
            System.out.printf("client verdicts: forward %s, reverse %s; server:%n%s%n", forward.key(),
                    d.path("cause").asText(), scrape.lines().filter(l -> l.startsWith("iperf3_server_tests_limited")
                            && !l.endsWith(" 0.0")).toList());
            assertThat(sum(scrape, "sender=\"client\"")).as(scrape).isEqualTo(1);
            assertThat(sum(scrape, "sender=\"server\"")).as(scrape).isEqualTo(1);
            ServerMetricsScrapeAssert.promtoolClean(scrape);
        }
    }

    private static Iperf3Process client(List<String> args) {
        Iperf3Process c = CommandProcess.start(args);
        assertThat(c.waitFor(LIMIT)).as("client %s: %s", args, c.stderr()).isZero();
        return c;
    }

    /** The cause a block's first line names. */
    private static Cause cause(String headline) {
        if (headline.startsWith("not determined")) {
            return Cause.NOT_DETERMINED;
        }
        // the first cause named (a close verdict names two; a confidence may follow: issue 56)
        return Arrays.stream(Cause.values()).filter(c -> headline.equals("limited by " + c.words())
                        || headline.startsWith("limited by " + c.words() + " (") || headline.startsWith("limited by "
                        + c.words() + " or ")).findFirst()
                .orElseThrow(() -> new AssertionError("no cause in " + headline));
    }

    private static double sum(String scrape, String label) {
        double n = 0;
        for (String l : scrape.lines().toList()) {
            if (l.startsWith("iperf3_server_tests_limited_total{") && l.contains(label)) {
                n += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    private static String awaitValue(String url, String series, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String scrape = PromScrape.get(url);
        while (PromScrape.value(scrape, series) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50); // the last test's end can be counted just after its client exits
            scrape = PromScrape.get(url);
        }
        assertThat(PromScrape.value(scrape, series)).as(series).isEqualTo(expected);
        return scrape;
    }

    /** {@code promtool check metrics} finds nothing. */
    static final class ServerMetricsScrapeAssert {
        static void promtoolClean(String prom) throws Exception {
            Process proc = new ProcessBuilder(new ArrayList<>(List.of("/usr/bin/promtool", "check", "metrics")))
                    .redirectErrorStream(true).start();
            try {
                try (var in = proc.getOutputStream()) {
                    in.write(prom.getBytes(StandardCharsets.UTF_8));
                }
                String findings = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(proc.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(proc.exitValue()).as(findings).isZero();
                assertThat(findings).as("promtool findings").isBlank();
            } finally {
                proc.destroyForcibly();
            }
        }
    }
}
