package io.iperf3j.report.internal;

/**
 * One line of a session directory's tests.jsonl, with the run read from its output (if any).
 *
 * @param run the index of the test's run in the report, or -1 when it has no readable output
 * @param note why the output could not be read, or null
 */
public record SessionTest(String id, String sender, String receiver, String direction, String protocol, int repeat,
        String status, String error, Double sentBitsPerSecond, Double receivedBitsPerSecond, Long receivedBytes,
        int run, String note) {
}
