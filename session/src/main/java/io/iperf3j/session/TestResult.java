package io.iperf3j.session;

import io.iperf3j.Cause;
import io.iperf3j.Confidence;
import io.iperf3j.IntervalMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One test's result.
 *
 * @param id the test's id (unique in a plan)
 * @param sender the sending node's id
 * @param receiver the receiving node's id
 * @param direction the direction word it was planned with ({@code up}, {@code down}, {@code bidir}, ...)
 * @param spec what ran
 * @param repeat which repeat (1-based)
 * @param outcome the figures or the error
 * @param clientOutput the client's raw output, if any was written
 * @param serverOutput the server's raw output, if it was fetched
 * @param clientParsed the client's output read
 * @param serverParsed the server's output read
 * @param warnings warnings ("address in use", a process that would not die)
 * @param elapsed wall time of the test
 * @param why what held each direction of data back ({@code --why}, docs/design/why.md): one verdict, two for
 *        {@code --bidir} (the sender's data first); a verdict that could not be had (a real iperf3 or iperf2
 *        client) is {@link Cause#NOT_DETERMINED} with its reason; empty when the test failed
 */
public record TestResult(String id, String sender, String receiver, String direction, TestSpec spec, int repeat,
        TestResult.Outcome outcome, Optional<Path> clientOutput, Optional<Path> serverOutput,
        Optional<TestResult.ParsedOutput> clientParsed, Optional<TestResult.ParsedOutput> serverParsed, List<String> warnings,
        Duration elapsed, List<TestResult.Verdict> why) {
    /** Copies the lists. */
    public TestResult {
        warnings = List.copyOf(warnings);
        why = List.copyOf(why);
    }

    /** A result whose verdicts are the client output's ({@link ParsedOutput#why()}), none when it has none. */
    public TestResult(String id, String sender, String receiver, String direction, TestSpec spec, int repeat,
            TestResult.Outcome outcome, Optional<Path> clientOutput, Optional<Path> serverOutput,
            Optional<TestResult.ParsedOutput> clientParsed, Optional<TestResult.ParsedOutput> serverParsed, List<String> warnings,
            Duration elapsed) {
        this(id, sender, receiver, direction, spec, repeat, outcome, clientOutput, serverOutput, clientParsed, serverParsed,
                warnings, elapsed, outcome instanceof Outcome.Completed
                        ? clientParsed.map(ParsedOutput::why).orElse(List.of()) : List.of());
    }

    /** The node that sent {@code v}'s data: the sender (the iperf client) or, for a reverse half, the receiver. */
    public String dataSender(Verdict v) {
        return v.senderIsClient() ? sender : receiver;
    }

    /** The node that received {@code v}'s data. */
    public String dataReceiver(Verdict v) {
        return v.senderIsClient() ? receiver : sender;
    }

    /**
     * What held one direction of a test's data back (iperf3j's {@code --why}: {@code end.iperf3j_why}'s
     * {@code directions}).
     *
     * @param senderIsClient whether the iperf client sent this direction's data
     * @param cause the cause; {@link Cause#NOT_DETERMINED} when it cannot be told
     * @param headline {@code limited by <cause>}, or {@code not determined: <reason>}
     * @param reason what points to the cause, or why it cannot be told
     * @param remedy the change that would lift it, in words, where there is one
     * @param confidence how sure it is ({@code clear}, {@code likely}, {@code close}); clear for not determined
     */
    public record Verdict(boolean senderIsClient, Cause cause, String headline, String reason, Optional<String> remedy,
                          Confidence confidence) {
        /** A clear verdict (as read from a result written before confidences). */
        public Verdict(boolean senderIsClient, Cause cause, String headline, String reason, Optional<String> remedy) {
            this(senderIsClient, cause, headline, reason, remedy, Confidence.CLEAR);
        }

        /** A verdict that could not be had, with its reason. */
        public static Verdict notDetermined(boolean senderIsClient, String reason) {
            return new Verdict(senderIsClient, Cause.NOT_DETERMINED, "not determined: " + reason, reason, Optional.empty());
        }
    }

    /**
     * The plan's test this is the result of.
     *
     * @throws IllegalStateException if it is not a plan's test: its direction is none of a plan's words (a
     *         seed-style {@link IperfSession#call}'s {@code downlink}, say)
     */
    public Plan.Test test() {
        Plan.Direction d = Plan.Direction.of(direction).orElseThrow(() -> new IllegalStateException("result " + id
                + " is not of a plan's test: " + Plan.Direction.unknown(direction)));
        return new Plan.Test(id, sender, receiver, d, spec, repeat);
    }

    /** Whether it ran. */
    public boolean ok() {
        return outcome instanceof TestResult.Outcome.Completed;
    }

    /** How one test ended: figures, or the reason it has none. */
    public sealed interface Outcome {
        /**
         * The test ran.
         *
         * @param sentBitsPerSecond the sender's rate over the test
         * @param receivedBitsPerSecond the receiver's rate over the test (its own output)
         * @param receivedBytes bytes the receiver got (its own output)
         * @param reverseReceivedBitsPerSecond a {@code --bidir} test's other half, receiver to sender
         *        (the rate the sender's side received); empty for a test in one direction
         */
        record Completed(double sentBitsPerSecond, double receivedBitsPerSecond, long receivedBytes,
                java.util.OptionalDouble reverseReceivedBitsPerSecond) implements Outcome {
            /** A test in one direction. */
            public Completed(double sentBitsPerSecond, double receivedBitsPerSecond, long receivedBytes) {
                this(sentBitsPerSecond, receivedBitsPerSecond, receivedBytes, java.util.OptionalDouble.empty());
            }
        }

        /**
         * The test failed.
         *
         * @param error why
         */
        record Failed(SessionException error) implements Outcome {
        }
    }

    /**
     * What one iperf output file says, in the library's samples.
     *
     * @param format which output it was
     * @param intervals the interval samples, in order (sums over streams; iperf2's {@code [SUM]} lines when there were several threads)
     * @param summary the whole-test figures the output gives
     * @param error the error the output reports (iperf3's {@code "error"}), if any
     * @param problems lines that could not be read, each with its line number; never turned into zeros
     * @param why the verdicts of an iperf3j client's {@code --why} ({@code end.iperf3j_why}); empty when the output
     *        has none
     */
    public record ParsedOutput(Format format, List<IntervalMetrics> intervals, Summary summary, Optional<String> error,
            List<String> problems, List<Verdict> why) {
        /** Copies the lists. */
        public ParsedOutput {
            intervals = List.copyOf(intervals);
            problems = List.copyOf(problems);
            why = List.copyOf(why);
        }

        /** An output without verdicts. */
        public ParsedOutput(Format format, List<IntervalMetrics> intervals, Summary summary, Optional<String> error,
                List<String> problems) {
            this(format, intervals, summary, error, problems, List.of());
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
}
