package io.iperf3j.report.internal;

import java.util.List;

/**
 * A scheduled session's history as read: the tests in the order they first appear, each at most
 * {@code maxPoints} points.
 *
 * @param dir the session's output directory as given
 * @param files the files read, oldest first (tests.jsonl.N … tests.jsonl.1, tests.jsonl)
 * @param lines the lines read (one per (run, test))
 * @param maxPoints the most points a test is drawn with ({@link InputLimits#MAX_HISTORY_POINTS})
 */
public record History(String dir, List<String> files, long lines, int maxPoints, List<HistorySeries> tests) {
}
