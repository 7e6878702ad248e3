package io.iperf3j;

/** Which end of an iperf3 test produced a result or a sample. */
public enum Role {
    CLIENT, SERVER
}
