package io.iperf3j.internal.stats;

/** Whether this side sends or receives on a stream. */
public enum Direction {
    SENDING, RECEIVING
}
