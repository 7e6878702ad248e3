package io.iperf3j.link;

import io.iperf3j.RttFigures;
import io.iperf3j.RttProbe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The link's {@link LatencyProbe} as core's {@link RttProbe}: what {@code iperf3j -c HOST --latency}
 * runs next to its test, against the {@link LinkRttResponder} of an {@code iperf3j -s}. Probes are the
 * link's Ping/Pong system messages on a socket of their own, so they are never taken for test data.
 * Threads: as {@link LatencyProbe} (any thread; the link's background thread measures).
 */
public final class LinkRttProbe implements RttProbe {
    private final LatencyProbe probe;

    private LinkRttProbe(LatencyProbe probe) {
        this.probe = probe;
    }

    /** A {@link RttProbe.Starter}: connects with the link's defaults (10 s timeout) and pings every {@code interval}. */
    public static RttProbe start(InetSocketAddress server, Duration interval) throws IOException {
        return new LinkRttProbe(LatencyProbe.start(server, interval, LinkConfig.defaults()));
    }

    @Override
    public boolean awaitAnswer(Duration timeout) throws InterruptedException {
        return probe.awaitConnected(timeout);
    }

    @Override
    public RttFigures takeInterval() {
        return probe.takeInterval();
    }

    @Override
    public RttFigures takePhase() {
        return probe.takePhase();
    }

    @Override
    public String failure() {
        return probe.error();
    }

    @Override
    public void close() {
        probe.close();
    }
}
