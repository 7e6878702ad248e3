package io.iperf3j.internal.engine.server;

/**
 * iperf3's {@code --server-bitrate-limit}: refused up front when the client asks for more
 * (target × streams, × 2 for bidir), and cut while running when the average over the last
 * {@code round(S / interval)} intervals of all bytes sent and received is over the limit.
 */
final class BitrateLimit {
    private final double limitBitsPerSecond;
    private final double statsInterval;
    private final long[] window;
    private int samples;

    private BitrateLimit(double limitBitsPerSecond, double limitIntervalSeconds, double statsInterval) {
        this.limitBitsPerSecond = limitBitsPerSecond;
        this.statsInterval = statsInterval;
        this.window = new long[(int) Math.max(1, Math.round(limitIntervalSeconds / statsInterval))];
    }

    /** The running check, or null when there is none (no limit, or {@code -i 0}). */
    static BitrateLimit running(double limitBitsPerSecond, double limitIntervalSeconds, double statsInterval) {
        if (limitBitsPerSecond <= 0 || statsInterval <= 0) {
            return null;
        }
        return new BitrateLimit(limitBitsPerSecond, limitIntervalSeconds, statsInterval);
    }

    /** Whether the test's asked-for bitrate is over the limit (0: no limit). */
    static boolean exceededUpFront(double limitBitsPerSecond, long targetBitrate, int parallel, boolean bidirectional) {
        if (limitBitsPerSecond <= 0) {
            return false;
        }
        double total = (double) targetBitrate * parallel * (bidirectional ? 2 : 1);
        return total > limitBitsPerSecond;
    }

    /** Adds one interval's bytes (all streams, both ways); true once a full window averages over the limit. */
    boolean exceededAfter(long intervalBytes) {
        window[samples++ % window.length] = intervalBytes;
        if (samples < window.length) {
            return false;
        }
        long sum = 0;
        for (long b : window) {
            sum += b;
        }
        return sum * 8 / (statsInterval * window.length) > limitBitsPerSecond;
    }
}
