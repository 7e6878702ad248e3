package io.iperf3j.internal.engine;

/**
 * One test's current share of a server's {@code --total-rate}, per stream: written by the
 * server's {@code RateShares} (under its monitor, on whichever test thread caused the change)
 * and read by each of the test's stream workers at every pacing check of its {@link Pacer}.
 *
 * <p>The only shared state is one volatile {@code long}: a worker's read is a plain load on
 * x86 and never takes a lock, and a worker notices a change at its next block or datagram
 * (the pacer then re-anchors its schedule). A rate of 0 means "no limit yet" (the test is
 * not registered, or the server has no {@code --total-rate}).
 */
public final class RateShare {
    private volatile long streamBitsPerSecond;

    /** A share with no limit until the first {@link #publish}. */
    public RateShare() {
    }

    /** A share that starts at {@code streamBitsPerSecond} (tests). */
    public RateShare(long streamBitsPerSecond) {
        this.streamBitsPerSecond = streamBitsPerSecond;
    }

    /** The rate each of the test's streams may use now, in bits per second; 0 for no limit. */
    public long streamBitsPerSecond() {
        return streamBitsPerSecond;
    }

    /** Publishes a new per-stream rate (0: no limit); the workers see it at their next check. */
    public void publish(long bitsPerSecond) {
        if (bitsPerSecond < 0) {
            throw new IllegalArgumentException("negative rate: " + bitsPerSecond);
        }
        this.streamBitsPerSecond = bitsPerSecond;
    }
}
