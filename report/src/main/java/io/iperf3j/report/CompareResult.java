package io.iperf3j.report;

import java.util.Objects;

/**
 * What {@link RunComparison#compare} decided: the command maps it to its exit status (0, 1, 2) as the iperf
 * command maps {@code ParseResult}.
 */
public sealed interface CompareResult {
    /** Both inputs were read and compared; {@link RunComparison#regressed()} says whether the gate failed. */
    record Compared(RunComparison comparison) implements CompareResult {
        public Compared {
            Objects.requireNonNull(comparison, "comparison");
        }
    }

    /**
     * An input could not be compared: not readable, not a run or a session, or a run against a session.
     *
     * @param message what is wrong, naming the input, without the program name
     */
    record BadInput(String message) implements CompareResult {
        public BadInput {
            Objects.requireNonNull(message, "message");
        }
    }
}
