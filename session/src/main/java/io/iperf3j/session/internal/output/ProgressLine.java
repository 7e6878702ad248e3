package io.iperf3j.session.internal.output;

import io.iperf3j.session.TestResult;
import java.util.Locale;

/**
 * A test's line in a session's progress log: who, what, and its figure or its error, then its warnings; a
 * skipped run, why. The caller puts its own head before it ({@code [3/12]}, {@code [run 7]}). Pure.
 */
public final class ProgressLine {
    private ProgressLine() {
    }

    /** A record's line: a result's, or a skipped run's. */
    public static String of(RunRecord r) {
        return switch (r) {
            case RunRecord.Ran ran -> of(ran.result());
            case RunRecord.Skipped s -> s.test().id() + " " + s.test().sender() + " -> " + s.test().receiver() + ": SKIPPED "
                    + s.reason();
        };
    }

    /** {@code , limited by …} (iperf3j --why; both halves of a --bidir test, {@code /} between), when a cause was told. */
    private static String limited(TestResult r) {
        if (r.why().stream().allMatch(v -> v.cause() == io.iperf3j.Cause.NOT_DETERMINED)) {
            return "";
        }
        return ", limited by " + String.join(" / ", r.why().stream().map(v -> v.cause().words(r.spec().protocol())
                + switch (v.confidence()) {
                    case CLEAR -> "";
                    case LIKELY -> " (likely)";
                    case CLOSE -> " (close)";
                }).toList());
    }

    /** A result as its progress line, without the counter. */
    public static String of(TestResult r) {
        String head = String.format(Locale.ROOT, "%s %s -> %s %s %s: ", r.id(), r.sender(), r.receiver(),
                r.direction(), r.spec().protocol().name().toLowerCase(Locale.ROOT));
        return head + switch (r.outcome()) {
            case TestResult.Outcome.Completed c -> String.format(Locale.ROOT, "ok %.1f Mbit/s received (%.1f s)",
                    c.receivedBitsPerSecond() / 1e6, r.elapsed().toMillis() / 1000.0) + limited(r);
            case TestResult.Outcome.Failed f -> "FAILED " + f.error().kind() + ": " + f.error().getMessage();
        } + warnings(r);
    }

    /** The moves a test made that its user should know of (a port another process held), one indented line each. */
    private static String warnings(TestResult r) {
        StringBuilder sb = new StringBuilder();
        for (String w : r.warnings()) {
            if (w.contains("the test moved to port")) {
                sb.append("\n    warning: ").append(w);
            }
        }
        return sb.toString();
    }
}
