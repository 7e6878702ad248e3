package io.iperf3j.session.internal.agent;

import io.iperf3j.session.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * When each test of a run starts, from the plan alone, so that every agent with the same plan computes the same timetable
 * and tests due at once never share a host. A run's tests ({@link Plan#testsOfRun}) are packed into rounds in which no host is
 * in two tests ({@link Plan#rounds}: a rotation's run of at most a matching's pairs is one round, as {@code Rotation} orders
 * them); round {@code r} starts when round {@code r − 1} is due to end: its start, plus its longest test's {@code -t} (whole
 * seconds up), plus the {@link #margin} (the control exchange, a test's end, the hosts' clocks' skew). A test may start up
 * to the margin late and no later: after that it would run into the next round.
 *
 * <p>Runs are placed on the wall clock, not from when an agent started, so that agents started at different times agree:
 * run {@code n} of a schedule starts at {@code n × every} since the Unix epoch ({@link #runStart}), and {@code n} is the run
 * number that picks a rotation's pairs ({@link Plan.Turn#runsIn}); a plan without a schedule runs once, at the next
 * multiple of its run's length (at least {@link #ONCE_GRID}).
 *
 * @param plan the plan
 * @param margin the time between one round's due end and the next round's start; also a test's slip
 */
public record AgentTimetable(Plan plan, Duration margin) {
    /** The margin when none is given: NTP keeps hosts within milliseconds, a test's end takes well under a second. */
    public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(2);
    /** The grid a plan without a schedule starts its one run on. */
    public static final Duration ONCE_GRID = Duration.ofSeconds(10);

    /** Checks the margin: 0 to a minute. */
    public AgentTimetable {
        Objects.requireNonNull(plan, "plan");
        if (margin.isNegative() || margin.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("margin " + margin + " is not in 0 .. 1 minute");
        }
    }

    /**
     * One test's place in a run.
     *
     * @param test the plan's test
     * @param round its round in the run, from 0
     * @param start when it is due
     * @param end when its round is due to end, and the next to start
     */
    public record Entry(Plan.Test test, int round, Instant start, Instant end) {
        /**
         * The same test in the run's replay: its round again, {@code runLength} later (the replay repeats the run's rounds
         * after its last; {@link AgentTimetable#replayWindow}).
         */
        public Entry replayed(Duration runLength) {
            return new Entry(test, round, start.plus(runLength), end.plus(runLength));
        }
    }

    /**
     * Every test of run {@code run} starting at {@code runStart}, in the order they are due: a schedule's run (from 1), or
     * {@link #ONCE} for a plan run once (every test, a rotation's too).
     */
    public List<Entry> run(long run, Instant runStart) {
        List<Entry> entries = new ArrayList<>();
        Instant start = runStart;
        List<List<Plan.Test>> rounds = rounds(run);
        for (int r = 0; r < rounds.size(); r++) {
            Instant end = start.plus(roundLength(rounds.get(r)));
            for (Plan.Test t : rounds.get(r)) {
                entries.add(new Entry(t, r, start, end));
            }
            start = end;
        }
        return entries;
    }

    /** How long run {@code run} takes: every round's longest test and its margin. */
    public Duration length(long run) {
        Duration d = Duration.ZERO;
        for (List<Plan.Test> round : rounds(run)) {
            d = d.plus(roundLength(round));
        }
        return d;
    }

    /**
     * How long the replay of run {@code run} of {@code runLength} may last: the time in which a test skipped at its time is
     * tried once more, in its own round of the run repeated after the run's last ({@link Entry#replayed}). Its rounds are the
     * run's, so tests tried again at once never share a host either, and no test waits for another in a cycle; only a skipped
     * test is tried, and only if its round ends within the replay. As long as the run, and over by the time the next run's plan is
     * read ({@link AgentPlan#READ_AHEAD}); none for a plan without a schedule, whose agents end with its run.
     */
    public Duration replayWindow(long run, Duration runLength) {
        if (run == ONCE || plan.schedule().isEmpty()) {
            return Duration.ZERO;
        }
        Duration spare = plan.schedule().get().every().minus(runLength).minus(AgentPlan.READ_AHEAD);
        return spare.isNegative() ? Duration.ZERO : spare.compareTo(runLength) < 0 ? spare : runLength;
    }

    /** The longest of a whole rotation cycle's runs (a plan without rotation: its one run's length). */
    public Duration longestRun() {
        long runs = plan.rotations().stream().mapToLong(Plan.Turn::runs).reduce(1, AgentTimetable::lcmCapped);
        Duration longest = Duration.ZERO;
        for (long n = 1; n <= runs; n++) {
            Duration d = length(n);
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest;
    }

    /**
     * Checks that every run of a schedule (the longest of a rotation's cycle) ends before the next starts.
     *
     * @throws IllegalArgumentException naming the run's length and the period when it does not
     */
    public void checkPeriod() {
        if (plan.schedule().isPresent()) {
            Duration every = plan.schedule().get().every();
            Duration longest = longestRun();
            if (longest.compareTo(every) > 0) {
                throw new IllegalArgumentException("a run of the plan takes up to " + Plan.Schedule.text(longest)
                        + " (its rounds' -t and a " + Plan.Schedule.text(margin) + " margin each), longer than every "
                        + Plan.Schedule.text(every) + ": the runs would overlap");
            }
        }
    }

    private static long lcmCapped(long a, long b) {
        long g = java.math.BigInteger.valueOf(a).gcd(java.math.BigInteger.valueOf(b)).longValue();
        return Math.min(1000, a / g * b);
    }

    /** The run number of a plan without a schedule: it runs every test. */
    public static final long ONCE = 0;

    private List<List<Plan.Test>> rounds(long run) {
        return run == ONCE ? plan.rounds() : plan.withTests(plan.testsOfRun(run)).rounds();
    }

    private Duration roundLength(List<Plan.Test> round) {
        double longest = round.stream().mapToDouble(t -> t.spec().durationSeconds()).max().orElse(0);
        return Duration.ofSeconds((long) Math.ceil(longest)).plus(margin);
    }

    /** When run {@code run} of a schedule of period {@code every} starts: {@code run × every} since the epoch. */
    public static Instant runStart(long run, Duration every) {
        return Instant.ofEpochMilli(Math.multiplyExact(run, every.toMillis()));
    }

    /** The first run of a schedule of period {@code every} that starts at or after {@code notBefore}. */
    public static long firstRun(Instant notBefore, Duration every) {
        long period = every.toMillis();
        return Math.max(1, Math.floorDiv(notBefore.toEpochMilli() + period - 1, period));
    }

    /** The period a plan without a schedule places its one run on: its run's length, whole seconds up, at least {@link #ONCE_GRID}. */
    public Duration onceGrid() {
        long seconds = (long) Math.ceil(length(ONCE).toMillis() / 1000.0);
        return Duration.ofSeconds(Math.max(ONCE_GRID.toSeconds(), seconds));
    }
}
