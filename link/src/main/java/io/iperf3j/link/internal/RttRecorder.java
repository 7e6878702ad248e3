package io.iperf3j.link.internal;

import org.HdrHistogram.Histogram;

/**
 * RTT samples of pings and keep-alives: legume's latency (mean of the last 4 samples, in ms) and an
 * HdrHistogram of every sample in nanoseconds (3 significant digits). Guarded by the endpoint lock.
 */
public final class RttRecorder {
    private final long[] last = new long[4];
    private int lastCount;
    private int lastNext;
    private final Histogram histogram = new Histogram(3);

    public void record(long rttNanos) {
        if (rttNanos < 0) {
            return;
        }
        last[lastNext] = rttNanos;
        lastNext = (lastNext + 1) % last.length;
        lastCount = Math.min(lastCount + 1, last.length);
        histogram.recordValue(Math.max(1, rttNanos));
    }

    /** Mean of the last 4 samples in milliseconds, NaN before any. */
    public double latencyMillis() {
        if (lastCount == 0) {
            return Double.NaN;
        }
        long sum = 0;
        for (int i = 0; i < lastCount; i++) {
            sum += last[i];
        }
        return sum / (double) lastCount / 1e6;
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** The percentile in microseconds, NaN without samples. */
    public double percentileMicros(double p) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1e3;
    }

    public double maxMicros() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1e3;
    }
}
