package io.iperf3j.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code report --compare prometheus+http://… --offset} from range-query answers written by hand in the format
 * Prometheus documents for {@code /api/v1/query_range}, with the series and labels a session writes (session's
 * {@code ResultSeries}, {@code ResultPush.labels}): a run is a step where the test's end time changes (a scraped run
 * seen at many steps counts once; a plan's nightly runs, all run 1, count each), a run held from before the range is
 * left out, {@code test_success 0} is a failed run whose rate is not counted, repeats are runs of one pair, a pair
 * under two jobs is two pairs named by their labels on both sides; a side without series or runs is an error naming
 * that side.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PrometheusCompareReaderTest {
    private static final long NOW = 1_700_000_000L;
    private static final long WEEK = 7 * 86_400L;
    private static final String JOB = "\"job\":\"iperf3j_session\"";

    /** The labels of test {@code id} from {@code sender} to {@code receiver}, repeat {@code repeat}, and {@code extra}. */
    private static String test(String id, String sender, String receiver, int repeat, String extra) {
        return "\"id\":\"" + id + "\",\"sender\":\"" + sender + "\",\"receiver\":\"" + receiver
                + "\",\"direction\":\"up\",\"protocol\":\"tcp\",\"kind\":\"tcp\",\"repeat\":\"" + repeat + "\"," + extra;
    }

    private static PrometheusRange range(long from, long to) throws InputFormatException {
        return PrometheusRange.of("prometheus+http://127.0.0.1:9090", Instant.ofEpochSecond(from), Instant.ofEpochSecond(to), null,
                InputLimits.MAX_PROMETHEUS_COMPARE_SAMPLES);
    }

    /** A series' JSON: its labels (without braces) and its samples, {@code {t, v}} pairs. */
    private static String series(String metric, String labels, double[]... samples) {
        StringBuilder b = new StringBuilder("{\"metric\":{\"__name__\":\"" + metric + "\"," + labels + "},\"values\":[");
        for (int i = 0; i < samples.length; i++) {
            b.append(i == 0 ? "" : ",").append('[').append(samples[i][0]).append(",\"").append(samples[i][1]).append("\"]");
        }
        return b.append("]}").toString();
    }

    private static PrometheusMatrix matrix(List<String> series) throws InputFormatException {
        String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + String.join(",", series) + "]}}";
        return PrometheusMatrix.parse(body.getBytes(StandardCharsets.UTF_8), "q", 100, 100);
    }

    /** One side's answers, built run by run: each {@link #run} adds its three samples at its steps. */
    private static final class Side {
        private final Map<String, java.util.List<String>> series = new HashMap<>();
        private final Map<String, java.util.List<double[]>> received = new java.util.LinkedHashMap<>();
        private final Map<String, java.util.List<double[]>> success = new HashMap<>();
        private final Map<String, java.util.List<double[]>> end = new HashMap<>();

        /** A run of the test with {@code labels} that ended at {@code ended}, seen at the steps {@code steps}. */
        Side run(String labels, double ended, boolean ok, double rate, double... steps) {
            for (double t : steps) {
                received.computeIfAbsent(labels, k -> new java.util.ArrayList<>()).add(new double[] {t, rate});
                success.computeIfAbsent(labels, k -> new java.util.ArrayList<>()).add(new double[] {t, ok ? 1 : 0});
                end.computeIfAbsent(labels, k -> new java.util.ArrayList<>()).add(new double[] {t, ended});
            }
            return this;
        }

        Map<String, PrometheusMatrix> answers() throws InputFormatException {
            Map<String, PrometheusMatrix> out = new HashMap<>();
            out.put(PrometheusCompareReader.RECEIVED, matrix(received.entrySet().stream()
                    .map(e -> series(PrometheusCompareReader.RECEIVED, e.getKey(), e.getValue().toArray(double[][]::new))).toList()));
            out.put(PrometheusHistory.SUCCESS, matrix(success.entrySet().stream()
                    .map(e -> series(PrometheusHistory.SUCCESS, e.getKey(), e.getValue().toArray(double[][]::new))).toList()));
            out.put(PrometheusHistory.END, matrix(end.entrySet().stream()
                    .map(e -> series(PrometheusHistory.END, e.getKey(), e.getValue().toArray(double[][]::new))).toList()));
            return out;
        }
    }

    private static PrometheusCompareReader.Sides build(Side baseline, Side current) throws InputFormatException {
        return PrometheusCompareReader.build(range(NOW - WEEK - 3600, NOW - WEEK), baseline.answers(), range(NOW - 3600, NOW),
                current.answers(), "7d");
    }

    private static PairKey key(String id, String sender, String receiver) {
        return new PairKey(id, sender, receiver, "up", "tcp", "tcp", "forward");
    }

    @Test
    void aRunIsAStepWhoseEndTimeChangesAndOneHeldFromBeforeTheRangeIsLeftOut() throws Exception {
        String ab = test("n_a-b", "a", "b", 1, JOB);
        Side current = new Side()
                .run(ab, NOW - 3700, true, 5e8, NOW - 3600, NOW - 3596) // ended before the range: held by the gauges
                .run(ab, NOW - 3000, true, 9.4e8, NOW - 2996, NOW - 2992, NOW - 2988) // scraped three times: one run
                .run(ab, NOW - 2000, false, 0, NOW - 1996) // failed
                .run(ab, NOW - 1000, true, 9.2e8, NOW - 996, NOW - 992);
        Side baseline = new Side().run(ab, NOW - WEEK - 1000, true, 9.3e8, NOW - WEEK - 996);
        PrometheusCompareReader.Sides s = build(baseline, current);
        PairRuns r = s.current().pairs().get(key("n_a-b", "a", "b"));
        assertThat(r.values()).containsExactly(9.4e8, 9.2e8);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.error()).startsWith("test_success 0 (Prometheus keeps no error text");
        assertThat(s.baseline().pairs().get(key("n_a-b", "a", "b")).values()).containsExactly(9.3e8);
        assertThat(s.current().input()).isEqualTo("prometheus+http://127.0.0.1:9090 " + Instant.ofEpochSecond(NOW - 3600) + " to "
                + Instant.ofEpochSecond(NOW));
        assertThat(s.baseline().input()).isEqualTo("prometheus+http://127.0.0.1:9090 " + Instant.ofEpochSecond(NOW - WEEK - 3600)
                + " to " + Instant.ofEpochSecond(NOW - WEEK) + " (--offset 7d)");
        assertThat(s.current().session()).isTrue();
    }

    @Test
    void remoteWrittenNightlyRunsOfAPlanAreEachARunAndRepeatsArePairRuns() throws Exception {
        // a remote write puts one sample a run at its end; a plan's repeats are tests n_a-b and n_a-b_r2 of one pair
        String r1 = test("n_a-b", "a", "b", 1, JOB);
        String r2 = test("n_a-b_r2", "a", "b", 2, JOB);
        Side current = new Side().run(r1, NOW - 3000, true, 1e9, NOW - 3000).run(r2, NOW - 2990, true, 1.1e9, NOW - 2990)
                .run(r1, NOW - 100, true, 1.2e9, NOW - 100);
        Side baseline = new Side().run(r1, NOW - WEEK - 50, true, 1e9, NOW - WEEK - 50);
        PrometheusCompareReader.Sides s = build(baseline, current);
        assertThat(s.current().pairs()).containsOnlyKeys(key("n_a-b", "a", "b"));
        assertThat(s.current().pairs().get(key("n_a-b", "a", "b")).values()).containsExactlyInAnyOrder(1e9, 1.1e9, 1.2e9);
    }

    @Test
    void aPairUnderTwoJobsIsTwoPairsNamedByTheirLabelsOnBothSides() throws Exception {
        String lab = test("n_a-b", "a", "b", 1, "\"job\":\"lab\"");
        String dc = test("n_a-b", "a", "b", 1, "\"job\":\"dc\"");
        String other = test("n_c-d", "c", "d", 1, "\"job\":\"lab\"");
        Side current = new Side().run(lab, NOW - 100, true, 1e9, NOW - 100).run(dc, NOW - 90, true, 2e9, NOW - 90)
                .run(other, NOW - 80, true, 3e9, NOW - 80);
        Side baseline = new Side().run(lab, NOW - WEEK - 100, true, 1e9, NOW - WEEK - 100)
                .run(other, NOW - WEEK - 80, true, 3e9, NOW - WEEK - 80);
        PrometheusCompareReader.Sides s = build(baseline, current);
        assertThat(s.current().pairs()).containsOnlyKeys(key("n_a-b {job=lab}", "a", "b"), key("n_a-b {job=dc}", "a", "b"),
                key("n_c-d", "c", "d"));
        assertThat(s.baseline().pairs()).containsOnlyKeys(key("n_a-b {job=lab}", "a", "b"), key("n_c-d", "c", "d"));
    }

    @Test
    void aSideWithoutSeriesOrRunsIsAnErrorNamingIt() throws Exception {
        String ab = test("n_a-b", "a", "b", 1, JOB);
        Side current = new Side().run(ab, NOW - 100, true, 1e9, NOW - 100);
        assertThatThrownBy(() -> build(new Side(), current)).isInstanceOf(InputFormatException.class)
                .hasMessage("prometheus+http://127.0.0.1:9090: no iperf3j_session_received_bits_per_second series from "
                        + Instant.ofEpochSecond(NOW - WEEK - 3600) + " to " + Instant.ofEpochSecond(NOW - WEEK)
                        + " (the baseline, 7d before the range): is Prometheus scraping iperf3j session --metrics.listen,"
                        + " or taking its --remote-write.url?");
        Side stale = new Side().run(ab, NOW - 4000, true, 1e9, NOW - 3000, NOW - 2000);
        assertThatThrownBy(() -> build(current, stale)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining(": no run ended from " + Instant.ofEpochSecond(NOW - 3600) + " to " + Instant.ofEpochSecond(NOW)
                        + " (the current range): the 1 iperf3j_session_received_bits_per_second series hold older runs only");
    }

    @Test
    void theOffsetIsADurationOrZero() {
        assertThat(TimeRange.offset("7d")).isEqualTo(java.time.Duration.ofDays(7));
        assertThat(TimeRange.offset("0")).isZero();
        assertThat(TimeRange.text(TimeRange.offset("168h"))).isEqualTo("7d");
        assertThat(TimeRange.text(TimeRange.offset("90m"))).isEqualTo("90m");
        assertThatThrownBy(() -> TimeRange.offset("a week")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--offset a week: not a duration such as 30m, 6h or 7d (or 0)");
        assertThatThrownBy(() -> TimeRange.offset("-7d")).hasMessageContaining("--offset -7d: not a duration");
    }
}
