package io.iperf3j.internal.stats;

import io.iperf3j.RttFigures;

import java.util.function.Supplier;

/**
 * What a client's {@code --latency} measured: the probe's round trips in the idle phase before the
 * test, under the test's load, and in the idle tail after it, and per reported interval. Written by
 * the client's test thread (the engine's latency run), read by the same thread when it reports.
 */
public final class LatencyRecord {
    /** Probe interval asked for, ms. */
    public final int intervalMs;
    /** Why nothing was measured (no responder at the server, the probe failed), or null. */
    public String unavailable;
    /** The idle phase (before the streams exist); null until measured. */
    public RttFigures idle;
    /** From TEST_RUNNING to the test's end; null until measured. */
    public RttFigures loaded;
    /** The idle tail after the test; null until measured. */
    public RttFigures tail;
    public double idleSeconds;
    public double tailSeconds;
    private Supplier<RttFigures> intervals = () -> null;
    private RttFigures frozen;
    private RttFigures reported;

    public LatencyRecord(int intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** Where {@link #nextInterval()} takes a running interval's figures from. */
    public void intervalsFrom(Supplier<RttFigures> source) {
        intervals = source;
    }

    /** The load ended: the last interval's figures are these, whenever it is reported. */
    public void freezeInterval(RttFigures last) {
        frozen = last;
    }

    /** The figures of the interval being reported, or null when none are measured. */
    public RttFigures nextInterval() {
        if (frozen != null) {
            reported = frozen;
            frozen = null;
        } else {
            reported = unavailable != null ? null : intervals.get();
        }
        return reported;
    }

    /** What the last {@link #nextInterval()} gave (the interval just reported), or null. */
    public RttFigures lastReported() {
        return reported;
    }
}
