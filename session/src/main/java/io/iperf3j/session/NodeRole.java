package io.iperf3j.session;

/** A device under test or the traffic PC (the seed's {@code "node"} and {@code "tpc"}). */
public enum NodeRole {
    NODE, TRAFFIC_PC
}
