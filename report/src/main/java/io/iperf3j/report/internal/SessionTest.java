package io.iperf3j.report.internal;

/**
 * One line of a session directory's tests.jsonl, with the run read from its output (if any).
 *
 * @param kind what the test measured, the session's matrices' grouping (protocol, {@code bidir}, the
 *     extra iperf arguments, e.g. {@code udp bidir -b 50M}); tests of different kinds are never averaged
 * @param reverseReceivedBitsPerSecond a {@code --bidir} test's other half (receiver to sender, as the
 *     sender received it), or null
 * @param run the index of the test's run in the report, or -1 when it has no readable output
 * @param note why the output could not be read, or null
 */
public record SessionTest(String id, String sender, String receiver, String direction, String protocol, String kind,
        int repeat, String status, String error, Double sentBitsPerSecond, Double receivedBitsPerSecond,
        Long receivedBytes, Double reverseReceivedBitsPerSecond, int run, String note) {
}
