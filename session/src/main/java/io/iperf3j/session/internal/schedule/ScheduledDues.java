package io.iperf3j.session.internal.schedule;

import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.dispatch.Dispatcher;
import io.iperf3j.session.internal.output.RunRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A schedule as one more source of due tests: its runs ({@link ScheduledRuns}, from where its book left off)
 * as the dispatcher's dues, each carrying its run number. A run whose slip ended before this session began
 * never reaches the dispatcher: it is handed to {@code missed} as skipped, "the session was not running", so
 * that it has its line like any other. What became of the others comes back through the plan's one path
 * ({@code PlanExecution.execute}) to the same sinks.
 *
 * <p>Threads: iterated by the dispatcher's thread only.
 */
public final class ScheduledDues implements Iterator<Dispatcher.Due> {
    /** The reason of a run whose slip passed while the session was not running. */
    static final String NOT_RUNNING = "the session was not running";

    private final ScheduledRuns runs;
    private final Instant opened;
    private final Clock clock;
    private final Consumer<RunRecord> missed;
    private ScheduledRuns.Run next;

    /**
     * @param state the schedule's book, opened on this session's output directory
     * @param missed told of each run whose slip ended before {@code clock}'s now (on the iterating thread)
     */
    public ScheduledDues(Plan plan, ScheduleState state, Clock clock, Consumer<RunRecord> missed) {
        this(plan, plan::testsOfRun, state, clock, missed);
    }

    /**
     * @param plan the plan (its schedule)
     * @param testsOfRun each run's tests, asked as it is generated ({@link LivePlan}: the plan read again)
     * @param state the schedule's book, opened on this session's output directory
     * @param missed told of each run whose slip ended before {@code clock}'s now (on the iterating thread)
     */
    public ScheduledDues(Plan plan, java.util.function.LongFunction<java.util.List<Plan.Test>> testsOfRun, ScheduleState state,
            Clock clock, Consumer<RunRecord> missed) {
        Plan.Schedule schedule = plan.schedule().orElseThrow(() -> new IllegalArgumentException("the plan has no schedule"));
        this.runs = new ScheduledRuns(testsOfRun, schedule, state.start(), state.firstRun(), new SplittableRandom(), state::done);
        this.opened = clock.instant();
        this.clock = clock;
        this.missed = missed;
    }

    /** Where a book's schedule starts: run 1's start and the first run this session generates. */
    public static String position(ScheduleState state) {
        return "run " + state.firstRun() + " (run 1 began " + state.start() + ")";
    }

    @Override
    public boolean hasNext() {
        while (next == null && runs.hasNext()) {
            ScheduledRuns.Run r = runs.next();
            if (r.giveUpAt().isBefore(opened)) {
                missed.accept(new RunRecord.Skipped(r.test(), r.run(), r.notBefore(), NOT_RUNNING, clock.instant()));
            } else {
                next = r;
            }
        }
        return next != null;
    }

    @Override
    public Dispatcher.Due next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Dispatcher.Due d = new Dispatcher.Due(next.test(), next.run(), next.notBefore(), next.giveUpAt());
        next = null;
        return d;
    }
}
