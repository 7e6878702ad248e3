package io.iperf3j.session;

import io.iperf3j.export.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * When a plan runs again and again ({@code schedule:} in the plan, {@code iperf3j session --every}), as
 * perfSONAR's pScheduler repeats a task: every {@code every}, each of the plan's tests once, spread evenly
 * across the period (test i of n is due at {@code i × every / n} into it, not all at once). A test may start
 * up to {@code slip} after it is due (while its hosts are busy); one not started by then is skipped and
 * counted, never run late. {@code randomStart} delays each test by a random amount up to it (pScheduler's
 * {@code sliprand}), so that many controllers do not start together. The schedule ends after {@code runs}
 * periods or at {@code until}, whichever comes first; with neither it runs until stopped.
 *
 * @param every the period, at least {@link #MIN_EVERY}
 * @param slip how late after it is due a test may still start (0 .. every)
 * @param randomStart the most random delay added to each test's start (0 .. every)
 * @param runs how many periods, if limited
 * @param until no test starts at or after this instant, if given
 */
public record Schedule(Duration every, Duration slip, Duration randomStart, OptionalLong runs, Optional<Instant> until) {
    /** The shortest period. */
    public static final Duration MIN_EVERY = Duration.ofSeconds(1);
    /** The longest period. */
    public static final Duration MAX_EVERY = Duration.ofDays(366);

    /** Checks the bounds. */
    public Schedule {
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(slip, "slip");
        Objects.requireNonNull(randomStart, "randomStart");
        Objects.requireNonNull(runs, "runs");
        Objects.requireNonNull(until, "until");
        if (every.compareTo(MIN_EVERY) < 0 || every.compareTo(MAX_EVERY) > 0) {
            throw new IllegalArgumentException("every: " + text(every) + " is not in 1s .. 366 days");
        }
        if (slip.isNegative() || slip.compareTo(every) > 0) {
            throw new IllegalArgumentException("slip: " + text(slip) + " is not in 0 .. every (" + text(every) + ")");
        }
        if (randomStart.isNegative() || randomStart.compareTo(every) > 0) {
            throw new IllegalArgumentException("random_start: " + text(randomStart) + " is not in 0 .. every (" + text(every) + ")");
        }
        if (runs.isPresent() && runs.getAsLong() < 1) {
            throw new IllegalArgumentException("runs: " + runs.getAsLong() + " is not a positive number of periods");
        }
    }

    /** Every {@code every}, slip a whole period, no random start, until stopped. */
    public static Schedule every(Duration every) {
        return new Schedule(every, every, Duration.ZERO, OptionalLong.empty(), Optional.empty());
    }

    /**
     * This schedule with another period ({@code --every} over the plan's {@code every}): a slip of a whole
     * period stays a whole period; a slip or random start longer than the new period is cut to it.
     */
    public Schedule withEvery(Duration period) {
        Duration newSlip = slip.equals(every) || slip.compareTo(period) > 0 ? period : slip;
        return new Schedule(period, newSlip, randomStart.compareTo(period) > 0 ? period : randomStart, runs, until);
    }

    /**
     * A DURATION as the plan and {@code --every} write it: a whole number with {@code ms}, {@code s},
     * {@code m}, {@code h} or none (seconds); {@code 0} for none where {@code zero} is allowed.
     *
     * @throws IllegalArgumentException naming {@code what}
     */
    public static Duration duration(String what, String raw, boolean zero) {
        if (zero && raw.trim().matches("0+(ms|s|m|h)?")) {
            return Duration.ZERO;
        }
        return Durations.parse(what, raw);
    }

    /** A duration as the plan writes it: {@code 1h}, {@code 5m}, {@code 30s} or {@code 500ms}. */
    static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 3_600_000 == 0 && ms > 0 ? ms / 3_600_000 + "h" : ms % 60_000 == 0 && ms > 0 ? ms / 60_000 + "m"
                : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
