package io.iperf3j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A round-trip probe a client runs next to its test ({@code --latency}): small request/answer
 * datagrams to the server's UDP port, never part of the test's streams or figures. The engine opens
 * it before the test (the idle phase), cuts its samples into phases ({@link #takePhase()}) and
 * intervals ({@link #takeInterval()}), and closes it after the idle tail. An implementation is
 * plugged in with a {@link Starter} (the {@code link} module's {@code LinkRttProbe}); the engine
 * itself sends no probe.
 *
 * <p>Threads: the test thread calls every method; the probe measures on threads of its own.
 */
public interface RttProbe extends AutoCloseable {
    /** Opens a probe to a server. */
    @FunctionalInterface
    interface Starter {
        /**
         * Starts probing {@code server} (the server's address and its UDP port, the iperf3 port) every
         * {@code interval}; returns at once, before any answer.
         */
        RttProbe start(InetSocketAddress server, Duration interval) throws IOException;
    }

    /**
     * Waits until the far end has answered (true), or {@code timeout} passed or the probe failed
     * (false: nothing there answers probes, for example a real iperf3 server).
     */
    boolean awaitAnswer(Duration timeout) throws InterruptedException;

    /** The figures since the previous call (or the start), and starts a new interval. */
    RttFigures takeInterval();

    /** The figures since the previous call (or the start), and starts a new phase. Independent of intervals. */
    RttFigures takePhase();

    /** Why the probe failed, or null. */
    String failure();

    /** Stops probing and tells the far end; never throws. */
    @Override
    void close();
}
