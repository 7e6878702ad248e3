package io.iperf3j.session.internal.output;

import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.result.RunFigures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a session's results leave for (issue 65: one way out, two wire formats): its Pushgateway ({@link ResultPush}) and its
 * remote-write receiver ({@link ResultRemoteWrite}), each through its own {@link ResultQueue}, as the plan (or the command
 * line over it) names them. One sink for the plan's records, one set of counters for {@code /metrics}, one flush at the end
 * and one block of summary lines.
 *
 * <p>Threads: {@link #accept} on the plan's result thread; {@link #finish} once, after the plan.
 */
public final class ResultArchives implements Consumer<RunRecord> {
    private final Optional<ResultPush> push;
    private final Optional<ResultRemoteWrite> remoteWrite;

    private ResultArchives(Optional<ResultPush> push, Optional<ResultRemoteWrite> remoteWrite) {
        this.push = push;
        this.remoteWrite = remoteWrite;
    }

    /**
     * The archives {@code plan} names, started.
     *
     * @param warnings told when an archive stops answering and when it is back
     * @throws IllegalArgumentException if a target cannot be valid (a remote-write URL, a file it cannot read), saying why
     */
    public static ResultArchives of(Plan plan, Consumer<String> warnings) {
        Optional<ResultRemoteWrite> rw = plan.remoteWrite().map(t -> new ResultRemoteWrite(t, warnings));
        Optional<ResultPush> p = plan.push().map(t -> new ResultPush(t.endpoint(), t.job(), warnings));
        return new ResultArchives(p, rw);
    }

    /** Whether there is any archive. */
    public boolean any() {
        return push.isPresent() || remoteWrite.isPresent();
    }

    /**
     * Queues a run's result for every archive; returns at once. A skipped run is sent too, as not ok ({@link RunFigures#skipped}):
     * an archive's {@code test_success} of a test whose runs are skipped is 0, not its last good run's 1 (issue 66).
     */
    @Override
    public void accept(RunRecord rec) {
        push.ifPresent(p -> p.push(ResultRemoteWrite.name(rec), ResultPush.labels(rec.test()), rec.figures()));
        remoteWrite.ifPresent(w -> w.accept(rec));
    }

    /**
     * Queues one sample of a series of the caller's own (an agent's heartbeat: {@code metric} with these labels, stamped
     * {@code atMillis}) for the remote-write receiver; returns at once. A Pushgateway gets none: its groups are tests'.
     *
     * @param name what it is, for the summary of what was not sent
     */
    public void sample(String name, String metric, Map<String, String> labels, double value, long atMillis) {
        remoteWrite.ifPresent(w -> w.sample(name, metric, labels, value, atMillis));
    }

    /**
     * Queues a recorded result ({@code --resend}) for every archive, waiting while an archive's queue is full and its receiver
     * takes results (a folder may hold more results than a queue does).
     */
    public void resend(String name, Map<String, String> labels, RunFigures figures) throws InterruptedException {
        if (push.isPresent()) {
            push.get().resend(name, labels, figures);
        }
        if (remoteWrite.isPresent()) {
            remoteWrite.get().resend(name, labels, figures);
        }
    }

    /** Counts each archive's queue in a schedule's {@code /metrics}. */
    public void countIn(SessionMetrics metrics) {
        push.ifPresent(p -> metrics.archive("pushgateway", p.queue()));
        remoteWrite.ifPresent(w -> metrics.archive("remote_write", w.queue()));
    }

    /**
     * One line a waiting archive, said before the flush: {@code N result(s) still on their way to ARCHIVE (waiting while it
     * takes them, at most S s without one)}, or {@code no result waiting for ARCHIVE}.
     */
    public List<String> waitingLines() {
        List<String> lines = new ArrayList<>();
        push.ifPresent(p -> lines.add(waiting(p.waiting(), "the Pushgateway", ResultPush.FLUSH_TIMEOUT)));
        remoteWrite.ifPresent(w -> lines.add(waiting(w.waiting(), "remote-write " + w.receiver(), ResultRemoteWrite.FLUSH_TIMEOUT)));
        return lines;
    }

    private static String waiting(int n, String archive, Duration flush) {
        return n == 0 ? "no result waiting for " + archive
                : n + " result(s) still on their way to " + archive + " (waiting while it takes them, at most " + flush.toSeconds()
                        + " s without one)";
    }

    /** Sends what is waiting (each archive within its flush time, one after the other) and stops; the summary's lines. */
    public List<String> finish() throws InterruptedException {
        List<String> lines = new ArrayList<>();
        if (remoteWrite.isPresent()) {
            lines.addAll(remoteWrite.get().finish(ResultRemoteWrite.FLUSH_TIMEOUT));
            notSent += remoteWrite.get().queue().offered() - remoteWrite.get().queue().sent();
        }
        if (push.isPresent()) {
            lines.addAll(push.get().finish(ResultPush.FLUSH_TIMEOUT));
            notSent += push.get().queue().offered() - push.get().queue().sent();
        }
        return lines;
    }

    /** After {@link #finish}: results an archive did not get (refused, or still waiting at the end). */
    public long notSent() {
        return notSent;
    }

    private long notSent;
}
