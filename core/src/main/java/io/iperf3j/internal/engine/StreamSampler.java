package io.iperf3j.internal.engine;

/**
 * The test thread's bookkeeping for sampling one stream: counter values and times
 * at the last sample. Owned by the test thread only.
 */
public final class StreamSampler {
    /** Stream start (TEST_START, or the end of the omit period), in microseconds of the test clock. */
    public long startMicros;
    /** Start of the interval being measured. */
    long intervalStartMicros;
    /** Whether no interval has been recorded since {@link #startMicros}. */
    boolean firstSinceStart = true;
    /** Byte counter value at the last sample. */
    long lastBytes;
    /** TCP_INFO total retransmits at the last sample. */
    long prevTotalRetrans;
    // UDP counters at the last sample.
    long lastPacketCount;
    long lastCntError;
    long lastOutOfOrder;
}
