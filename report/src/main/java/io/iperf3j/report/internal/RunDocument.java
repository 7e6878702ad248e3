package io.iperf3j.report.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One test run read from a -J document or a --json-stream file: what the header shows, the
 * per-interval views, the error when the run failed, and the input as read.
 *
 * @param label what the page calls the run (file name, or a session test's id)
 * @param summary header facts (who to whom, protocol, rates, versions, command); see {@link RunAccumulator}
 * @param error the run's error text, or null
 * @param views the client's view and, when present, the server's
 * @param raw the input as read (null for a session test that has no output file)
 */
public record RunDocument(String label, ObjectNode summary, String error, List<RunView> views, RawInput raw) {
}
