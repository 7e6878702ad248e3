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
 * @param why what held each direction of the test's data back (the session's {@code why}: iperf3j's {@code --why});
 *     empty for a failed test or a directory written before the key
 */
public record SessionTest(String id, String sender, String receiver, String direction, String protocol, String kind,
        int repeat, String status, String error, Double sentBitsPerSecond, Double receivedBitsPerSecond,
        Long receivedBytes, Double reverseReceivedBitsPerSecond, int run, String note, java.util.List<Why> why) {
    /** Copies {@code why}. */
    public SessionTest {
        why = java.util.List.copyOf(why);
    }

    /** A test without verdicts. */
    public SessionTest(String id, String sender, String receiver, String direction, String protocol, String kind,
            int repeat, String status, String error, Double sentBitsPerSecond, Double receivedBitsPerSecond,
            Long receivedBytes, Double reverseReceivedBitsPerSecond, int run, String note) {
        this(id, sender, receiver, direction, protocol, kind, repeat, status, error, sentBitsPerSecond, receivedBitsPerSecond,
                receivedBytes, reverseReceivedBitsPerSecond, run, note, java.util.List.of());
    }

    /**
     * One direction's verdict, as tests.jsonl's {@code why} gives it.
     *
     * @param from the host that sent the data
     * @param to the host that received it
     * @param cause {@code path}, {@code receiver_window}, {@code sender_buffer}, {@code sender_cpu},
     *     {@code receiver_cpu}, {@code receiver_buffer}, {@code pacing} or {@code not_determined}
     * @param headline {@code limited by ...} or {@code not determined: ...}
     * @param reason what points to the cause, or why it cannot be told
     * @param remedy the change that would lift it, or null
     * @param confidence {@code clear}, {@code likely} or {@code close} (a close verdict is not coloured as certain)
     */
    public record Why(String from, String to, String cause, String headline, String reason, String remedy,
                      String confidence) {
        /** A clear verdict (a line written before confidences). */
        public Why(String from, String to, String cause, String headline, String reason, String remedy) {
            this(from, to, cause, headline, reason, remedy, "clear");
        }
    }
}
