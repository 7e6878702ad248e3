package io.iperf3j.internal.subcommand;

import java.net.InetSocketAddress;

/**
 * A host and a port as one text, {@code host:port}, an IPv6 host in brackets ({@code [::1]:5201}),
 * as URLs and OpenSSH write them: the server's log, the session's and link's metrics addresses,
 * the report's command lines.
 */
public final class HostPort {
    private HostPort() {
    }

    /** {@code host:port}, or {@code [host]:port} when the host holds a colon (an IPv6 address). */
    public static String of(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@link #of(String, int)} of the address's numeric host (its name when it is unresolved). */
    public static String of(InetSocketAddress a) {
        return of(a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString(), a.getPort());
    }
}
