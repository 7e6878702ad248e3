package io.iperf3j;

/** Whether a sample describes data this side sent or data it received. */
public enum Direction {
    SENDER, RECEIVER
}
