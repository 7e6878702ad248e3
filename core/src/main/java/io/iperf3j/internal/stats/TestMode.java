package io.iperf3j.internal.stats;

/**
 * Which directions a whole test moves data in, from this side's view, as iperf3's
 * {@code enum iperf_mode}. One stream always has one direction
 * ({@link io.iperf3j.Direction}); a test also has {@link #BIDIRECTIONAL}.
 */
public enum TestMode {
    /** This side sends (client default; server under {@code -R}). */
    SENDER,
    /** This side receives (client under {@code -R}; server default). */
    RECEIVER,
    /** Both sides send and receive ({@code --bidir}). */
    BIDIRECTIONAL
}
