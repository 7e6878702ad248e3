package io.iperf3j.export;

import io.iperf3j.IntervalMetrics;
import io.iperf3j.MetricEvent;
import io.iperf3j.MetricsStream;
import io.iperf3j.WindowMetrics;
import io.iperf3j.Why;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Sends live metrics to a Prometheus remote-write receiver from a worker thread of its own, so the
 * thread that hands in events never waits for HTTP: the remote-write counterpart of
 * {@link PushGatewaySink}, with the same families, names and labels ({@link PrometheusEncoder}),
 * but every sample kept: each interval's samples are stamped at that interval's end
 * ({@link IntervalMetrics#timestampUnixSeconds()}), so a TSDB holds the whole test, not the
 * latest push.
 *
 * <p><b>What is sent.</b> The samples {@link HalfSelection} lets through (sums only, one half of a
 * {@code --bidir} test), each with the {@code _run_*_total} counters summed on the caller's thread
 * at that moment; a {@link MetricEvent.Window} as it is; {@link MetricEvent.Gauges} (the UDP message
 * link, a latency probe) and the verdict ({@link #why(Why)}) stamped when they are handed in. Every
 * series gets the configuration's external labels.
 *
 * <p><b>Threads and queue.</b> {@link #accept} (any thread, quick) puts the event in a queue of at
 * most {@value #QUEUE_LIMIT} events; beyond that events are dropped and counted. The worker,
 * {@code iperf3j-remote-write}, waits up to {@link #BATCH_WINDOW} after the first queued event for
 * more, then sends them as one request of at most {@value #MAX_SAMPLES_PER_REQUEST} samples
 * (Prometheus's own {@code max_samples_per_send}), one request at a time, in order. A request to
 * retry ({@link RemoteWriteClient.Outcome.Retry}) is tried again after
 * {@link RemoteWriteClient#retryDelay(int)} (or the receiver's {@code Retry-After} when longer) for
 * as long as the sink is open, while new events queue behind it; a refused one
 * ({@link RemoteWriteClient.Outcome.Refused}) is dropped with its reason. The first failure of an
 * outage and its end, and the first refusal, go to the warning consumer; the rest are counted.
 *
 * <p><b>The end.</b> {@link #close()} sends what is queued, retrying for at most {@link #FLUSH_WAIT}
 * (plus a request in flight, up to the configuration's timeout), counts what is still unsent, and
 * stops the worker; {@link #summary()} is then the one line the command prints:
 * {@code remote-write URL: N of M samples written (K requests)}, and what was not written and why.
 *
 * <p>Limits: a server running several tests at once writes them into the same series, as the
 * Pushgateway push does; a sample older than one already written to its series is refused by
 * Prometheus ("out of order sample"), and with it the rest of its request.
 */
public final class RemoteWriteSink implements Consumer<MetricEvent>, AutoCloseable {
    /** Events waiting for the worker before new ones are dropped. */
    public static final int QUEUE_LIMIT = 4096;
    /** Samples in one request at most. */
    public static final int MAX_SAMPLES_PER_REQUEST = 2000;
    /** How long the worker waits after an event for more to send with it. */
    public static final Duration BATCH_WINDOW = Duration.ofSeconds(1);
    /** How long {@link #close()} goes on retrying what is queued. */
    public static final Duration FLUSH_WAIT = Duration.ofSeconds(5);

    /** One queued event: the event, the run totals at that moment (null for gauges and the verdict), its time. */
    private record Item(MetricEvent event, RunTotals totals, Why why, long timestampMillis) {
    }

    private final RemoteWriteClient client;
    private final PrometheusEncoder encoder;
    private final Consumer<String> warnings;
    private final HalfSelection selection = new HalfSelection();
    private final String shown;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private boolean closed;
    /** When {@link #close()} was called (nanoTime), under the lock. */
    private long closedAt;
    private RunTotals totals = RunTotals.EMPTY;

    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong unsent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    /** The first refusal's and the last retry's reasons, for the summary (worker writes, any thread reads). */
    private volatile String refusedReason;
    private volatile String retryReason;
    private final Thread worker;

    private RemoteWriteSink(RemoteWriteConfig config, PrometheusEncoder encoder, Consumer<String> warnings) {
        this.client = new RemoteWriteClient(config);
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.shown = config.shownEndpoint();
        this.worker = Thread.ofPlatform().daemon().name("iperf3j-remote-write").unstarted(this::work);
    }

    /**
     * Starts a sink.
     *
     * @param encoder the families' prefix and naming (its fixed labels are put on every series too)
     * @param warnings where failures are reported (called on the worker thread)
     */
    public static RemoteWriteSink start(RemoteWriteConfig config, PrometheusEncoder encoder, Consumer<String> warnings) {
        RemoteWriteSink sink = new RemoteWriteSink(config, encoder, warnings);
        sink.worker.start();
        return sink;
    }

    /** Hands in one event; never blocks on the network. Events after {@link #close()} are ignored. */
    @Override
    public void accept(MetricEvent event) {
        Objects.requireNonNull(event, "event");
        if (!selection.accept(event)) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Item item = switch (event) {
                case MetricEvent.Interval(IntervalMetrics m) -> {
                    totals = totals.plus(event);
                    yield new Item(event, totals, null, millis(m.timestampUnixSeconds()));
                }
                case MetricEvent.Window(WindowMetrics w) -> {
                    totals = totals.plus(event);
                    yield new Item(event, totals, null, millis(w.timestampUnixSeconds()));
                }
                case MetricEvent.Gauges g -> new Item(event, null, null, System.currentTimeMillis());
            };
            enqueue(item);
        } finally {
            lock.unlock();
        }
    }

    /** Hands in the test's verdict ({@code --why}, {@code -V}): {@link PrometheusEncoder#LIMITED}, stamped now. */
    public void why(Why verdicts) {
        Objects.requireNonNull(verdicts, "verdicts");
        lock.lock();
        try {
            if (!closed) {
                enqueue(new Item(null, null, verdicts, System.currentTimeMillis()));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Hands in every event of a stream until it ends, on this thread. */
    public void drain(MetricsStream stream) {
        for (MetricEvent e : stream) {
            accept(e);
        }
    }

    private void enqueue(Item item) {
        if (queue.size() >= QUEUE_LIMIT) {
            dropped.addAndGet(series(item).stream().mapToLong(s -> s.samples().size()).sum());
            return;
        }
        queue.addLast(item);
        changed.signalAll();
    }

    /**
     * Sends what is queued, retrying for at most {@link #FLUSH_WAIT}, and stops the worker; waits at
     * most that plus one request's timeout (and a second).
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closedAt = System.nanoTime();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(FLUSH_WAIT.plus(client.config().timeout()).plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
            try {
                worker.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Samples handed in so far (written, waiting, refused, dropped). */
    public long samples() {
        return samples.get() + dropped.get();
    }

    /** Samples the receiver took. */
    public long written() {
        return written.get();
    }

    /** HTTP requests made (each retry is one). */
    public long requests() {
        return requests.get();
    }

    /** Samples the receiver refused for good. */
    public long refused() {
        return refused.get();
    }

    /** Samples still unsent when {@link #close()} stopped trying. */
    public long unsent() {
        return unsent.get();
    }

    /** Samples dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /**
     * The run's one line: {@code remote-write URL: N of M samples written (K requests)}, then, when some
     * were not, {@code ; not written: X refused (reason), Y not sent by the end (reason), Z dropped
     * (queue full)}. Complete once {@link #close()} returned.
     */
    public String summary() {
        long m = samples();
        long n = written.get();
        long k = requests.get();
        StringBuilder s = new StringBuilder("remote-write ").append(shown).append(": ").append(n).append(" of ").append(m)
                .append(" samples written (").append(k).append(k == 1 ? " request)" : " requests)");
        List<String> lost = new ArrayList<>();
        if (refused.get() > 0) {
            lost.add(refused.get() + " refused (" + refusedReason + ")");
        }
        long left = samples.get() - n - refused.get(); // unsent at the end, and any cut off in flight
        if (left > 0) {
            lost.add(left + " not sent by the end" + (retryReason != null ? " (" + retryReason + ")" : ""));
        }
        if (dropped.get() > 0) {
            lost.add(dropped.get() + " dropped (queue full: " + QUEUE_LIMIT + " events waiting)");
        }
        if (!lost.isEmpty()) {
            s.append("; not written: ").append(String.join(", ", lost));
        }
        return s.toString();
    }

    private void work() {
        try {
            while (true) {
                List<RemoteWriteClient.Series> batch = nextBatch();
                if (batch == null) {
                    return;
                }
                List<RemoteWriteClient.Series> series = merge(batch);
                long n = series.stream().mapToLong(s -> s.samples().size()).sum();
                samples.addAndGet(n - batch.size()); // two samples of one series at one time are one
                if (!send(series, n)) {
                    abandonQueue();
                    return;
                }
            }
        } catch (InterruptedException e) {
            abandonQueue();
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }

    /**
     * The next request's series, one sample each (waiting up to the batch window after the first
     * event for more): whole events, at most {@value #MAX_SAMPLES_PER_REQUEST} samples unless one event
     * has more; null once closed and nothing is left.
     */
    private List<RemoteWriteClient.Series> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                changed.await();
            }
            if (queue.isEmpty()) {
                return null;
            }
            long until = System.nanoTime() + BATCH_WINDOW.toNanos();
            while (!closed && queue.size() < QUEUE_LIMIT) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
        List<RemoteWriteClient.Series> batch = new ArrayList<>();
        while (true) {
            Item item;
            lock.lock();
            try {
                item = queue.pollFirst();
            } finally {
                lock.unlock();
            }
            if (item == null) {
                return batch;
            }
            List<RemoteWriteClient.Series> of = series(item); // off the lock: the caller's accept never waits for it
            if (!batch.isEmpty() && batch.size() + of.size() > MAX_SAMPLES_PER_REQUEST) {
                lock.lock();
                try {
                    queue.addFirst(item); // the worker is the queue's only taker: it goes first next time
                } finally {
                    lock.unlock();
                }
                return batch;
            }
            samples.addAndGet(of.size());
            batch.addAll(of);
        }
    }

    /** One series per label set, with its samples in time order (two at one time: the later event's). */
    private static List<RemoteWriteClient.Series> merge(List<RemoteWriteClient.Series> batch) {
        Map<Map<String, String>, TreeMap<Long, Double>> bySeries = new LinkedHashMap<>();
        for (RemoteWriteClient.Series s : batch) {
            TreeMap<Long, Double> points = bySeries.computeIfAbsent(s.labels(), k -> new TreeMap<>());
            s.samples().forEach(p -> points.put(p.timestampMillis(), p.value()));
        }
        List<RemoteWriteClient.Series> out = new ArrayList<>(bySeries.size());
        bySeries.forEach((labels, points) -> {
            List<RemoteWriteClient.Sample> list = new ArrayList<>(points.size());
            points.forEach((t, v) -> list.add(new RemoteWriteClient.Sample(v, t)));
            out.add(new RemoteWriteClient.Series(labels, list));
        });
        return out;
    }

    /** One event's series, through the encoder that names the push's and the file's families. */
    private List<RemoteWriteClient.Series> series(Item item) {
        if (item.why() != null) {
            return SnapshotSeries.of(encoder.whySnapshots(item.why()), item.timestampMillis());
        }
        return SnapshotSeries.of(encoder.snapshots(item.event(), item.totals()), item.timestampMillis());
    }

    /**
     * Sends one request until it is written or refused, or the end's deadline passes.
     *
     * @return false when the deadline passed (the rest of the queue is not tried)
     */
    private boolean send(List<RemoteWriteClient.Series> series, long n) throws InterruptedException {
        boolean outage = false;
        for (int attempt = 0; ; attempt++) {
            requests.incrementAndGet();
            RemoteWriteClient.Outcome outcome = client.write(series);
            switch (outcome) {
                case RemoteWriteClient.Outcome.Written w -> {
                    written.addAndGet(n);
                    retryReason = null;
                    if (outage) {
                        warnings.accept("remote-write " + shown + " answers again; sending what was held");
                    }
                    return true;
                }
                case RemoteWriteClient.Outcome.Refused r -> {
                    if (outage) {
                        warnings.accept("remote-write " + shown + " answers again");
                    }
                    String reason = "HTTP " + r.status() + (r.reason().isEmpty() ? "" : ": " + r.reason());
                    if (refused.getAndAdd(n) == 0) {
                        refusedReason = reason;
                        warnings.accept("remote-write " + shown + " refused " + n + " samples (" + reason
                                + "); later refusals are counted, not repeated");
                    }
                    return true;
                }
                case RemoteWriteClient.Outcome.Retry r -> {
                    retryReason = r.reason();
                    if (!outage && attempt == 0) {
                        warnings.accept("remote-write " + shown + ": " + r.reason() + "; samples are held (at most "
                                + QUEUE_LIMIT + " events) and retried");
                    }
                    outage = true;
                    Duration wait = RemoteWriteClient.retryDelay(attempt);
                    if (r.retryAfter().isPresent() && r.retryAfter().get().compareTo(wait) > 0) {
                        wait = r.retryAfter().get();
                    }
                    if (!pause(wait)) {
                        unsent.addAndGet(n);
                        return false;
                    }
                }
            }
        }
    }

    /** Waits {@code wait}, cut short by the end's deadline; false when that deadline has passed. */
    private boolean pause(Duration wait) throws InterruptedException {
        lock.lock();
        try {
            long until = System.nanoTime() + wait.toNanos();
            while (true) {
                long now = System.nanoTime();
                if (closed && now - (closedAt + FLUSH_WAIT.toNanos()) >= 0) {
                    return false;
                }
                long left = until - now;
                if (left <= 0) {
                    return true;
                }
                if (closed) {
                    left = Math.min(left, closedAt + FLUSH_WAIT.toNanos() - now);
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Counts every queued event's samples as unsent. */
    private void abandonQueue() {
        List<Item> left;
        lock.lock();
        try {
            left = new ArrayList<>(queue);
            queue.clear();
            closed = true;
        } finally {
            lock.unlock();
        }
        for (Item item : left) {
            long n = series(item).stream().mapToLong(s -> s.samples().size()).sum();
            samples.addAndGet(n);
            unsent.addAndGet(n);
        }
    }

    private static long millis(double unixSeconds) {
        return Math.round(unixSeconds * 1000);
    }
}
