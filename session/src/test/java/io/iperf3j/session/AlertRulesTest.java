package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus alerting rules the image and the .deb ship ({@code dist/src/main/prometheus/iperf3j-alerts.yml}, issue 66),
 * evaluated by Prometheus's own {@code promtool test rules} against series as a session's {@code /metrics} and a server's
 * expose them ({@code iperf3j-alerts.test.yml}): a failed test fires once its rule's {@code for} has passed and its healthy
 * partner never does, a test with no new result goes stale, a rate under 70 % of its week's median, skipped runs, an archive
 * behind or refusing, an agent whose runs stopped (issue 69), a server down, restarted, or cutting most of its tests. A rule that stops matching a series name the
 * product writes fails here ({@code ResultSeriesTest} and export's {@code ServerMetricsTest} hold the names).
 */
@Tag("tool")
class AlertRulesTest {
    private static final Path RULES = Path.of("..", "dist", "src", "main", "prometheus").toAbsolutePath().normalize();

    @Test
    void theShippedRulesFireAsTheirTestsSay(@TempDir Path dir) throws Exception {
        for (String f : new String[] {"iperf3j-alerts.yml", "iperf3j-alerts.test.yml"}) {
            Files.copy(RULES.resolve(f), dir.resolve(f));
        }
        Process p = new ProcessBuilder("/usr/bin/promtool", "test", "rules", "iperf3j-alerts.test.yml").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool ends").isTrue();
        assertThat(p.exitValue()).as(said).isZero();
        assertThat(said).contains("SUCCESS");
        // every rule has a test case: a rule without one could not fail here
        String rules = Files.readString(dir.resolve("iperf3j-alerts.yml"));
        String tests = Files.readString(dir.resolve("iperf3j-alerts.test.yml"));
        java.util.regex.Matcher alert = java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(rules);
        int n = 0;
        while (alert.find()) {
            n++;
            assertThat(tests).as("a test of %s", alert.group(1)).contains("alertname: " + alert.group(1) + "\n");
        }
        assertThat(n).isEqualTo(10);
    }

    /** The names the rules use are the ones the product writes. */
    @Test
    void theRulesUseTheSeriesTheProductWrites() throws Exception {
        String rules = Files.readString(RULES.resolve("iperf3j-alerts.yml"));
        for (io.iperf3j.session.internal.output.ResultSeries s : io.iperf3j.session.internal.output.ResultSeries.values()) {
            rules = rules.replace(s.metricName(), "");
        }
        // what remains of iperf3j's own names: the session's counters and the server's, checked by name here
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("iperf3j?_[a-z_]+").matcher(rules);
        java.util.Set<String> left = new java.util.TreeSet<>();
        while (m.find()) {
            left.add(m.group());
        }
        assertThat(left).containsExactlyInAnyOrder("iperf3j_session_skipped_total", "iperf3j_session_archive_pending",
                "iperf3j_session_archive_results_total", "iperf3_server_tests_ended_total", "iperf3j_build_info",
                io.iperf3j.session.internal.agent.AgentArchives.HEARTBEAT);
    }
}
