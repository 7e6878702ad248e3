package io.iperf3j;

/** The transport protocol of a test. */
public enum Transport {
    TCP, UDP
}
