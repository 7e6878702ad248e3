package io.iperf3j;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.stats.IntervalRecord;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;

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
 */
final class LiveMetrics implements TestObserver {
    private final MetricsMode mode;
    private final Consumer<MetricEvent> sink;
    private final Windows windows;

    LiveMetrics(MetricsMode mode, Consumer<MetricEvent> sink) {
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
    }

    @Override
    public void testFinished(TestRecord record, JsonObject document) {
        if (windows != null) {
            windows.close();
        }
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
     * Open windows, one per context (role, direction, transport, stream). A window
     * opens with its first sample and closes at its deadline (even if no sample
     * comes), early when the stream count changes, and at the end of the test.
     */
    static final class Windows {
        private record Key(Role role, Direction direction, Transport transport, OptionalInt streamId) {
        }

        private static final class Open {
            final long deadlineNanos;
            final List<IntervalMetrics> samples = new ArrayList<>();

            Open(long deadlineNanos) {
                this.deadlineNanos = deadlineNanos;
            }
        }

        private final long windowNanos;
        private final Consumer<MetricEvent> sink;
        private final Map<Key, Open> open = new HashMap<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private boolean closed;

        Windows(Duration window, Consumer<MetricEvent> sink) {
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
                if (w != null && w.samples.getFirst().streamCount() != m.streamCount()) {
                    flush(key);
                    w = null;
                }
                if (w == null) {
                    w = new Open(System.nanoTime() + windowNanos);
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
