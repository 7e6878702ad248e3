package io.iperf3j.internal.engine;

/**
 * The test thread's bookkeeping for sampling one stream: counter values and times at
 * the last sample, and the differences iperf3 reports per interval. Owned by the test
 * thread only (the stream's thread reads {@link #startMicros} once, to start its pacer).
 */
public final class StreamSampler {
    /** Stream start (TEST_START, or the end of the omit period), in microseconds of the test clock. */
    public long startMicros;
    /** Start of the interval being measured. */
    private long intervalStartMicros;
    /** Whether no interval has been recorded since {@link #startMicros}. */
    private boolean firstSinceStart = true;
    /** Byte counter value at the last sample. */
    private long lastBytes;
    /** TCP_INFO total retransmits at the last sample. */
    private long prevTotalRetrans;
    // UDP counters at the last sample.
    private long lastPacketCount;
    private long lastCntError;
    private long lastOutOfOrder;

    /** The stream's clock starts at {@code nowMicros} (TEST_START) with the byte counter at {@code bytes}. */
    void start(long nowMicros, long bytes) {
        startMicros = nowMicros;
        intervalStartMicros = nowMicros;
        firstSinceStart = true;
        lastBytes = bytes;
    }

    /**
     * After the omit period the stream's clock restarts at {@code nowMicros}; the interval
     * in progress keeps its start, so iperf3 prints {@code |start - new start|} for it.
     */
    void restartClock(long nowMicros) {
        startMicros = nowMicros;
    }

    /** Bytes counted since the last sample, given the counter's value now; the counter's value is remembered. */
    long bytesSince(long total) {
        long delta = total - lastBytes;
        lastBytes = total;
        return delta;
    }

    /** Retransmits since the last sample, given TCP_INFO's total now; the total is remembered. */
    long retransmitsSince(long totalRetrans) {
        long delta = totalRetrans - prevTotalRetrans;
        prevTotalRetrans = totalRetrans;
        return delta;
    }

    /** Remembers TCP_INFO's total without reporting a difference (at the start, and when the omit period ends). */
    void baseRetransmits(long totalRetrans) {
        prevTotalRetrans = totalRetrans;
    }

    /**
     * Packets since the last sample, given the receiver's total now; the total is remembered. With
     * {@link #lostSince} and {@link #outOfOrderSince}: three numbers, no array per interval (issue 58).
     */
    long packetsSince(long packetCount) {
        long d = packetCount - lastPacketCount;
        lastPacketCount = packetCount;
        return d;
    }

    /** Lost datagrams since the last sample, given the receiver's total now; the total is remembered. */
    long lostSince(long cntError) {
        long d = cntError - lastCntError;
        lastCntError = cntError;
        return d;
    }

    /** Out-of-order datagrams since the last sample, given the receiver's total now; the total is remembered. */
    long outOfOrderSince(long outOfOrder) {
        long d = outOfOrder - lastOutOfOrder;
        lastOutOfOrder = outOfOrder;
        return d;
    }

    // The interval that ends at nowMicros, as iperf3 prints it: seconds since the stream's start.

    /** The interval's start: {@code |interval start - stream start|} (after the omit period, its distance). */
    double intervalStart() {
        return seconds(Math.abs(intervalStartMicros - startMicros));
    }

    /** The interval's end, {@code nowMicros}, in seconds since the stream's start. */
    double intervalEnd(long nowMicros) {
        return seconds(nowMicros - startMicros);
    }

    /** The interval's length in seconds, as iperf3's float. */
    float intervalDuration(long nowMicros) {
        return (float) seconds(nowMicros - intervalStartMicros);
    }

    /**
     * The interval that ended at {@code nowMicros} is recorded: the next one starts there.
     *
     * @return whether it was the first interval since the stream's start
     */
    boolean endInterval(long nowMicros) {
        boolean first = firstSinceStart;
        firstSinceStart = false;
        intervalStartMicros = nowMicros;
        return first;
    }

    /** Microseconds as iperf3's seconds: whole seconds plus the fraction, computed apart as iperf3 does. */
    static double seconds(long micros) {
        return micros / 1_000_000 + (micros % 1_000_000) / 1e6;
    }
}
