package io.iperf3j.session.internal.output;

import io.iperf3j.export.RemoteWriteClient;
import io.iperf3j.export.RemoteWriteConfig;
import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.result.RunFigures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes each finished test to a Prometheus remote-write receiver (issue 65): its run's figures as samples of the
 * {@link ResultSeries} (the names and labels of its Pushgateway group and of a schedule's {@code /metrics}:
 * {@link ResultPush#labels}), stamped at its test's end, failed runs included (success 0, rates 0), so that a history read
 * from the receiver puts each result where it happened, not where it was sent. Many results a request
 * ({@link #BATCH}), through the {@link ResultQueue} every archive shares (its thread, retries with back-off, a bounded
 * wait at the end, the summary {@code remote-write URL: all N result(s) written (K requests)}); a request the receiver
 * refuses is sent again one result a request, so only the results it refuses are named. A series' samples go in time
 * order: the queue is first in, first out, and a test's runs end in order.
 *
 * <p>Memory: a result waits as its labels (the plan's own map) and its figures, a few hundred bytes; its series are made
 * when its request is. At most {@link #QUEUE_LIMIT} wait (tens of MiB); more are not sent, and said.
 *
 * <p>Threads: {@link #accept} and {@link #write} on the plan's result thread; the queue's own thread sends;
 * {@link #finish} once, after the plan.
 */
public final class ResultRemoteWrite implements Consumer<RunRecord> {
    /** The most results waiting for the receiver. */
    public static final int QUEUE_LIMIT = 100_000;
    /** Results a request: some 14 series each, a request of about 7 000 samples. */
    public static final int BATCH = 500;
    /** How long {@code iperf3j session} waits, after the plan, for the results still waiting. */
    public static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(30);

    /** The {@code job} label of the results, unless the target's labels give one: the Pushgateway's default job. */
    public static final String JOB = "iperf3j_session";

    /** What one item of the queue carries: a test's run, or one sample of a series of its own (an agent's heartbeat). */
    sealed interface Payload permits Result, Sample {
    }

    /** One result on its way: its labels and its run's figures. */
    record Result(Map<String, String> labels, RunFigures figures) implements Payload {
    }

    /** One sample of series {@code metric} with these labels, stamped {@code atMillis} (Unix milliseconds). */
    record Sample(String metric, Map<String, String> labels, double value, long atMillis) implements Payload {
    }

    private final RemoteWriteClient client;
    private final ResultQueue<Payload> queue;
    private final String shown;

    /**
     * Starts writing to {@code target}.
     *
     * @param warnings told when the receiver stops answering and when it is back (on the queue's thread)
     * @throws IllegalArgumentException if the target cannot be valid (its URL, a file it cannot read), saying why
     */
    public ResultRemoteWrite(Plan.RemoteWriteTarget target, Consumer<String> warnings) {
        RemoteWriteConfig config = config(target);
        this.client = new RemoteWriteClient(config);
        this.shown = config.shownEndpoint();
        this.queue = ResultQueue.start("remote-write " + shown, QUEUE_LIMIT, new Wire(client), RemoteWriteClient::retryDelay,
                warnings);
    }

    /**
     * The sender's configuration of {@code target}: checked as a sender would use it (a URL that cannot be valid, a file that
     * cannot be read, a header the protocol sets), so that {@code iperf3j session} says so before anything runs.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static RemoteWriteConfig config(Plan.RemoteWriteTarget target) {
        RemoteWriteConfig.Builder b = RemoteWriteConfig.builder(target.url());
        if (!target.labels().containsKey("job")) {
            b.label("job", JOB); // as its Pushgateway group's, unless the target names one
        }
        target.labels().forEach(b::label);
        target.timeout().ifPresent(b::timeout);
        if (target.username().isPresent()) {
            b.basicAuth(target.username().get(), target.passwordFile().orElseThrow());
        }
        target.bearerTokenFile().ifPresent(b::bearerTokenFile);
        target.tenant().ifPresent(b::tenant);
        target.headers().forEach(b::header);
        target.caFile().ifPresent(b::caFile);
        return b.build();
    }

    /** The remote-write wire: many results a request, each result's series made here. */
    private record Wire(RemoteWriteClient client) implements ResultQueue.Wire<Payload> {
        @Override
        public int batch() {
            return BATCH;
        }

        @Override
        public ResultQueue.Outcome send(List<Payload> results) throws InterruptedException {
            return switch (client.write(series(results))) {
                case RemoteWriteClient.Outcome.Written w -> new ResultQueue.Outcome.Sent();
                case RemoteWriteClient.Outcome.Retry r -> new ResultQueue.Outcome.Retry(r.reason(), r.retryAfter());
                case RemoteWriteClient.Outcome.Refused r -> new ResultQueue.Outcome.Refused("HTTP status " + r.status()
                        + (r.reason().isEmpty() ? "" : ": " + r.reason()));
            };
        }
    }

    /**
     * The series of {@code results}: a sample of each {@link ResultSeries} a run has a value for, at the run's end, labelled
     * with the test's labels (and the series' own: {@code test_limited}'s {@code from}, {@code to}, {@code cause}); the
     * samples of one series (a schedule's runs of one test) in one series, in time order. A {@link Sample} is its own series'
     * sample.
     */
    static List<RemoteWriteClient.Series> series(List<Payload> results) {
        Map<Map<String, String>, List<RemoteWriteClient.Sample>> bySeries = new LinkedHashMap<>();
        for (Payload p : results) {
            switch (p) {
                case Sample one -> add(bySeries, one.metric(), one.labels(), Map.of(), one.value(), one.atMillis());
                case Result r -> {
                    long at = Math.round(r.figures().endedUnixSeconds() * 1000);
                    for (ResultSeries s : ResultSeries.values()) {
                        for (ResultSeries.Sample sample : s.samples(r.figures())) {
                            if (Double.isFinite(sample.value())) {
                                add(bySeries, s.metricName(), r.labels(), sample.labels(), sample.value(), at);
                            }
                        }
                    }
                }
            }
        }
        List<RemoteWriteClient.Series> out = new ArrayList<>(bySeries.size());
        bySeries.forEach((labels, samples) -> out.add(new RemoteWriteClient.Series(labels, samples)));
        return out;
    }

    /** Adds a sample to its series in {@code bySeries}: named {@code metric}, labelled {@code labels} then {@code own}. */
    private static void add(Map<Map<String, String>, List<RemoteWriteClient.Sample>> bySeries, String metric,
            Map<String, String> labels, Map<String, String> own, double value, long atMillis) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put(RemoteWriteClient.Series.NAME, metric);
        all.putAll(labels);
        all.putAll(own);
        bySeries.computeIfAbsent(all, k -> new ArrayList<>()).add(new RemoteWriteClient.Sample(value, atMillis));
    }

    /** Queues a run of a plan's test, a skipped one as not ok ({@link RunFigures#skipped}); returns at once. */
    @Override
    public void accept(RunRecord rec) {
        write(name(rec), ResultPush.labels(rec.test()), rec.figures());
    }

    /** A run as an archive's summary names it: the test's id, and its run after the first. */
    static String name(RunRecord rec) {
        return rec.test().id() + (rec.run() > 1 ? " run " + rec.run() : "");
    }

    /** Queues a result named {@code name} with these labels and figures; returns at once. */
    public void write(String name, Map<String, String> labels, RunFigures figures) {
        queue.offer(new ResultQueue.Item<>(name, new Result(labels, figures)));
    }

    /**
     * Queues one sample named {@code name} (for the summary) of series {@code metric} with these labels (the target's are
     * added), stamped {@code atMillis}; returns at once. It counts as one result in the summary and the archive's counters.
     */
    public void sample(String name, String metric, Map<String, String> labels, double value, long atMillis) {
        queue.offer(new ResultQueue.Item<>(name, new Sample(metric, Map.copyOf(labels), value, atMillis)));
    }

    /** Queues a recorded result ({@code --resend}), waiting for room while the receiver takes results. */
    public void resend(String name, Map<String, String> labels, RunFigures figures) throws InterruptedException {
        queue.put(new ResultQueue.Item<>(name, new Result(labels, figures)), FLUSH_TIMEOUT);
    }

    /** The queue (its counters, for /metrics). */
    public ResultQueue<?> queue() {
        return queue;
    }

    /** Results queued and not yet written. */
    public int waiting() {
        return queue.waiting();
    }

    /** The receiver, as messages name it (no secret). */
    public String receiver() {
        return shown;
    }

    /**
     * Sends what is waiting, for at most {@code timeout}, and stops the queue's thread. Returns the summary's lines: how many
     * results were written in how many requests, and every one that was not, by reason.
     */
    public List<String> finish(Duration timeout) throws InterruptedException {
        List<ResultQueue.NotSent> missing = queue.finish(timeout);
        client.close();
        return queue.summary("remote-write " + shown, "written", missing);
    }
}
