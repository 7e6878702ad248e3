package io.iperf3j.report.internal;

import java.util.List;

/**
 * A scheduled session's history as read, from its tests.jsonl ({@link HistoryReader}) or from Prometheus
 * ({@link PrometheusHistory}): the tests in the order they first appear, each at most {@code maxPoints} points.
 *
 * @param dir the session's output directory as given, or the Prometheus server ({@code prometheus+http://…})
 * @param files the files read, oldest first (tests.jsonl.N … tests.jsonl.1, tests.jsonl); none from Prometheus
 * @param query what was asked of Prometheus ({@link PrometheusRange#describe()}), or null for files
 * @param lines the lines read (one per (run, test)), or the runs seen in Prometheus's answers
 * @param maxPoints the most points a test is drawn with ({@link InputLimits#MAX_HISTORY_POINTS})
 */
public record History(String dir, List<String> files, String query, long lines, int maxPoints, List<HistorySeries> tests) {
    /** The newest run that has a result (an ok or failed line) of any test, 0 when none has. */
    public long newestRun() {
        long n = 0;
        for (HistorySeries s : tests) {
            n = Math.max(n, s.lastResultRun());
        }
        return n;
    }

    /**
     * The end time (unix seconds) of the newest result of the whole history, which each test's age is counted back from
     * (the page is a file read later: its "now" is the history's own), NaN when no result has a time.
     */
    public double newestTime() {
        double t = Double.NaN;
        for (HistorySeries s : tests) {
            if (!Double.isNaN(s.lastResultTime()) && (Double.isNaN(t) || s.lastResultTime() > t)) {
                t = s.lastResultTime();
            }
        }
        return t;
    }
}
