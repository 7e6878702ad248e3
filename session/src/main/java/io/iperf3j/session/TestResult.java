package io.iperf3j.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

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
 */
public record TestResult(String id, String sender, String receiver, String direction, TestSpec spec, int repeat,
        TestOutcome outcome, Optional<Path> clientOutput, Optional<Path> serverOutput,
        Optional<ParsedOutput> clientParsed, Optional<ParsedOutput> serverParsed, List<String> warnings,
        Duration elapsed) {
    /** Copies the list. */
    public TestResult {
        warnings = List.copyOf(warnings);
    }

    /** The test this is the result of. */
    public PlannedTest test() {
        return new PlannedTest(id, sender, receiver, direction, spec, repeat);
    }

    /** Whether it ran. */
    public boolean ok() {
        return outcome instanceof TestOutcome.Completed;
    }
}
