package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.AddressText;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The unit {@code --max-per-client} counts and the queue serves in turn: an IPv4 address (a
 * /32) or an IPv6 /64 (one host usually has a whole /64). An IPv4-mapped IPv6 address counts
 * as its IPv4 address, so a dual-stack listener counts a client the same way a v4 one does.
 *
 * @param ipv6 an IPv6 /64 (else an IPv4 /32)
 * @param bits the IPv4 address, or the IPv6 address's first 8 bytes
 */
record ClientKey(boolean ipv6, long bits) {
    /** The key of {@code client}; null when the address is not known. */
    static ClientKey of(InetSocketAddress client) {
        return client == null || client.getAddress() == null ? null : of(client.getAddress());
    }

    static ClientKey of(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return new ClientKey(false, bigEndian(b, 0, 4));
        }
        if (AddressText.isV4Mapped(b)) {
            return new ClientKey(false, bigEndian(b, 12, 4));
        }
        return new ClientKey(true, bigEndian(b, 0, 8));
    }

    private static long bigEndian(byte[] b, int from, int n) {
        long v = 0;
        for (int i = from; i < from + n; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    /** The key as a prefix, as the log prints it: {@code 192.0.2.7/32}, {@code 2001:db8:1:2::/64}. */
    String prefix() {
        try {
            if (!ipv6) {
                byte[] b = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
                return AddressText.of(InetAddress.getByAddress(b)) + "/32";
            }
            byte[] b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (bits >>> (56 - 8 * i));
            }
            return AddressText.of(Inet6Address.getByAddress(null, b, -1)) + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a literal address of the right length", e);
        }
    }

    // equals and hashCode written out: a record's generated ones are bound at their first call by
    // ObjectMethods' bootstrap, which spins method handles: 8-12 ms of CPU at a server's first
    // client, the first test's (docs/design/cpu-per-bit.md, stop 95)
    @Override
    public boolean equals(Object o) {
        return o instanceof ClientKey k && k.ipv6 == ipv6 && k.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits) * 31 + (ipv6 ? 1 : 0);
    }

    @Override
    public String toString() {
        return prefix();
    }
}
