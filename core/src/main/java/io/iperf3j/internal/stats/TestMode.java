package io.iperf3j.internal.stats;

/** This side's role in the data transfer, as iperf3's {@code enum iperf_mode}. */
public enum TestMode {
    /** This side sends (client default; server under {@code -R}). */
    SENDER,
    /** This side receives (client under {@code -R}; server default). */
    RECEIVER,
    /** Both sides send and receive ({@code --bidir}). */
    BIDIRECTIONAL
}
