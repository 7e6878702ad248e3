package io.iperf3j.internal.engine.server;

/**
 * {@code --total-rate}'s check of a UDP upload, which the server cannot slow (the datagrams have
 * crossed the link before it sees them): over a window of {@code round(5 s / sample)}
 * samples ({@link ShareFollower} takes one a second), the bytes received may be at most
 * {@link #TOLERANCE} times what the test's allocation allowed in the same time. A test
 * over it is ended with SERVER_ERROR 27 (docs/design/public-server.md 3.4). Test thread only.
 */
final class UploadPolice {
    /** How far over its allocation an upload may run, averaged over the window. */
    static final double TOLERANCE = 1.10;
    static final double WINDOW_SECONDS = 5.0;
    private final long[] received;
    private final double[] allowed;
    private int samples;

    /** @param sampleSeconds the time one sample covers, in seconds, &gt; 0 */
    UploadPolice(double sampleSeconds) {
        int n = (int) Math.max(1, Math.round(WINDOW_SECONDS / sampleSeconds));
        this.received = new long[n];
        this.allowed = new double[n];
    }

    /**
     * Adds one sample: the bytes the test's receiving streams got, and what its allocation
     * allowed them in that time. True once a full window is over the tolerance.
     */
    boolean exceededAfter(long receivedBytes, double allowedBytes) {
        int i = samples++ % received.length;
        received[i] = receivedBytes;
        allowed[i] = allowedBytes;
        if (samples < received.length) {
            return false;
        }
        long got = 0;
        double may = 0;
        for (int k = 0; k < received.length; k++) {
            got += received[k];
            may += allowed[k];
        }
        return got > TOLERANCE * may;
    }
}
