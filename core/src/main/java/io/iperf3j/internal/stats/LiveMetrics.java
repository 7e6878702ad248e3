package io.iperf3j.internal.stats;

import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.MetricEvent;
import io.iperf3j.MetricsMode;
import io.iperf3j.Role;
import io.iperf3j.RttFigures;
import io.iperf3j.Transport;
import io.iperf3j.WindowMetrics;
import io.iperf3j.internal.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Turns one test's reported intervals into {@link MetricEvent}s: a sample per
 * direction (both directions in bidir mode) and, on request, per stream; in window
 * mode they are aggregated before delivery. Runs on the test's thread, so it only
 * does arithmetic and a non-blocking offer.
 *
 * <p>{@code IperfCommand} hands its events to a {@code MetricsStream}; the {@code iperf3j} command
 * (which drives {@code ClientTest} and {@code IperfServer} itself) hands them to its exporters. It is
 * internal: the public API gives live metrics through {@code IperfCommand}, never an engine observer.
 */
public final class LiveMetrics implements TestObserver {
    private final MetricsMode mode;
    private final Consumer<? super MetricEvent> sink;
    private final Windows windows;

    /**
     * An observer for one test. In interval mode the sink is called on the test's thread, right after
     * each report, so it must be quick and must never block; in window mode it is also called from a
     * timer thread when a window's deadline passes.
     */
    public LiveMetrics(MetricsMode mode, Consumer<? super MetricEvent> sink) {
        this.mode = mode;
        this.sink = sink;
        this.windows = mode.window().map(d -> new Windows(d, sink)).orElse(null);
    }

    @Override
    public void intervalReported(TestRecord record) {
        if (!mode.enabled()) {
            return;
        }
        for (IntervalMetrics m : samples(record, mode.includesStreams(), System.currentTimeMillis() / 1000.0)) {
            if (windows != null) {
                windows.add(m);
            } else {
                sink.accept(new MetricEvent.Interval(m));
            }
        }
        RttFigures rtt = record.latency == null ? null : record.latency.lastReported();
        if (rtt != null) {
            // Never aggregated into windows: each set is the interval's own quantiles.
            sink.accept(new MetricEvent.Gauges(LATENCY_SOURCE, server(record), System.nanoTime(), rttGauges(rtt)));
        }
    }

    @Override
    public void testFinished(TestRecord record, JsonObject document) {
        if (windows != null) {
            windows.close();
        }
        LatencyRecord l = record.latency;
        if (mode.enabled() && l != null && l.unavailable == null && l.idle != null && l.loaded != null) {
            sink.accept(new MetricEvent.Gauges(LATENCY_VERDICT_SOURCE, server(record), System.nanoTime(),
                    summaryGauges(l)));
        }
    }

    /** Source of a {@code --latency} run's per-interval gauge sets (exported as {@code iperf3j_latency_*}). */
    static final String LATENCY_SOURCE = "latency";
    /** Source of the idle/loaded summary at the end ({@code iperf3j_latency_verdict_*}). */
    static final String LATENCY_VERDICT_SOURCE = "latency_verdict";

    /** The instance a latency set describes: the server probed, {@code host:port}. */
    private static String server(TestRecord r) {
        return (r.connectingHost == null ? "server" : r.connectingHost) + ":" + r.connectingPort;
    }

    /**
     * One interval's round trips in base units: {@code rtt_min/p50/p90/p99/max_seconds} (NaN, so
     * left out by exporters, when no probe was answered) and the probes answered and lost.
     */
    static Map<String, Double> rttGauges(RttFigures f) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("rtt_min_seconds", f.minMicros() / 1e6);
        m.put("rtt_p50_seconds", f.p50Micros() / 1e6);
        m.put("rtt_p90_seconds", f.p90Micros() / 1e6);
        m.put("rtt_p99_seconds", f.p99Micros() / 1e6);
        m.put("rtt_max_seconds", f.maxMicros() / 1e6);
        m.put("probes_answered", (double) f.count());
        m.put("probes_lost", (double) f.lost());
        return m;
    }

    /**
     * The verdict at the end: idle and loaded p50/p99 and the added latency under load
     * (loaded p50 − idle p50, as the text's last line), with the ratio.
     */
    static Map<String, Double> summaryGauges(LatencyRecord l) {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        m.put("idle_rtt_p50_seconds", l.idle.p50Micros() / 1e6);
        m.put("idle_rtt_p99_seconds", l.idle.p99Micros() / 1e6);
        m.put("loaded_rtt_p50_seconds", l.loaded.p50Micros() / 1e6);
        m.put("loaded_rtt_p99_seconds", l.loaded.p99Micros() / 1e6);
        m.put("added_p50_seconds", (l.loaded.p50Micros() - l.idle.p50Micros()) / 1e6);
        m.put("p50_ratio", l.loaded.p50Micros() / l.idle.p50Micros());
        m.put("idle_probes_lost", (double) l.idle.lost());
        m.put("loaded_probes_lost", (double) l.loaded.lost());
        return m;
    }

    /** The samples of the interval every stream of the record has just reported. */
    static List<IntervalMetrics> samples(TestRecord t, boolean perStream, double now) {
        List<IntervalMetrics> out = new ArrayList<>();
        // Same order as iperf3's reports: a client's sending half first, a server's receiving half first.
        boolean[] directions = t.client ? new boolean[] {true, false} : new boolean[] {false, true};
        for (boolean sending : directions) {
            List<StreamRecord> streams = new ArrayList<>();
            for (StreamRecord s : t.streams) {
                if (s.sending() == sending && s.lastInterval != null) {
                    streams.add(s);
                }
            }
            if (streams.isEmpty()) {
                continue;
            }
            out.add(sample(t, streams, now, OptionalInt.empty()));
            if (perStream) {
                for (StreamRecord s : streams) {
                    out.add(sample(t, List.of(s), now, OptionalInt.of(s.id())));
                }
            }
        }
        return out;
    }

    private static IntervalMetrics sample(TestRecord t, List<StreamRecord> streams, double now, OptionalInt streamId) {
        StreamRecord firstStream = streams.getFirst();
        IntervalRecord first = firstStream.lastInterval;
        boolean sending = firstStream.sending();
        boolean tcp = t.protocol == Transport.TCP;
        long bytes = 0;
        boolean omitted = false;
        for (StreamRecord s : streams) {
            bytes += s.lastInterval.bytes();
            omitted |= s.lastInterval.omitted();
        }
        double duration = first.seconds();
        double bandwidth = duration > 0 ? bytes * 8.0 / duration : 0.0;

        OptionalLong retrans = OptionalLong.empty();
        OptionalDouble rtt = OptionalDouble.empty();
        OptionalDouble rttvar = OptionalDouble.empty();
        OptionalDouble cwnd = OptionalDouble.empty();
        OptionalDouble wnd = OptionalDouble.empty();
        OptionalDouble pmtu = OptionalDouble.empty();
        if (tcp && sending) {
            List<IntervalRecord> withInfo = new ArrayList<>();
            for (StreamRecord s : streams) {
                if (s.lastInterval.hasTcpInfo()) {
                    withInfo.add(s.lastInterval);
                }
            }
            if (!withInfo.isEmpty()) {
                long r = 0;
                for (IntervalRecord i : withInfo) {
                    r += i.retransmits();
                }
                retrans = OptionalLong.of(r);
                rtt = mean(withInfo, i -> i.rtt() / 1e6, false);
                rttvar = mean(withInfo, i -> i.rttvar() / 1e6, false);
                cwnd = mean(withInfo, i -> (double) i.sndCwnd(), false);
                wnd = mean(withInfo, i -> (double) i.sndWnd(), true);
                pmtu = mean(withInfo, i -> (double) i.pmtu(), false);
            }
        }
        OptionalLong packets = OptionalLong.empty();
        OptionalLong lost = OptionalLong.empty();
        OptionalLong ooo = OptionalLong.empty();
        OptionalDouble jitter = OptionalDouble.empty();
        if (!tcp) {
            long p = 0;
            long l = 0;
            long o = 0;
            double j = 0;
            for (StreamRecord s : streams) {
                p += s.lastInterval.packets();
                l += s.lastInterval.lost();
                o += s.lastInterval.outOfOrder();
                j += s.lastInterval.jitterSeconds();
            }
            packets = OptionalLong.of(p);
            if (!sending) {
                lost = OptionalLong.of(l);
                ooo = OptionalLong.of(o);
                jitter = OptionalDouble.of(j / streams.size());
            }
        }
        return new IntervalMetrics(t.client ? Role.CLIENT : Role.SERVER,
                sending ? Direction.SENDER : Direction.RECEIVER,
                tcp ? Transport.TCP : Transport.UDP,
                now, first.start(), first.end(), duration, bytes, bandwidth, streams.size(), omitted, streamId,
                retrans, rtt, rttvar, cwnd, wnd, pmtu, packets, lost, ooo, jitter);
    }

    private static OptionalDouble mean(List<IntervalRecord> records, java.util.function.ToDoubleFunction<IntervalRecord> f,
                                       boolean positiveOnly) {
        double sum = 0;
        int n = 0;
        for (IntervalRecord r : records) {
            double v = f.applyAsDouble(r);
            if (positiveOnly && v <= 0) {
                continue;
            }
            sum += v;
            n++;
        }
        return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / n);
    }

    /**
     * Open windows, one per context (role, direction, transport, stream). Windows are spans of the test's
     * own time, {@code [k·W, (k+1)·W)} for a window length W: a sample belongs to the window its start
     * falls in, so a 3-s test at {@code -i 0.5} in 1-s windows gives three windows of two samples (issue
     * 57: a window used to open at its first sample's arrival, half a second into the test, and last 1 s
     * of wall time, so the first window held 0-1.5 s of the test, and a sample on a window's edge went
     * either way with the timer). A window is given out when a sample of a later window comes, when the
     * stream count changes, at the end of the test, and at its deadline when no sample comes: its end
     * in the test's time plus one sample's length and {@link #GRACE_NANOS}, on this clock.
     */
    static final class Windows {
        private record Key(Role role, Direction direction, Transport transport, OptionalInt streamId) {
        }

        /** How late after its end (in the test's time) plus one sample's length a window's last sample may come. */
        static final long GRACE_NANOS = 250_000_000L;

        private static final class Open {
            final long index;
            final long deadlineNanos;
            final List<IntervalMetrics> samples = new ArrayList<>();

            Open(long index, long deadlineNanos) {
                this.index = index;
                this.deadlineNanos = deadlineNanos;
            }
        }

        /** The window a sample belongs to: the span of the test its start falls in. */
        private long index(IntervalMetrics m) {
            double windows = m.startSeconds() * 1e9 / windowNanos;
            return Double.isFinite(windows) && windows > 0 ? (long) Math.floor(windows + 1e-6) : 0;
        }

        private final long windowNanos;
        private final Consumer<? super MetricEvent> sink;
        private final Map<Key, Open> open = new HashMap<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private boolean closed;

        Windows(Duration window, Consumer<? super MetricEvent> sink) {
            this.windowNanos = window.toNanos();
            this.sink = Objects.requireNonNull(sink);
            // Deadlines must fire even when no sample arrives; a virtual thread waits for them.
            Thread.ofVirtual().name("iperf3j-metrics-window").start(this::flushAtDeadlines);
        }

        void add(IntervalMetrics m) {
            lock.lock();
            try {
                Key key = new Key(m.role(), m.direction(), m.transport(), m.streamId());
                Open w = open.get(key);
                long k = index(m);
                if (w != null && (w.samples.getFirst().streamCount() != m.streamCount() || w.index != k)) {
                    flush(key);
                    w = null;
                }
                if (w == null) {
                    // the test's start on this clock, from this sample's end (it has just been reported)
                    long now = System.nanoTime();
                    double end = Double.isFinite(m.endSeconds()) ? m.endSeconds() : 0;
                    double length = Double.isFinite(m.durationSeconds()) && m.durationSeconds() > 0 ? m.durationSeconds() : 0;
                    long deadline = now - (long) (end * 1e9) + (k + 1) * windowNanos + (long) (length * 1e9) + GRACE_NANOS;
                    w = new Open(k, deadline - now > 0 ? deadline : now + GRACE_NANOS);
                    open.put(key, w);
                    changed.signalAll();
                }
                w.samples.add(m);
            } finally {
                lock.unlock();
            }
        }

        void close() {
            lock.lock();
            try {
                for (Key k : new ArrayList<>(open.keySet())) {
                    flush(k);
                }
                closed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void flush(Key key) {
            Open w = open.remove(key);
            if (w != null) {
                WindowMetrics.aggregateWindow(w.samples).ifPresent(win -> sink.accept(new MetricEvent.Window(win)));
            }
        }

        private void flushAtDeadlines() {
            lock.lock();
            try {
                while (!closed) {
                    long now = System.nanoTime();
                    long next = Long.MAX_VALUE;
                    for (Key k : new ArrayList<>(open.keySet())) {
                        Open w = open.get(k);
                        if (now - w.deadlineNanos >= 0) {
                            flush(k);
                        } else {
                            next = Math.min(next, w.deadlineNanos - now);
                        }
                    }
                    if (next == Long.MAX_VALUE) {
                        changed.await();
                    } else {
                        changed.awaitNanos(next);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }
    }
}
