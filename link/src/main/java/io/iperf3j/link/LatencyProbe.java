package io.iperf3j.link;

import io.iperf3j.RttFigures;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Pings a link server at a fixed interval and keeps the round trips: an HdrHistogram over the whole
 * run, one per interval ({@link #takeInterval()}), and the last {@value #KEPT_SAMPLES} samples with
 * their send times. Probes are the link's own Ping/Pong messages (type ids 9 and 10, 9 bytes each),
 * so they are told apart from any other traffic. Runs in background mode; every method may be
 * called from any thread.
 *
 * <pre>{@code
 * try (LatencyProbe p = LatencyProbe.start(server, Duration.ofMillis(10), LinkConfig.defaults())) {
 *     p.awaitConnected(Duration.ofSeconds(3));
 *     ... load ...
 *     RttFigures idle = p.takeInterval();
 * }
 * }</pre>
 */
public final class LatencyProbe implements AutoCloseable {
    /** Samples kept with their timestamps (the oldest are dropped beyond this). */
    public static final int KEPT_SAMPLES = 65_536;

    private final LinkClient client;
    private final Object lock = new Object();
    private final Histogram total = new Histogram(3);
    private final Histogram interval = new Histogram(3);
    private final Histogram phase = new Histogram(3);
    private final ArrayDeque<RttSample> samples = new ArrayDeque<>();
    private long lostAtIntervalStart;
    private long lostAtPhaseStart;

    private LatencyProbe(LinkClient client) {
        this.client = client;
    }

    /**
     * Offers the probe connection's figures to {@code stream} every {@code every} and at the end, as
     * {@link io.iperf3j.MetricEvent.Gauges} with source {@code latency} (exported as
     * {@code iperf3j_latency_rtt_p50_seconds}, {@code _rtt_p90_seconds}, {@code _rtt_p99_seconds},
     * {@code _rtt_max_seconds}, {@code _pings_sent}, {@code _pings_lost}, ... over the run so far;
     * {@link LinkMetrics#gauges()}), from the probe's own thread.
     *
     * @param every 10 ms .. 1 h
     */
    public void publishTo(io.iperf3j.MetricsStream stream, Duration every) {
        client.publishTo(stream, every, "latency");
    }

    /** Connects to {@code server} (a {@link LinkServer} or {@link ProbeResponder}) and pings every {@code interval}. */
    public static LatencyProbe start(InetSocketAddress server, Duration interval, LinkConfig config) throws IOException {
        LinkClient c = new LinkClient(MessageTypes.none(), config.withPingInterval(interval), null);
        LatencyProbe p = new LatencyProbe(c);
        c.observeRtt(p::record);
        c.connect(server);
        c.startBackground();
        return p;
    }

    private void record(long sentNanos, long rttNanos) {
        synchronized (lock) {
            long v = Math.max(1, rttNanos);
            total.recordValue(v);
            interval.recordValue(v);
            phase.recordValue(v);
            if (samples.size() == KEPT_SAMPLES) {
                samples.pollFirst();
            }
            samples.addLast(new RttSample(sentNanos, rttNanos));
        }
    }

    /** Waits until connected (true), failed or out of time (false). */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            LinkState s = client.state();
            if (s == LinkState.CONNECTED) {
                return true;
            }
            if (s == LinkState.ERRORED || s == LinkState.DISCONNECTED) {
                return false;
            }
            Thread.sleep(2);
        }
        return client.state() == LinkState.CONNECTED;
    }

    /** Everything since the start. */
    public RttFigures total() {
        long lost = client.metrics().pingsLost(); // (outside the probe's lock: the pump holds the client's lock when it records)
        synchronized (lock) {
            return snapshot(total, lost);
        }
    }

    /** Everything since the previous call (or the start), and starts a new interval. */
    public RttFigures takeInterval() {
        long lost = client.metrics().pingsLost();
        synchronized (lock) {
            RttFigures s = snapshot(interval, lost - lostAtIntervalStart);
            interval.reset();
            lostAtIntervalStart = lost;
            return s;
        }
    }

    /**
     * Everything since the previous call (or the start), and starts a new phase: a second cut,
     * independent of {@link #takeInterval()} (a test's idle and loaded phases span many intervals).
     */
    public RttFigures takePhase() {
        long lost = client.metrics().pingsLost();
        synchronized (lock) {
            RttFigures s = withCdf(snapshot(phase, lost - lostAtPhaseStart), phase);
            phase.reset();
            lostAtPhaseStart = lost;
            return s;
        }
    }

    /** The kept samples, oldest first. */
    public List<RttSample> samples() {
        synchronized (lock) {
            return new ArrayList<>(samples);
        }
    }

    public LinkState state() {
        return client.state();
    }

    /** The error text if the probe's link failed, else null. */
    public String error() {
        return client.error();
    }

    /** The probe link's own counters. */
    public LinkMetrics metrics() {
        return client.metrics();
    }

    private static RttFigures snapshot(Histogram h, long lost) {
        if (h.getTotalCount() == 0) {
            return new RttFigures(0, lost, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new RttFigures(h.getTotalCount(), lost, h.getMinValue() / 1e3, h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
    }

    /** {@code s} with the round trip at each of {@link RttFigures#CDF_PERCENTILES} of {@code h}. */
    private static RttFigures withCdf(RttFigures s, Histogram h) {
        if (h.getTotalCount() == 0) {
            return s;
        }
        List<Double> cdf = new ArrayList<>();
        for (double p : RttFigures.CDF_PERCENTILES) {
            long v = p <= 0 ? h.getMinValue() : p >= 100 ? h.getMaxValue() : h.getValueAtPercentile(p);
            cdf.add(v / 1e3);
        }
        return new RttFigures(s.count(), s.lost(), s.minMicros(), s.p50Micros(), s.p90Micros(), s.p99Micros(), s.maxMicros(),
                cdf);
    }

    /** Disconnects gracefully and stops. */
    @Override
    public void close() {
        client.disconnect();
        client.close();
    }
}
