package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.AddressText;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A client as {@link io.iperf3j.ServerEvent}s name it: its address as iperf3 writes it, its port and its
 * prefix, the unit in which the server counts clients: an IPv4 address as its /32, an IPv6 address as its
 * /64 ({@code 2001:db8:1:2::/64}); an IPv4-mapped IPv6 address counts as its IPv4 address.
 *
 * @param address the address text, or null when the socket could not say
 * @param port the port, or 0
 * @param prefix the prefix text, or null
 */
record ClientAddress(String address, int port, String prefix) {
    static final ClientAddress UNKNOWN = new ClientAddress(null, 0, null);

    static ClientAddress of(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return UNKNOWN;
        }
        return new ClientAddress(AddressText.of(a), a.getPort(), prefix(a.getAddress()));
    }

    /** {@code 192.0.2.7/32}, {@code 2001:db8:1:2::/64}: the {@link ClientKey} the server counts by. */
    static String prefix(InetAddress a) {
        return ClientKey.of(a).prefix();
    }
}
