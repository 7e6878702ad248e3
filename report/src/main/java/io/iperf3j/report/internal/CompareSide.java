package io.iperf3j.report.internal;

import java.util.Map;

/**
 * One side of {@code report --compare}, as read: its pairs' runs in the order the pairs first appear.
 *
 * @param input the input as given
 * @param session whether it is a session's output (a plan's or a schedule's) rather than one -J or --json-stream run
 * @param pairs each pair's runs, in the order read
 */
public record CompareSide(String input, boolean session, Map<PairKey, PairRuns> pairs) {
}
