package io.iperf3j.session.internal.schedule;

import io.iperf3j.session.internal.dispatch.Dispatcher;
import io.iperf3j.session.internal.result.RunFigures;
import io.iperf3j.session.internal.output.SessionMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.output.ProgressLine;
import io.iperf3j.session.internal.output.PlanOutputDirectory;
import io.iperf3j.session.internal.run.PlanExecution;

/**
 * A plan on its {@link Plan.Schedule}: the tests' runs ({@link ScheduledRuns}) go through the plan's
 * {@link Dispatcher} (exclusive host slots; a run not started within its slip is skipped), and every run,
 * skipped ones included, is written to {@code tests.jsonl} and the state file ({@link ScheduleState}), counted
 * in the session's {@link SessionMetrics} and told to {@code onResult} (progress, Pushgateway). A run that a
 * stop cut short is not recorded: a restart runs it again if its slip allows. Runs due while the session was
 * not running (before a restart) are recorded as skipped with that reason, so no run is lost. Each run of a
 * test first lets its hosts' SSH connections log in again after a failed login, so a host that was down
 * comes back by itself ({@link PlanExecution#runDues}).
 *
 * <p>Threads: {@link #run} on the caller's thread, the dispatcher, which alone pulls runs and records
 * outcomes (one at a time); the tests on the dispatcher's threads; the metrics are read by the HTTP threads.
 */
public final class ScheduledRun {
    /** The reason of a run whose slip passed while the session was not running. */
    static final String NOT_RUNNING = "the session was not running";

    private final PlanExecution runner;
    private final Plan plan;
    private final Plan.Schedule schedule;
    private final PlanOutputDirectory files;
    private final ScheduleState state;
    private final SessionMetrics metrics;
    private final Consumer<TestResult> onResult;
    private final Consumer<String> progress;
    private final Clock clock;
    private final Instant opened;
    /** The run number of each due handed to the dispatcher and not yet ended. */
    private final Map<Dispatcher.Due, Long> runOf = new HashMap<>();

    /**
     * @param onResult told each result (not the skipped runs), on the dispatcher's thread
     * @param progress told one line per run
     * @throws IOException if the output directory's schedule state cannot be read
     */
    public ScheduledRun(PlanExecution runner, Plan plan, PlanOutputDirectory files, SessionMetrics metrics, Consumer<TestResult> onResult,
            Consumer<String> progress, Clock clock) throws IOException {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.plan = plan;
        this.schedule = plan.schedule().orElseThrow(() -> new IllegalArgumentException("the plan has no schedule"));
        this.files = files;
        this.metrics = metrics;
        this.onResult = onResult;
        this.progress = progress;
        this.clock = clock;
        this.opened = clock.instant();
        this.state = ScheduleState.open(files.directory(), plan.tests(), schedule, opened, ScheduleState.DEFAULT_ROTATE_BYTES);
        state.last().forEach(metrics::restore);
    }

    /** Where the schedule starts: run 1's start and the first run this session generates. */
    public String position() {
        return "run " + state.firstRun() + " (run 1 began " + state.start() + ")";
    }

    /** Runs until the schedule ends or the runner is stopped. */
    public void run() throws InterruptedException {
        ScheduledRuns runs = new ScheduledRuns(plan.tests(), schedule, state.start(), state.firstRun(), new SplittableRandom(),
                state::done);
        runner.runDues(new Dues(runs), true, this::outcome);
    }

    private void outcome(Dispatcher.Outcome o) {
        long run = runOf.remove(o.due());
        switch (o) {
            case Dispatcher.Ran ran -> {
                TestResult r = ran.result();
                if (runner.cutShort(r)) {
                    return;
                }
                RunFigures f = RunFigures.of(run, r, clock.millis() / 1000.0);
                state.record(run, r.id(), f.line(files.jsonLine(r, run, o.due().notBefore(), ran.started())), f);
                metrics.ran(r.id(), f);
                progress.accept("[run " + run + "] " + ProgressLine.of(r));
                onResult.accept(r);
            }
            case Dispatcher.Skipped s -> skipped(run, s.due().test(), s.due().notBefore(), s.reason());
        }
    }

    private void skipped(long run, Plan.Test t, Instant due, String reason) {
        state.record(run, t.id(), RunFigures.skippedLine(files.skippedLine(t, run, due, reason), clock.millis() / 1000.0), null);
        metrics.skipped(t.id());
        progress.accept("[run " + run + "] " + t.id() + " " + t.sender() + " -> " + t.receiver() + ": SKIPPED " + reason);
    }

    /** The runs as the dispatcher's dues; those whose slip ended before this session began are recorded as skipped here. */
    private final class Dues implements Iterator<Dispatcher.Due> {
        private final ScheduledRuns runs;
        private ScheduledRuns.Run next;

        Dues(ScheduledRuns runs) {
            this.runs = runs;
        }

        @Override
        public boolean hasNext() {
            while (next == null && runs.hasNext()) {
                ScheduledRuns.Run r = runs.next();
                if (r.giveUpAt().isBefore(opened)) {
                    skipped(r.run(), r.test(), r.notBefore(), NOT_RUNNING);
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
            Dispatcher.Due d = new Dispatcher.Due(next.test(), next.notBefore(), next.giveUpAt());
            runOf.put(d, next.run());
            next = null;
            return d;
        }
    }
}
