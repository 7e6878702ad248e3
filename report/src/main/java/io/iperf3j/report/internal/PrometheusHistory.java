package io.iperf3j.report.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A scheduled session's history from Prometheus's range queries of its {@code /metrics} series
 * ({@code iperf3j session --metrics.listen}), as the same {@link History} its {@code tests.jsonl} gives, no
 * HTTP here ({@link PrometheusReader} asks). A run is seen where a test's {@code iperf3j_session_last_run}
 * changes: the samples of that step (one scrape's, which are all of one run) give its figures, its
 * {@code test_success} its status (1 ok, else failed: drawn as 0, as tests.jsonl's failures are) and its
 * {@code last_run_end_timestamp_seconds} its time (to the millisecond, as tests.jsonl keeps it). A run that
 * ended before the range (the value the gauges still held at its start) is left out. What Prometheus does not
 * keep is not drawn: errors' texts, and skipped runs (counted by {@code iperf3j_session_skipped_total}, not
 * numbered).
 *
 * <p>The counts (ok, failed, skipped) are not the runs drawn: at a long range's step (44 s for 6 h) a test's
 * runs that follow each other within a step are not seen, so 18 runs were drawn as 12 (issue 46). They are the
 * increase over the range of the session's counters {@code runs_total}, {@code failures_total} and
 * {@code skipped_total}, which is exact at any step: a counter only grows, so the sum of its rises between
 * samples is what it counted in between, from its value at the range's start (from 0 for a session that
 * started within the range), a fall being a restart of the session (counted from 0 again). The last status is
 * {@code test_success} at the last sample, which the range's last step puts at its end: the last run's. Tests are the series' label sets; a test id seen under two label sets (two sessions' jobs or
 * instances) is told apart by its other labels.
 */
public final class PrometheusHistory {
    static final String NAME = "iperf3j_session_";
    static final String LAST_RUN = NAME + "last_run";
    static final String SUCCESS = NAME + "test_success";
    static final String END = NAME + "last_run_end_timestamp_seconds";
    static final String RUNS = NAME + "runs_total";
    static final String FAILURES = NAME + "failures_total";
    static final String SKIPPED = NAME + "skipped_total";
    /** The queries, one per metric: the run number, the status, the end time, the counters, then {@link HistorySeries#FIGURES}. */
    public static final List<String> METRICS = metrics();
    /** The labels a session puts on a test's series (session's {@code ResultPush.labels}). */
    static final Set<String> TEST_LABELS = Set.of("__name__", "id", "sender", "receiver", "direction", "protocol", "kind",
            "repeat");

    private PrometheusHistory() {
    }

    private static List<String> metrics() {
        List<String> m = new ArrayList<>(List.of(LAST_RUN, SUCCESS, END, RUNS, FAILURES, SKIPPED));
        for (String f : HistorySeries.FIGURES) {
            m.add(NAME + f);
        }
        return List.copyOf(m);
    }

    /**
     * @param answers each of {@link #METRICS}' answer (a metric without one, or with no series, gives no figure)
     * @throws InputFormatException when no test ran in the range
     */
    public static History build(PrometheusRange range, Map<String, PrometheusMatrix> answers, int maxTests)
            throws InputFormatException {
        PrometheusMatrix runs = answers.get(LAST_RUN);
        if (runs == null || runs.series().isEmpty()) {
            throw new InputFormatException(range.input() + ": no " + range.selector(LAST_RUN) + " series from "
                    + Instant.ofEpochSecond(range.fromSeconds()) + " to " + Instant.ofEpochSecond(range.toSeconds())
                    + " (is Prometheus scraping iperf3j session --metrics.listen?)");
        }
        Map<String, Map<String, PrometheusMatrix.Series>> byMetric = new HashMap<>();
        answers.forEach((metric, m) -> byMetric.put(metric, byTest(m)));
        Set<String> ids = new HashSet<>();
        List<HistorySeries> tests = new ArrayList<>();
        long seen = 0;
        for (PrometheusMatrix.Series r : runs.series()) {
            if (tests.size() >= maxTests) {
                throw new InputFormatException(range.input() + ": more than " + maxTests + " tests in the history (input limit)");
            }
            Map<String, String> l = r.labels();
            String key = key(l);
            String id = l.getOrDefault("id", key);
            if (!ids.add(id)) {
                id = id + " " + others(l);
                ids.add(id);
            }
            HistorySeries s = new HistorySeries(id, l.get("sender"), l.get("receiver"), l.get("direction"), l.get("protocol"),
                    l.get("kind"), range.maxPoints());
            double previous = Double.NaN;
            for (int i = 0; i < r.seconds().length; i++) {
                double run = r.values()[i];
                if (!Double.isFinite(run) || run == previous) {
                    continue;
                }
                previous = run;
                double t = r.seconds()[i];
                double end = at(byMetric, END, key, t);
                end = Double.isFinite(end) ? Math.round(end * 1000) / 1000.0 : t;
                if (end < range.fromSeconds()) {
                    continue; // ended before the range: the gauges still held it
                }
                double[] figures = new double[HistorySeries.FIGURES.length];
                for (int f = 0; f < figures.length; f++) {
                    figures[f] = at(byMetric, NAME + HistorySeries.FIGURES[f], key, t);
                }
                s.add((long) run, at(byMetric, SUCCESS, key, t) == 1 ? "ok" : "failed", null, figures, end);
                seen++;
            }
            PrometheusMatrix.Series runsTotal = byMetric.getOrDefault(RUNS, Map.of()).get(key);
            if (runsTotal != null) {
                long all = increase(runsTotal, range.queryStartSeconds());
                long failed = increase(byMetric.getOrDefault(FAILURES, Map.of()).get(key), range.queryStartSeconds());
                long skipped = increase(byMetric.getOrDefault(SKIPPED, Map.of()).get(key), range.queryStartSeconds());
                PrometheusMatrix.Series success = byMetric.getOrDefault(SUCCESS, Map.of()).get(key);
                String last = success == null || success.values().length == 0 ? null
                        : success.values()[success.values().length - 1] == 1 ? "ok" : "failed";
                s.counted(Math.max(0, all - failed), failed, skipped, last);
            }
            if (s.points() > 0) {
                tests.add(s);
            }
        }
        if (tests.isEmpty()) {
            throw new InputFormatException(range.input() + ": no run ended from " + Instant.ofEpochSecond(range.fromSeconds())
                    + " to " + Instant.ofEpochSecond(range.toSeconds()));
        }
        return new History(range.input(), List.of(), range.describe(), seen, range.maxPoints(), List.copyOf(tests));
    }

    /**
     * What counter {@code s} counted over the range: the sum of its rises between samples, plus its first value
     * when its first sample is after the range's first step (the session started within the range, its counters
     * from 0); a fall is a restart, after which it counts from 0. 0 without a series.
     */
    static long increase(PrometheusMatrix.Series s, long firstStepSeconds) {
        if (s == null) {
            return 0;
        }
        double total = 0;
        double previous = Double.NaN;
        for (int i = 0; i < s.values().length; i++) {
            double v = s.values()[i];
            if (!Double.isFinite(v)) {
                continue;
            }
            if (Double.isNaN(previous)) {
                total = s.seconds()[i] > firstStepSeconds ? v : 0;
            } else {
                total += v >= previous ? v - previous : v;
            }
            previous = v;
        }
        return Math.round(total);
    }

    /** A metric's series by test ({@link #key}); empty for no answer (null). */
    static Map<String, PrometheusMatrix.Series> byTest(PrometheusMatrix m) {
        Map<String, PrometheusMatrix.Series> out = new HashMap<>();
        if (m != null) {
            m.series().forEach(s -> out.put(key(s.labels()), s));
        }
        return out;
    }

    /** A series' labels but its name: the same for every metric of one test. */
    static String key(Map<String, String> labels) {
        Map<String, String> k = new TreeMap<>(labels);
        k.remove("__name__");
        return k.toString();
    }

    /** The labels that are not the test's own ({@code job}, {@code instance} …), to tell two tests of one id apart. */
    static String others(Map<String, String> labels) {
        Map<String, String> k = new TreeMap<>(labels);
        k.keySet().removeAll(TEST_LABELS);
        return k.toString();
    }

    /** {@code metric}'s value for the test at time {@code t}, NaN when it has none there. */
    private static double at(Map<String, Map<String, PrometheusMatrix.Series>> byMetric, String metric, String key, double t) {
        PrometheusMatrix.Series s = byMetric.getOrDefault(metric, Map.of()).get(key);
        if (s == null) {
            return Double.NaN;
        }
        int i = Arrays.binarySearch(s.seconds(), t);
        return i < 0 ? Double.NaN : s.values()[i];
    }
}
