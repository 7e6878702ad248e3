package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.AddressText;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

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

    /** {@code 192.0.2.7/32}, {@code 2001:db8:1:2::/64}. */
    static String prefix(InetAddress a) {
        String text = AddressText.of(a);
        if (a instanceof Inet4Address || text.indexOf(':') < 0) {
            return text + "/32"; // IPv4, or IPv4-mapped IPv6 (AddressText writes it as IPv4)
        }
        byte[] b = Arrays.copyOf(a.getAddress(), 16);
        Arrays.fill(b, 8, 16, (byte) 0);
        try {
            return AddressText.of(InetAddress.getByAddress(b)) + "/64";
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 16 bytes are an IPv6 address
        }
    }
}
