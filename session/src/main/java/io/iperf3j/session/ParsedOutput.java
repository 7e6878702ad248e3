package io.iperf3j.session;

import io.iperf3j.IntervalMetrics;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * What one iperf output file says, in the library's samples.
 *
 * @param format which output it was
 * @param intervals the interval samples, in order (sums over streams; iperf2's {@code [SUM]} lines when there were several threads)
 * @param summary the whole-test figures the output gives
 * @param error the error the output reports (iperf3's {@code "error"}), if any
 * @param problems lines that could not be read, each with its line number; never turned into zeros
 */
public record ParsedOutput(Format format, List<IntervalMetrics> intervals, Summary summary, Optional<String> error,
        List<String> problems) {
    /** Copies the lists. */
    public ParsedOutput {
        intervals = List.copyOf(intervals);
        problems = List.copyOf(problems);
    }

    /** The kinds of output understood. */
    public enum Format {
        /** iperf3 {@code -J} (one or more JSON documents). */
        IPERF3_JSON,
        /** iperf3 {@code --json-stream} (one event per line). */
        IPERF3_JSON_STREAM,
        /** iperf2's human-readable text. */
        IPERF2_TEXT,
        /** iperf2 {@code -y C}. */
        IPERF2_CSV,
        /** Nothing recognisable (empty, or only noise). */
        EMPTY
    }

    /**
     * Whole-test figures; absent when the output does not state them.
     *
     * @param sentBytes bytes the sender sent
     * @param sentBitsPerSecond the sender's rate
     * @param receivedBytes bytes the receiver received
     * @param receivedBitsPerSecond the receiver's rate
     * @param reverseReceivedBitsPerSecond a {@code --bidir} test's other half: the rate the client's
     *        side received from the server's ({@code end.sum_received_bidir_reverse})
     */
    public record Summary(OptionalLong sentBytes, OptionalDouble sentBitsPerSecond, OptionalLong receivedBytes,
            OptionalDouble receivedBitsPerSecond, OptionalDouble reverseReceivedBitsPerSecond) {
        /** No figures. */
        public static final Summary NONE = new Summary(OptionalLong.empty(), OptionalDouble.empty(), OptionalLong.empty(),
                OptionalDouble.empty());

        /** The figures of a test in one direction. */
        public Summary(OptionalLong sentBytes, OptionalDouble sentBitsPerSecond, OptionalLong receivedBytes,
                OptionalDouble receivedBitsPerSecond) {
            this(sentBytes, sentBitsPerSecond, receivedBytes, receivedBitsPerSecond, OptionalDouble.empty());
        }
    }
}
