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
 * A scheduled session's history from Prometheus range-query answers written by hand in the format
 * Prometheus documents for {@code /api/v1/query_range} ({@code {"status":"success","data":{"resultType":
 * "matrix","result":[{"metric":{…},"values":[[t,"v"],…]}]}}}) with the session's metric names and labels
 * (session's SessionMetrics): a run is taken where {@code last_run} changes, with the figures, status and end
 * time of that step; a run still held from before the range is left out; a failed run is 0 and counted; two
 * label sets of one id are two tests; Prometheus's errors and the input limits fail with their message.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PrometheusHistoryTest {
    private static final long FROM = 1_700_000_000L;
    private static final String X = "\"id\":\"loop_a-b\",\"sender\":\"a\",\"receiver\":\"b\",\"direction\":\"up\",\"protocol\":\"tcp\","
            + "\"kind\":\"tcp\",\"repeat\":\"1\",\"instance\":\"127.0.0.1:9100\",\"job\":\"iperf3j_session\"";

    private static PrometheusRange range(long seconds) throws InputFormatException {
        return PrometheusRange.of("prometheus+http://127.0.0.1:9090", Instant.ofEpochSecond(FROM), Instant.ofEpochSecond(FROM + seconds),
                "{job=\"iperf3j_session\"}", InputLimits.MAX_HISTORY_POINTS);
    }

    /** One series' JSON: {@code labels} (without braces) and {@code [t, "v"]} for each value, one a step from {@link #FROM}. */
    private static String series(String metric, String labels, String... values) {
        StringBuilder b = new StringBuilder("{\"metric\":{\"__name__\":\"" + metric + "\"," + labels + "},\"values\":[");
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                b.append(b.charAt(b.length() - 1) == '[' ? "" : ",").append("[").append(FROM + i).append(".0,\"").append(values[i])
                        .append("\"]");
            }
        }
        return b.append("]}").toString();
    }

    private static String matrix(String... series) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + String.join(",", series) + "]}}";
    }

    private static PrometheusMatrix parse(String body) throws InputFormatException {
        return PrometheusMatrix.parse(body.getBytes(StandardCharsets.UTF_8), "q", 10, 20);
    }

    @Test
    void aRunIsTakenWhereLastRunChangesWithTheFiguresOfThatScrape() throws Exception {
        String y = X.replace("9100", "9101");
        Map<String, PrometheusMatrix> answers = new HashMap<>();
        // x: run 4 held from before the range (ended FROM - 5), then runs 5 (ok), 6 (failed), 7 (ok), each seen for 2 steps
        answers.put(PrometheusHistory.LAST_RUN, parse(matrix(
                series("iperf3j_session_last_run", X, "4", "4", "5", "5", "6", "6", "7", "7"),
                series("iperf3j_session_last_run", y, null, "1", "1", "1", null, null, null, null))));
        answers.put(PrometheusHistory.SUCCESS, parse(matrix(
                series("iperf3j_session_test_success", X, "1", "1", "1", "1", "0", "0", "1", "1"),
                series("iperf3j_session_test_success", y, null, "1", "1", "1", null, null, null, null))));
        double e = FROM - 5;
        answers.put(PrometheusHistory.END, parse(matrix(series("iperf3j_session_last_run_end_timestamp_seconds", X,
                str(e), str(e), "1700000001.2341", "1700000001.2341", "1700000003.5", "1700000003.5", "1700000005.25",
                "1700000005.25"))));
        answers.put("iperf3j_session_received_bits_per_second", parse(matrix(
                series("iperf3j_session_received_bits_per_second", X, "9e9", "9e9", "1.5e9", "1.5e9", "0", "0", "2.5e9", "2.5e9"),
                series("iperf3j_session_received_bits_per_second", y, null, "7e8", "7e8", "7e8", null, null, null, null))));
        // a failed run has no retransmits: the gauge is absent at its steps
        answers.put("iperf3j_session_retransmits", parse(matrix(
                series("iperf3j_session_retransmits", X, "1", "1", "3", "3", null, null, "5", "5"))));
        answers.put("iperf3j_session_loss_percent", parse(matrix()));

        History h = PrometheusHistory.build(range(7), answers, 10);

        assertThat(h.dir()).isEqualTo("prometheus+http://127.0.0.1:9090");
        assertThat(h.files()).isEmpty();
        assertThat(h.query()).contains("iperf3j_session_…{job=\"iperf3j_session\"}", "one sample every 1 s");
        assertThat(h.lines()).as("runs seen").isEqualTo(4);
        assertThat(h.tests()).extracting(HistorySeries::id)
                .containsExactly("loop_a-b", "loop_a-b {instance=127.0.0.1:9101, job=iperf3j_session}");
        HistorySeries x = h.tests().getFirst();
        assertThat(x.sender()).isEqualTo("a");
        assertThat(x.receiver()).isEqualTo("b");
        assertThat(x.kind()).isEqualTo("tcp");
        assertThat(x.points()).isEqualTo(3);
        assertThat(List.of(x.firstRun(0), x.firstRun(1), x.firstRun(2))).containsExactly(5L, 6L, 7L);
        assertThat(List.of(x.ok(0), x.failed(1), x.ok(2))).containsExactly(1, 1, 1);
        assertThat(x.okTotal()).isEqualTo(2);
        assertThat(x.failedTotal()).isEqualTo(1);
        assertThat(x.lastStatus()).isEqualTo("ok");
        assertThat(x.lastErrorRun()).isEqualTo(6);
        assertThat(x.time(0)).as("the run's end to the millisecond, as tests.jsonl keeps it").isEqualTo(1_700_000_001.234);
        assertThat(x.time(1)).isEqualTo(1_700_000_003.5);
        assertThat(x.mean(0, 0)).isEqualTo(1.5e9);
        assertThat(x.mean(0, 1)).as("a failed run is 0, not a gap").isZero();
        assertThat(x.mean(0, 2)).isEqualTo(2.5e9);
        assertThat(x.mean(2, 0)).as("retransmits").isEqualTo(3);
        assertThat(x.mean(2, 1)).isNaN();
        assertThat(x.mean(1, 0)).as("sent: no answer for it").isNaN();
        assertThat(x.mean(4, 0)).as("loss: no series").isNaN();
        HistorySeries other = h.tests().get(1);
        assertThat(other.points()).isEqualTo(1);
        assertThat(other.firstRun(0)).isEqualTo(1);
        assertThat(other.time(0)).as("no end time: the step's").isEqualTo(FROM + 1);
        assertThat(other.mean(0, 0)).isEqualTo(7e8);
    }

    /**
     * Issue 46, item 9: at a long range's step (44 s for 6 h) runs that follow each other within a step are not
     * seen, so the counts come from the session's counters, whose increase over the range is exact: runs 3 … 9
     * of x ended in the range (run 2 before it), 2 failed, 1 slot skipped; the last run's status is the last
     * sample's. y's session started in the range (its counters from 0) and restarted once (a reset).
     */
    @Test
    void theCountsAreTheCountersIncreaseAndTheLastStatusTheLastRuns() throws Exception {
        String y = X.replace("9100", "9101");
        Map<String, PrometheusMatrix> answers = new HashMap<>();
        answers.put(PrometheusHistory.LAST_RUN, parse(matrix(
                series("iperf3j_session_last_run", X, "2", "2", "4", "5", "5", "7", "7", "9"),
                series("iperf3j_session_last_run", y, null, "1", "2", "2", "3", "4", "4", "4"))));
        answers.put(PrometheusHistory.SUCCESS, parse(matrix(
                series("iperf3j_session_test_success", X, "1", "1", "0", "1", "1", "0", "0", "1"),
                series("iperf3j_session_test_success", y, null, "1", "1", "1", "1", "1", "1", "1"))));
        double e = FROM - 5;
        answers.put(PrometheusHistory.END, parse(matrix(series("iperf3j_session_last_run_end_timestamp_seconds", X,
                str(e), str(e), str(FROM + 2), str(FROM + 3), str(FROM + 3), str(FROM + 5), str(FROM + 5), str(FROM + 7)))));
        answers.put("iperf3j_session_runs_total", parse(matrix(
                series("iperf3j_session_runs_total", X, "2", "2", "4", "5", "5", "7", "7", "9"),
                series("iperf3j_session_runs_total", y, null, "1", "2", "2", "1", "2", "2", "2"))));
        answers.put("iperf3j_session_failures_total", parse(matrix(
                series("iperf3j_session_failures_total", X, "1", "1", "2", "2", "2", "3", "3", "3"),
                series("iperf3j_session_failures_total", y, null, "0", "0", "0", "0", "0", "0", "0"))));
        answers.put("iperf3j_session_skipped_total", parse(matrix(
                series("iperf3j_session_skipped_total", X, "0", "0", "0", "0", "1", "1", "1", "1"))));

        History h = PrometheusHistory.build(range(7), answers, 10);

        HistorySeries x = h.tests().getFirst();
        assertThat(x.points()).as("the runs seen: 4, 5, 7, 9").isEqualTo(4);
        assertThat(x.okTotal()).as("runs 3 … 9: 7, of which 2 failed").isEqualTo(5);
        assertThat(x.failedTotal()).isEqualTo(2);
        assertThat(x.skippedTotal()).isEqualTo(1);
        assertThat(x.lastStatus()).as("run 9's").isEqualTo("ok");
        HistorySeries other = h.tests().get(1);
        assertThat(other.okTotal()).as("1, 2, then from 0 again after the restart: 1, 2").isEqualTo(4);
        assertThat(other.failedTotal()).isZero();
        assertThat(other.lastStatus()).isEqualTo("ok");
        assertThat(h.lines()).as("runs seen: drawn").isEqualTo(8);
    }

    private static String str(double v) {
        return Double.toString(v);
    }

    @Test
    void noSeriesOrNoRunInTheRangeIsAnError() throws Exception {
        Map<String, PrometheusMatrix> answers = new HashMap<>();
        answers.put(PrometheusHistory.LAST_RUN, parse(matrix()));
        assertThatThrownBy(() -> PrometheusHistory.build(range(7), answers, 10)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining("prometheus+http://127.0.0.1:9090: no iperf3j_session_last_run{job=\"iperf3j_session\"} series")
                .hasMessageContaining("is Prometheus scraping iperf3j session --metrics.listen?");
        answers.put(PrometheusHistory.LAST_RUN, parse(matrix(series("iperf3j_session_last_run", X, "4", "4"))));
        answers.put(PrometheusHistory.END, parse(matrix(series("iperf3j_session_last_run_end_timestamp_seconds", X, "1.0", "1.0"))));
        assertThatThrownBy(() -> PrometheusHistory.build(range(7), answers, 10)).hasMessageContaining("no run ended from");
    }

    @Test
    void prometheusErrorsAreGivenInItsOwnWords() {
        String error = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": 1:5: parse error\"}";
        assertThatThrownBy(() -> parse(error)).isInstanceOf(InputFormatException.class)
                .hasMessage("q: Prometheus says: bad_data: invalid parameter \"query\": 1:5: parse error");
        assertThat(PrometheusMatrix.errorText(error.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("bad_data: invalid parameter \"query\": 1:5: parse error");
        assertThat(PrometheusMatrix.errorText("<html>404</html>".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThatThrownBy(() -> parse("<html>")).hasMessageContaining("q: the answer is not");
        assertThatThrownBy(() -> parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"))
                .hasMessage("q: the answer holds no matrix (resultType vector)");
        assertThatThrownBy(() -> parse(matrix("{\"metric\":{},\"values\":[[1,2]]}"))).hasMessageContaining("a sample is not [time, \"value\"]");
        assertThatThrownBy(() -> parse(matrix("{\"metric\":{},\"values\":[[1,\"x\"]]}"))).hasMessageContaining("not a number: x");
    }

    @Test
    void prometheusSpecialValuesAreRead() throws Exception {
        PrometheusMatrix m = parse(matrix("{\"metric\":{\"a\":\"b\"},\"values\":[[1,\"NaN\"],[2,\"+Inf\"],[3,\"-Inf\"],[4.5,\"1e3\"]]}"));
        PrometheusMatrix.Series s = m.series().getFirst();
        assertThat(s.labels()).containsExactly(Map.entry("a", "b"));
        assertThat(s.seconds()).containsExactly(1, 2, 3, 4.5);
        assertThat(s.values()).containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1000);
    }

    @Test
    void answersPastTheLimitsAreRefusedWhileRead() {
        String[] many = new String[11];
        for (int i = 0; i < many.length; i++) {
            many[i] = series("m", "\"id\":\"t" + i + "\"", "1");
        }
        assertThatThrownBy(() -> parse(matrix(many))).hasMessage("q: more than 10 series (input limit; narrow it with --match)");
        String[] long21 = new String[21];
        java.util.Arrays.fill(long21, "1");
        assertThatThrownBy(() -> parse(matrix(series("m", "\"id\":\"t\"", long21))))
                .hasMessage("q: a series of more than 20 samples (input limit)");
        String[] twenty = new String[20];
        java.util.Arrays.fill(twenty, "1");
        String[] ten = java.util.Arrays.copyOf(many, 10);
        ten[0] = series("m", "\"id\":\"t0\"", twenty);
        org.assertj.core.api.Assertions.assertThatCode(() -> parse(matrix(ten))).as("at the limits").doesNotThrowAnyException();
    }

    @Test
    void theStepKeepsEverySeriesWithinTheHistoryPointsLimit() throws Exception {
        for (long span : new long[] {1, 30, 499, 500, 998, 999, 21_600, 86_400, 15 * 86_400L, 3_660 * 86_400L}) {
            PrometheusRange r = range(span);
            long samples = span / r.stepSeconds() + 1; // Prometheus evaluates at start, start + step, … <= end
            assertThat(samples).as("span %d s, step %d s", span, r.stepSeconds()).isLessThanOrEqualTo(InputLimits.MAX_HISTORY_POINTS);
            assertThat(r.stepSeconds()).as("no coarser than needed, span %d", span)
                    .isEqualTo(Math.max(1, (long) Math.ceil(span / (double) (InputLimits.MAX_HISTORY_POINTS - 1))));
        }
        assertThat(range(3600).queryUri("iperf3j_session_last_run").toString()).isEqualTo("http://127.0.0.1:9090/api/v1/query_range?query="
                + "last_over_time%28iperf3j_session_last_run%7Bjob%3D%22iperf3j_session%22%7D%5B8s%5D%29&start=1700000000&end=1700003600&step=8");
        // the steps end at the range's end, so the last sample is the last scrape's (the last run's status):
        // 6 h at 44 s a step from 1700000000 end at 1700021600 when they start 21600 mod 44 = 40 s later
        assertThat(range(21_600).queryUri("iperf3j_session_last_run").toString()).endsWith("&start=1700000040&end=1700021600&step=44");
        PrometheusRange all = PrometheusRange.of("prometheus+http://h:9090/prom/", Instant.ofEpochSecond(FROM), Instant.ofEpochSecond(FROM + 60),
                null, InputLimits.MAX_HISTORY_POINTS);
        assertThat(all.queryUri("iperf3j_session_last_run").toString()).as("no matchers, a path prefix")
                .isEqualTo("http://h:9090/prom/api/v1/query_range?query=last_over_time%28iperf3j_session_last_run%5B1s%5D%29&start=1700000000"
                        + "&end=1700000060&step=1");
    }

    @Test
    void unusableServersRangesAndMatchersAreRefused() {
        Instant t = Instant.ofEpochSecond(FROM);
        assertThatThrownBy(() -> PrometheusRange.of("prometheus+ftp://h", t, t.plusSeconds(1), null, 500))
                .hasMessageContaining("not a prometheus+http:// or prometheus+https:// URL");
        assertThatThrownBy(() -> PrometheusRange.of("prometheus+http://h:9090/?q=1", t, t.plusSeconds(1), null, 500))
                .hasMessageContaining("no user, query or fragment");
        assertThatThrownBy(() -> PrometheusRange.of("prometheus+http://h:9090", t, t, null, 500)).hasMessageContaining("the range is empty");
        assertThatThrownBy(() -> PrometheusRange.of("prometheus+http://h:9090", t, t.plusSeconds(1), "job=\"x\"", 500))
                .hasMessageContaining("--match takes label matchers in braces");
        assertThatThrownBy(() -> PrometheusRange.of("prometheus+http://h:9090", t, t.plusSeconds(1), "{" + "a".repeat(2000) + "}", 500))
                .hasMessageContaining("at most 1024 characters");
    }

    @Test
    void sinceFromAndToChooseTheRange() {
        Instant now = Instant.parse("2026-01-31T12:00:00Z");
        assertThat(TimeRange.of(null, null, null, now)).isEqualTo(new TimeRange(Instant.parse("2026-01-31T06:00:00Z"), now));
        assertThat(TimeRange.of("90s", null, null, now).from()).isEqualTo(Instant.parse("2026-01-31T11:58:30Z"));
        assertThat(TimeRange.of("7d", null, null, now).from()).isEqualTo(Instant.parse("2026-01-24T12:00:00Z"));
        assertThat(TimeRange.of(null, "2026-01-31T09:00:00+01:00", "1769853600", now))
                .isEqualTo(new TimeRange(Instant.parse("2026-01-31T08:00:00Z"), Instant.parse("2026-01-31T10:00:00Z")));
        assertThatThrownBy(() -> TimeRange.of("6h", "1769853600", null, now)).hasMessage("give --since or --from, not both");
        assertThatThrownBy(() -> TimeRange.of("6 hours", null, null, now)).hasMessageContaining("--since 6 hours: not a duration");
        assertThatThrownBy(() -> TimeRange.of("0s", null, null, now)).hasMessageContaining("not in 1s");
        assertThatThrownBy(() -> TimeRange.of(null, "yesterday", null, now)).hasMessageContaining("--from yesterday: not a time");
        assertThatThrownBy(() -> TimeRange.of(null, "2026-01-31T13:00:00Z", null, now)).hasMessageContaining("the range is empty");
    }
}
