package io.iperf3j.export;

import io.iperf3j.IntervalMetrics;
import io.iperf3j.MetricEvent;
import io.iperf3j.Why;
import io.iperf3j.MetricsStream;
import io.iperf3j.Role;
import io.iperf3j.WindowMetrics;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Pushes live metrics to a Pushgateway from a worker thread, so the thread that
 * hands in events never waits for HTTP. Best-effort: a failed push is reported
 * to the warning consumer (stderr by default) and the test goes on.
 *
 * <p><b>Every interval</b> (no push interval): a one-slot, latest-wins queue, as
 * iperf3-rs. The gateway keeps only the latest body of a group, so when it is
 * slower than the reports a queued, not yet sent sample is replaced by the newer
 * one ({@link #replaced()} counts them).
 *
 * <p><b>Windows</b> ({@link PushGatewayConfig#pushInterval()}): samples queue (at
 * most {@value #WINDOW_QUEUE} waiting; more are dropped and counted) and the worker
 * aggregates them with {@link WindowMetrics#aggregateWindow}: a window opens with
 * its first sample, is pushed when its deadline passes (even if no sample comes),
 * early when the context (role, direction, transport, stream count) changes, and
 * the partial window is pushed on {@link #close()}.
 *
 * <p>Each push carries the {@code _run_*_total} counters, summed here on the
 * caller's thread before any queueing, so replaced or dropped pushes lose nothing
 * from them. Which samples are pushed: see {@link HalfSelection} (sums only; one
 * half of a {@code --bidir} test). {@link MetricEvent.Window} events handed in are
 * pushed as they are.
 *
 * <p>{@link MetricEvent.Gauges} (the UDP message link, a latency probe) are never
 * aggregated: each push of them carries the latest set of <em>every</em> source and
 * instance seen so far ({@link PrometheusEncoder#gaugesSnapshots}), since a push
 * replaces the whole group; and every push of an iperf3 sample or window carries them too,
 * as every push of gauge sets carries the latest sample or window
 * ({@link PrometheusEncoder#encodeTogether}): a {@code --latency} run's round trips and its
 * throughput share one group without wiping each other.
 */
public final class PushGatewaySink implements Consumer<MetricEvent>, AutoCloseable {
    /** Samples waiting for the window worker before new ones are dropped. */
    public static final int WINDOW_QUEUE = 1024;

    /**
     * One thing to push: the event handed in, the totals so far, the latest iperf3 sample or
     * window at that moment (the event itself unless it is a gauge set; null before the first),
     * and every instance's latest gauge set.
     */
    private record Item(MetricEvent event, RunTotals totals, MetricEvent sample, List<MetricEvent.Gauges> gauges) {
    }

    private final PushGatewayConfig config;
    private final PushGatewayClient client;
    private final PrometheusEncoder encoder;
    private final Consumer<String> warnings;
    private final HalfSelection selection = new HalfSelection();
    private final Duration window;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Item latest;
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private boolean closed;
    private RunTotals totals = RunTotals.EMPTY;
    private final GaugeSets gaugeSets = new GaugeSets();
    /** The test's verdict once {@link #why(Why)} gave it (written under the lock, read by the worker). */
    private volatile Why why;
    /** Windows: a push of the verdict is due (under the lock). */
    private boolean whyPending;
    /** Caller's side, under the lock: the latest iperf3 sample or window handed in (null before the first). */
    private MetricEvent lastSample;
    /** Window worker's own: the latest window pushed and the gauge sets it last saw. */
    private MetricEvent lastWindow;
    private List<MetricEvent.Gauges> gauges = List.of();

    private final AtomicLong pushes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong replaced = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread worker;

    private PushGatewaySink(PushGatewayConfig config, Consumer<String> warnings) {
        this.config = Objects.requireNonNull(config, "config");
        this.client = new PushGatewayClient(config);
        this.encoder = config.encoder();
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.window = config.pushInterval().orElse(null);
        this.worker = Thread.ofPlatform().daemon().name("iperf3j-pushgateway").unstarted(this::work);
    }

    /** Starts a sink whose failures are printed on standard error. */
    public static PushGatewaySink start(PushGatewayConfig config) {
        return start(config, message -> System.err.println("iperf3j: warning - " + message));
    }

    /** Starts a sink whose failures go to {@code warnings} (called on the worker thread). */
    public static PushGatewaySink start(PushGatewayConfig config, Consumer<String> warnings) {
        PushGatewaySink sink = new PushGatewaySink(config, warnings);
        sink.worker.start();
        return sink;
    }

    /**
     * Hands in one event; never blocks on the network. Events after {@link #close()} are ignored.
     */
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
            totals = totals.plus(event);
            List<MetricEvent.Gauges> gauges;
            if (event instanceof MetricEvent.Gauges g) {
                gauges = gaugeSets.update(g);
            } else {
                lastSample = event;
                gauges = gaugeSets.current();
            }
            Item item = new Item(event, totals, lastSample, gauges);
            if (window == null) {
                if (latest != null) {
                    replaced.incrementAndGet();
                }
                latest = item;
            } else if (queue.size() >= WINDOW_QUEUE) {
                dropped.incrementAndGet();
            } else {
                queue.addLast(item);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands in the test's verdict ({@code --why}, {@code -V}): every push from now on carries the family
     * {@link PrometheusEncoder#LIMITED}, and one push goes out with it now (before {@link #close()}).
     */
    public void why(Why verdicts) {
        Objects.requireNonNull(verdicts, "verdicts");
        lock.lock();
        try {
            if (closed) {
                return;
            }
            why = verdicts;
            if (window == null) {
                if (latest != null) {
                    replaced.incrementAndGet();
                }
                latest = new Item(lastSample, totals, lastSample, gaugeSets.current());
            } else {
                whyPending = true;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands in every event of a stream until it ends, on this thread (each
     * {@link #accept} is quick). For library runs:
     * {@code sink.drain(command.spawn(MetricsMode.interval()).metrics())}.
     */
    public void drain(MetricsStream stream) {
        for (MetricEvent e : stream) {
            accept(e);
        }
    }

    /**
     * Pushes what is pending (and the partial window), deletes the group if so
     * configured, and stops the worker. Waits at most as long as those requests
     * can take with their retries.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long perRequest = config.timeout().toMillis() * (config.retries() + 1L)
                + PushGatewayClient.RETRY_MAX.toMillis() * config.retries();
        try {
            worker.join(Duration.ofMillis(3 * perRequest + 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
            warnings.accept("Pushgateway worker did not finish in time; stopped it");
        }
    }

    /** Successful pushes so far. */
    public long pushes() {
        return pushes.get();
    }

    /** Failed pushes and deletes so far (each after its retries). */
    public long failures() {
        return failures.get();
    }

    /** Interval samples replaced in the one-slot queue before they were pushed. */
    public long replaced() {
        return replaced.get();
    }

    /** Samples dropped because the window queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** The grouping-key URL. */
    public java.net.URI uri() {
        return client.uri();
    }

    private void work() {
        try {
            if (window == null) {
                workLatest();
            } else {
                workWindows();
            }
            if (config.deleteOnExit()) {
                try {
                    client.delete();
                } catch (PushGatewayClient.PushException e) {
                    failed(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            long n = failures.get();
            if (n > 1) {
                warnings.accept("Pushgateway: " + n + " of " + (n + pushes.get()) + " requests to " + client.uri()
                        + " failed");
            }
        }
    }

    private void workLatest() throws InterruptedException {
        while (true) {
            Item item;
            lock.lock();
            try {
                while (latest == null && !closed) {
                    changed.await();
                }
                item = latest;
                latest = null;
            } finally {
                lock.unlock();
            }
            if (item == null) {
                return; // closed and nothing pending
            }
            push(encoder.encodeTogether(item.sample(), item.totals(), item.gauges(), why));
        }
    }

    private void workWindows() throws InterruptedException {
        List<IntervalMetrics> open = new ArrayList<>();
        long deadline = 0;
        RunTotals lastTotals = RunTotals.EMPTY;
        while (true) {
            Item item;
            boolean ending;
            boolean whyNow;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed && !whyPending) {
                    if (open.isEmpty()) {
                        changed.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        changed.awaitNanos(left);
                    }
                }
                item = queue.pollFirst();
                ending = closed && item == null;
                whyNow = whyPending && item == null;
                whyPending = whyPending && !whyNow;
            } finally {
                lock.unlock();
            }
            if (item != null) {
                switch (item.event()) {
                    case MetricEvent.Window(WindowMetrics w) -> {
                        lastWindow = item.event();
                        gauges = item.gauges();
                        push(encoder.encodeTogether(lastWindow, item.totals(), gauges, why));
                    }
                    case MetricEvent.Gauges g -> {
                        gauges = item.gauges();
                        push(encoder.encodeTogether(lastWindow, lastTotals, gauges, why));
                    }
                    case MetricEvent.Interval(IntervalMetrics m) -> {
                        if (!open.isEmpty() && !sameContext(open.getFirst(), m)) {
                            flush(open, lastTotals);
                        }
                        if (open.isEmpty()) {
                            deadline = System.nanoTime() + window.toNanos();
                        }
                        open.add(m);
                        lastTotals = item.totals();
                    }
                }
            }
            if (!open.isEmpty() && (ending || whyNow || System.nanoTime() - deadline >= 0)) {
                flush(open, lastTotals);
            } else if (whyNow) {
                push(encoder.encodeTogether(lastWindow, lastTotals, gauges, why));
            }
            if (ending) {
                return;
            }
        }
    }

    private void flush(List<IntervalMetrics> open, RunTotals totalsAtEnd) throws InterruptedException {
        java.util.Optional<WindowMetrics> w = WindowMetrics.aggregateWindow(open);
        open.clear();
        if (w.isPresent()) {
            lastWindow = new MetricEvent.Window(w.get());
            push(encoder.encodeTogether(lastWindow, totalsAtEnd, gauges, why));
        }
    }

    private static boolean sameContext(IntervalMetrics a, IntervalMetrics b) {
        Role r = a.role();
        return r == b.role() && a.direction() == b.direction() && a.transport() == b.transport()
                && a.streamCount() == b.streamCount();
    }

    private void push(String body) throws InterruptedException {
        try {
            client.put(body);
            pushes.incrementAndGet();
        } catch (PushGatewayClient.PushException e) {
            failed(e);
        }
    }

    /** The first failure is reported in full; later ones are counted and summed up at the end. */
    private void failed(PushGatewayClient.PushException e) {
        if (failures.incrementAndGet() == 1) {
            warnings.accept(e.getMessage() + " (further failures are counted, not repeated)");
        }
    }
}
