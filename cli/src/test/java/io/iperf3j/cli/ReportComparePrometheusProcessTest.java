package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.Prometheus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 66: {@code iperf3j report --compare prometheus+http://… --since 1h --offset 7d --fail-below 10}, a process as a
 * nightly CI job runs it, against Debian's real Prometheus 2.42 holding a week of a session's results: the last hour
 * and the same hour 7 days earlier, backfilled by {@code promtool tsdb create-blocks-from openmetrics} before it starts,
 * with the series and labels a session writes ({@code iperf3j_session_received_bits_per_second}, {@code …_test_success},
 * {@code …_last_run_end_timestamp_seconds}; {@code id}, {@code sender}, {@code receiver}, {@code direction},
 * {@code protocol}, {@code kind}, {@code repeat}, {@code job}). Five runs a side per pair: one pair remote-written (a
 * sample a run, at its end), the others scraped every 15 s (a run seen at many scrapes, and one that ended before the
 * range still held at its start). A 13.7 % drop of steady runs exits 1 and names the pair; a 20 % drop of runs that
 * spread ±49 % is within their spread; a pair only last week is gone, one only now new, neither failing. The same data
 * a week apart, and the range against itself ({@code --offset 0}), exit 0. The JSON parses and has every pair with its
 * five runs a side, counted from Prometheus's answers (not from its scrapes).
 */
@Tag("tool")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReportComparePrometheusProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WEEK = 7 * 86_400L;
    private static final String JOB = "iperf3j_session";
    /** The runs' ends, seconds before the data's "now": five runs 10 minutes apart in the last hour. */
    private static final long[] ENDS = {3300, 2700, 2100, 1500, 900};
    /** Steady runs (Mbit/s): a spread of 0.16 %. */
    private static final double[] STEADY = {940, 941, 942, 941.5, 940.5};
    private static final double DROP = 0.137;
    /** Runs that spread: median 600, ±49 % (2 × 1.4826 × a MAD of 100). */
    private static final double[] NOISY = {500, 700, 600, 450, 650};
    private static final double[] NOISY_NOW = {480, 470, 490, 485, 475};

    @TempDir
    Path dir;

    private record Ran(int status, String out, String err) {
    }

    private static Ran report(String... args) {
        List<String> cmd = new ArrayList<>(List.of("report"));
        cmd.addAll(List.of(args));
        try (Iperf3Process p = CommandProcess.start(cmd)) {
            int status = p.waitFor(Duration.ofSeconds(60));
            return new Ran(status, p.stdout(), p.stderr());
        }
    }

    /** One test's series, as a session labels them. */
    private record Series(String id, String sender, String receiver, String job) {
        String labels() {
            return "id=\"" + id + "\",sender=\"" + sender + "\",receiver=\"" + receiver
                    + "\",direction=\"up\",protocol=\"tcp\",kind=\"tcp\",repeat=\"1\",job=\"" + job + "\"";
        }
    }

    /** The samples of each metric, by series: {@code [time, value]} in time order. */
    private final Map<String, Map<String, List<double[]>>> samples = new LinkedHashMap<>();

    private void sample(String metric, Series t, double time, double value) {
        samples.computeIfAbsent(metric, k -> new LinkedHashMap<>()).computeIfAbsent(t.labels(), k -> new ArrayList<>())
                .add(new double[] {time, value});
    }

    /** A run as remote write stores it: one sample of each series at its end. */
    private void written(Series t, double end, double mbits) {
        sample("iperf3j_session_received_bits_per_second", t, end, mbits * 1e6);
        sample("iperf3j_session_test_success", t, end, 1);
        sample("iperf3j_session_last_run_end_timestamp_seconds", t, end, end);
    }

    /**
     * Runs as a scrape every 15 s stores them, from {@code from} to {@code to}: each scrape holds the last run that ended
     * before it; {@code heldEnd} and {@code held} the run before the first (ended before the range).
     */
    private void scraped(Series t, double from, double to, double heldEnd, double held, double[] ends, double[] mbits) {
        for (double s = from; s <= to; s += 15) {
            double end = heldEnd;
            double rate = held;
            for (int i = 0; i < ends.length; i++) {
                if (ends[i] <= s) {
                    end = ends[i];
                    rate = mbits[i];
                }
            }
            sample("iperf3j_session_received_bits_per_second", t, s, rate * 1e6);
            sample("iperf3j_session_test_success", t, s, 1);
            sample("iperf3j_session_last_run_end_timestamp_seconds", t, s, end);
        }
    }

    private String openMetrics() {
        StringBuilder b = new StringBuilder();
        samples.forEach((metric, series) -> {
            b.append("# TYPE ").append(metric).append(" gauge\n");
            series.forEach((labels, points) -> {
                points.sort((x, y) -> Double.compare(x[0], y[0]));
                for (double[] p : points) {
                    b.append(metric).append('{').append(labels).append("} ")
                            .append(String.format(Locale.ROOT, "%.6f %.3f", p[1], p[0])).append('\n');
                }
            });
        });
        return b.append("# EOF\n").toString();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The table's row of test {@code id}. */
    private static String row(String table, String id) {
        return table.lines().filter(l -> l.startsWith(id + " ")).findFirst().orElseThrow(() -> new AssertionError(id + " not in:\n" + table));
    }

    @Test
    void aWeekOldRangeAgainstTheLastHourGatesOnThe13Point7PercentDropOnly() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Series steady = new Series("nightly_nc1-nc2", "nc1", "nc2", JOB);
        Series noisy = new Series("nightly_nc2-nc3", "nc2", "nc3", JOB);
        Series even = new Series("nightly_nc3-nc1", "nc3", "nc1", JOB);
        Series gone = new Series("nightly_nc4-nc1", "nc4", "nc1", JOB);
        Series added = new Series("nightly_nc1-nc4", "nc1", "nc4", JOB);
        Series same = new Series("nightly_nc1-nc2", "nc1", "nc2", "same");
        double[] steadyNow = Arrays.stream(STEADY).map(v -> v * (1 - DROP)).toArray();
        for (long back : new long[] {WEEK, 0}) {
            double[] ends = Arrays.stream(ENDS).mapToDouble(e -> now - back - e + 0.25).toArray();
            boolean baseline = back == WEEK;
            for (int i = 0; i < ends.length; i++) {
                written(steady, ends[i], baseline ? STEADY[i] : steadyNow[i]);
                written(same, ends[i], STEADY[i]);
            }
            scraped(noisy, now - back - 3900, now - back - 600, now - back - 4000, 900, ends, baseline ? NOISY : NOISY_NOW);
            double[] evenRuns = Arrays.stream(STEADY).map(v -> baseline ? v : v * 1.01).toArray();
            scraped(even, now - back - 3900, now - back - 600, now - back - 4000, 900, ends, evenRuns);
            scraped(baseline ? gone : added, now - back - 3900, now - back - 600, now - back - 4000, 900, ends, STEADY);
        }
        String server;
        try (Prometheus prom = Prometheus.backfilled(dir, openMetrics())) {
            server = "prometheus+" + prom.url();
            String match = "{job=\"" + JOB + "\"}";

            Ran gate = report("--compare", server, "--since", "1h", "--offset", "7d", "--match", match, "--fail-below", "10");
            assertThat(gate.status()).as("%s%s%s", gate.out(), gate.err(), prom.log()).isEqualTo(1);
            assertThat(gate.err()).isEmpty();
            double change = (median(steadyNow) - median(STEADY)) / median(STEADY) * 100;
            assertThat(String.format(Locale.ROOT, "%+.1f %%", change)).isEqualTo("-13.7 %");
            String table = gate.out();
            assertThat(table).startsWith("baseline: " + server + " " + match + " ").contains(" (--offset 7d)\ncurrent:  " + server);
            assertThat(row(table, steady.id())).contains("nc1 -> nc2", "5 runs", "-13.7 %", "regression (more than -10 %)");
            assertThat(row(table, noisy.id())).contains("nc2 -> nc3", "600.0 Mbit/s (5 runs ±49.4%)", "480.0 Mbit/s (5 runs",
                    "-20.0 %", "within spread (±49.4 %)");
            assertThat(row(table, even.id())).contains("+1.0 %", " ok");
            assertThat(row(table, gone.id())).endsWith("gone");
            assertThat(row(table, added.id())).endsWith("new");
            assertThat(table).contains("5 pairs: 1 regression, 1 within spread, 1 ok, 1 new, 1 gone\n")
                    .endsWith("FAIL: a pair fell by more than 10 % (--fail-below), or failed\n").doesNotContain("same");

            Path out = dir.resolve("compare.json");
            Ran json = report("--compare", server, "--since", "1h", "--offset", "7d", "--match", match, "--fail-below", "10",
                    "--json", "-o", out.toString());
            assertThat(json.status()).as(json.err()).isEqualTo(1);
            assertThat(json.out()).isEmpty();
            JsonNode doc = JSON.readTree(out.toFile());
            assertThat(doc.path("regressed").asBoolean()).isTrue();
            assertThat(doc.path("gate").asBoolean()).isTrue();
            Map<String, JsonNode> pairs = new LinkedHashMap<>();
            doc.path("pairs").forEach(p -> pairs.put(p.path("id").asText(), p));
            assertThat(pairs).containsOnlyKeys(steady.id(), noisy.id(), even.id(), gone.id(), added.id());
            JsonNode s = pairs.get(steady.id());
            assertThat(s.path("verdict").asText()).isEqualTo("regression");
            assertThat(s.path("sender").asText() + " " + s.path("receiver").asText()).isEqualTo("nc1 nc2");
            assertThat(s.path("baseline").path("median_bits_per_second").asDouble()).isEqualTo(median(STEADY) * 1e6);
            assertThat(s.path("current").path("median_bits_per_second").asDouble())
                    .isCloseTo(median(steadyNow) * 1e6, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(s.path("change_percent").asDouble()).isCloseTo(change, org.assertj.core.data.Offset.offset(1e-9));
            for (Series t : List.of(steady, noisy, even)) {
                JsonNode p = pairs.get(t.id());
                assertThat(p.path("baseline").path("runs").asInt()).as(t.id()).isEqualTo(5);
                assertThat(p.path("current").path("runs").asInt()).as(t.id()).isEqualTo(5);
                assertThat(p.path("current").path("failed").asInt()).as(t.id()).isZero();
            }
            assertThat(pairs.get(noisy.id()).path("verdict").asText()).isEqualTo("within spread");
            assertThat(pairs.get(noisy.id()).path("baseline").path("spread_percent").asDouble())
                    .isCloseTo(2 * 1.4826 * 100 / 600 * 100, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(pairs.get(gone.id()).path("current").isNull()).isTrue();
            assertThat(pairs.get(added.id()).path("baseline").isNull()).isTrue();

            Ran weekApart = report("--compare", server, "--since", "1h", "--offset", "7d", "--match", "{job=\"same\"}",
                    "--fail-below", "10");
            assertThat(weekApart.status()).as(weekApart.out() + weekApart.err()).isZero();
            assertThat(row(weekApart.out(), steady.id())).contains("5 runs", "+0.0 %", " ok");
            assertThat(weekApart.out()).endsWith("PASS: no pair fell by more than 10 % (--fail-below)\n");

            Ran itself = report("--compare", server, "--since", "1h", "--offset", "0", "--match", match, "--fail-below", "10", "-J");
            assertThat(itself.status()).as(itself.out() + itself.err()).isZero();
            JsonNode same0 = JSON.readTree(itself.out());
            assertThat(same0.path("regressed").asBoolean()).isFalse();
            assertThat(same0.path("pairs")).hasSize(4).allSatisfy(p -> {
                assertThat(p.path("verdict").asText()).as(p.toString()).isEqualTo("ok");
                assertThat(p.path("change_percent").asDouble()).isZero();
            });

            Ran empty = report("--compare", server, "--since", "1h", "--offset", "30d", "--match", match, "--fail-below", "10");
            assertThat(empty.status()).isEqualTo(2);
            assertThat(empty.out()).isEmpty();
            assertThat(empty.err()).startsWith("iperf3j report: error - " + server + ": no iperf3j_session_received_bits_per_second"
                    + match + " series from ").contains("(the baseline, 30d before the range)");
        }
        Ran down = report("--compare", server, "--since", "1h", "--offset", "7d", "--fail-below", "10");
        assertThat(down.status()).isEqualTo(2);
        assertThat(down.err()).isEqualTo("iperf3j report: error - " + server + ": connection refused\n");
    }
}
