package io.iperf3j.session.internal.output;

import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.result.RunFigures;
import java.time.Instant;
import java.util.Objects;

/**
 * What became of one due test, as every sink of a session gets it (the one {@code tests.jsonl} writer, the
 * schedule's book, its metrics, the push queue, the progress line): a plan run once and a schedule hand out
 * the same records, made in one place ({@code PlanExecution.execute}).
 */
public sealed interface RunRecord {
    /** The test. */
    Plan.Test test();

    /** Its run: the schedule's period, from 1 (1 for a plan run once). */
    long run();

    /** When it was due (a plan run once: when the plan began). */
    Instant due();

    /** Its figures, as the metrics and the archives show it: a skipped run's are {@link RunFigures#skipped}. */
    RunFigures figures();

    /**
     * It ran (completed or failed).
     *
     * @param test the plan's test, as it was due (its {@link Plan.Test#turn} with it)
     * @param started when it got its hosts' slots
     * @param figures its figures, as the history and the metrics keep them
     */
    record Ran(Plan.Test test, TestResult result, long run, Instant due, Instant started, RunFigures figures) implements RunRecord {
        /** Checks presence, and that the result is the test's. */
        public Ran {
            Objects.requireNonNull(test, "test");
            Objects.requireNonNull(result, "result");
            Objects.requireNonNull(due, "due");
            Objects.requireNonNull(started, "started");
            Objects.requireNonNull(figures, "figures");
            if (!test.id().equals(result.id())) {
                throw new IllegalArgumentException("result " + result.id() + " is not of test " + test.id());
            }
        }

        /** A run of the test the result names (one that no rotation holds: {@link TestResult#test()}). */
        public Ran(TestResult result, long run, Instant due, Instant started, RunFigures figures) {
            this(result.test(), result, run, due, started, figures);
        }
    }

    /**
     * It did not run: its hosts were not free within its slip, or its slip passed while the session was not
     * running.
     *
     * @param givenUp when it was given up
     */
    record Skipped(Plan.Test test, long run, Instant due, String reason, Instant givenUp) implements RunRecord {
        /** Checks presence. */
        public Skipped {
            Objects.requireNonNull(test, "test");
            Objects.requireNonNull(due, "due");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(givenUp, "givenUp");
        }

        /** Not ok, stamped when it was given up. */
        @Override
        public RunFigures figures() {
            return RunFigures.skipped(run, givenUp.toEpochMilli() / 1000.0);
        }
    }
}
