package io.iperf3j.options;

/** The role an option belongs to: a client-only row given with {@code -s} is refused as iperf3 refuses its own. */
public enum Scope {
    /** Either role. */
    ANY,
    /** Client only: sets iperf3's {@code client_flag}. */
    CLIENT,
    /** Server only: sets iperf3's {@code server_flag}. */
    SERVER
}
