package io.iperf3j.session.internal.schedule;

import io.iperf3j.session.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.BiPredicate;
import java.util.random.RandomGenerator;

/**
 * A plan's tests under a {@link Plan.Schedule} as the endless (or {@code runs}/{@code until}-bounded) sequence
 * of what is due, in {@code notBefore} order: run {@code k} (from 1) starts at {@code start + (k−1) × every};
 * test {@code i} of {@code n} is due {@code i × every / n} into it, plus a random delay in
 * {@code [0, randomStart]}; it may start until {@code notBefore + slip}. Pure: no clock, no threads; the
 * random delays come from the generator given (seeded in tests). A period is generated only when the
 * next due could belong to it, so memory holds at most about two periods' dues whatever the number of runs.
 *
 * <p>{@code done} leaves out the (run, test id) pairs already accounted for (a restarted session's
 * {@code tests.jsonl}). One thread uses an instance.
 */
public final class ScheduledRuns implements Iterator<ScheduledRuns.Run> {
    /**
     * One test of one run.
     *
     * @param run the period's number, from 1
     * @param test the test
     * @param notBefore not started before
     * @param giveUpAt skipped if not started by then
     */
    public record Run(long run, Plan.Test test, Instant notBefore, Instant giveUpAt) {
        /** Checks presence. */
        public Run {
            Objects.requireNonNull(test, "test");
            Objects.requireNonNull(notBefore, "notBefore");
            Objects.requireNonNull(giveUpAt, "giveUpAt");
        }
    }

    private static final Comparator<Run> ORDER = Comparator.comparing(Run::notBefore).thenComparingLong(Run::run);

    private final java.util.function.LongFunction<List<Plan.Test>> testsOfRun;
    private final Plan.Schedule schedule;
    private final Instant start;
    private final RandomGenerator random;
    private final BiPredicate<Long, String> done;
    private final PriorityQueue<Run> pending = new PriorityQueue<>(ORDER);
    private long nextRun;
    private boolean ended;

    /**
     * @param tests the plan's tests, in plan order (the order they are spread across a period)
     * @param schedule the schedule
     * @param start when run 1 starts
     * @param firstRun the first run generated (1 for a new session; a restarted one begins with its current run)
     * @param random the random start's generator
     * @param done whether (run, test id) is already accounted for: such a pair is left out
     */
    public ScheduledRuns(List<Plan.Test> tests, Plan.Schedule schedule, Instant start, long firstRun, RandomGenerator random,
            BiPredicate<Long, String> done) {
        this(checked(tests), schedule, start, firstRun, random, done);
    }

    private static java.util.function.LongFunction<List<Plan.Test>> checked(List<Plan.Test> tests) {
        if (tests.isEmpty()) {
            throw new IllegalArgumentException("a schedule needs at least one test");
        }
        List<Plan.Test> copy = List.copyOf(tests);
        return run -> copy;
    }

    /**
     * @param testsOfRun each run's tests, in plan order, asked once a run as it is generated (a plan read again for each
     *        run: issue 66); a run of no test has no due
     * @param schedule the schedule
     * @param start when run 1 starts
     * @param firstRun the first run generated
     * @param random the random start's generator
     * @param done whether (run, test id) is already accounted for
     */
    public ScheduledRuns(java.util.function.LongFunction<List<Plan.Test>> testsOfRun, Plan.Schedule schedule, Instant start,
            long firstRun, RandomGenerator random, BiPredicate<Long, String> done) {
        if (firstRun < 1) {
            throw new IllegalArgumentException("runs are numbered from 1");
        }
        this.testsOfRun = Objects.requireNonNull(testsOfRun, "testsOfRun");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        this.start = Objects.requireNonNull(start, "start");
        this.random = Objects.requireNonNull(random, "random");
        this.done = Objects.requireNonNull(done, "done");
        this.nextRun = firstRun;
    }

    /** When run {@code run} starts. */
    public Instant runStart(long run) {
        return start.plus(schedule.every().multipliedBy(run - 1));
    }

    /** The run that {@code t} falls in (0 before run 1). */
    public long runAt(Instant t) {
        if (t.isBefore(start)) {
            return 0;
        }
        return Duration.between(start, t).toNanos() / schedule.every().toNanos() + 1;
    }

    @Override
    public boolean hasNext() {
        fill();
        return !pending.isEmpty();
    }

    @Override
    public Run next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }

    /** Generates runs until the earliest pending due comes before every due of the runs not generated yet. */
    private void fill() {
        while (!ended && (pending.isEmpty() || !pending.peek().notBefore().isBefore(runStart(nextRun)))) {
            if (schedule.runs().isPresent() && nextRun > schedule.runs().getAsLong()
                    || schedule.until().isPresent() && !runStart(nextRun).isBefore(schedule.until().get())) {
                ended = true;
                return;
            }
            generate(nextRun++);
        }
    }

    private void generate(long run) {
        Instant begin = runStart(run);
        long period = schedule.every().toNanos();
        long jitter = schedule.randomStart().toNanos();
        List<Plan.Test> tests = testsOfRun.apply(run);
        int n = tests.size();
        for (int i = 0; i < n; i++) {
            Plan.Test t = tests.get(i);
            long offset = period / n * i + period % n * i / n; // period × i / n without overflow
            Instant due = begin.plusNanos(offset + (jitter == 0 ? 0 : random.nextLong(jitter + 1)));
            if (schedule.until().isPresent() && !due.isBefore(schedule.until().get())) {
                continue;
            }
            if (!done.test(run, t.id())) {
                pending.add(new Run(run, t, due, due.plus(schedule.slip())));
            }
        }
    }
}
