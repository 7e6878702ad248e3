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
}
