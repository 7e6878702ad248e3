package io.iperf3j.report.internal;

import java.util.Arrays;

/**
 * One side's runs of one pair for {@code report --compare}: each successful run's received throughput, how many
 * failed and the last failure's error. Not thread-safe: filled by the thread that reads the side.
 */
public final class PairRuns {
    private final String sender;
    private final String receiver;
    private double[] values = new double[4];
    private int runs;
    private int failed;
    private String error;

    /** @param sender the host shown as the sender (a -J file's address), receiver likewise */
    PairRuns(String sender, String receiver) {
        this.sender = sender;
        this.receiver = receiver;
    }

    void ok(double bitsPerSecond) {
        if (runs == values.length) {
            values = Arrays.copyOf(values, runs * 2);
        }
        values[runs++] = bitsPerSecond;
    }

    void failed(String error) {
        failed++;
        if (error != null) {
            this.error = error;
        }
    }

    public String sender() {
        return sender;
    }

    public String receiver() {
        return receiver;
    }

    /** The successful runs' received throughputs, in the order read (a copy). */
    public double[] values() {
        return Arrays.copyOf(values, runs);
    }

    public int failed() {
        return failed;
    }

    /** The last failed run's error, or null. */
    public String error() {
        return error;
    }
}
