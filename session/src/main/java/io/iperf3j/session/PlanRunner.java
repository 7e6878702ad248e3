package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a {@link Plan}: every test, in rounds or as its hosts come free ({@link Plan#parallel()}), no host in
 * two tests at once (even across controllers sharing a fleet: the hosts hold the slots), a failed test a
 * result like any other. Made by {@link Sessions#runner}.
 *
 * <p>Threads: {@link #run()} runs on the caller's thread, which dispatches; each test runs on a virtual
 * thread; the results are handed to the runner's consumer on the caller's thread, one at a time, as the
 * tests end. {@link #stop()} may be called from any thread (a shutdown hook on SIGINT/SIGTERM).
 */
public interface PlanRunner {
    /** The rounds the plan runs in, in order (without {@code parallel}: one test a round). */
    List<List<Plan.Test>> schedule();

    /**
     * What {@link #run()} would do, as lines, running nothing.
     *
     * @param scripts whether each command is followed by the whole script sent to its host
     */
    List<String> dryRun(boolean scripts) throws IperfConfigurationError;

    /** Runs every test and returns their results in the order they ended. */
    List<TestResult> run() throws InterruptedException;

    /**
     * Where this controller keeps its own slots (the folder that tells plans run on this machine apart);
     * a test also takes its hosts' slots on the hosts.
     */
    PlanRunner slotDirectory(Path directory);

    /** Stops the plan: running tests are killed (their results say so), no more start. */
    void stop() throws InterruptedException;
}
