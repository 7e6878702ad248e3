package io.iperf3j.internal.options;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * One {@code --allow} or {@code --deny} rule: a network prefix. A bare address is a /32 or a
 * /128. Only literal addresses are taken (no name look-up at start).
 *
 * @param allow an {@code --allow} rule (else {@code --deny})
 * @param network the prefix's address, host bits cleared
 * @param length the prefix length (0-32 for IPv4, 0-128 for IPv6)
 */
public record AddressRule(boolean allow, InetAddress network, int length) {
    public AddressRule {
        Objects.requireNonNull(network, "network");
        if (length < 0 || length > bits(network)) {
            throw new IllegalArgumentException("prefix length " + length + " out of range");
        }
    }

    /** The address bits of {@code a}'s family: 32 or 128. */
    public static int bits(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    /**
     * Reads {@code ADDRESS[/LENGTH]}.
     *
     * @throws IllegalArgumentException with a message that says what is wrong
     */
    public static AddressRule parse(String text, boolean allow) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address: '" + host + "'");
        }
        int length = bits(a);
        if (slash >= 0) {
            String n = t.substring(slash + 1);
            if (n.isEmpty() || n.length() > 3 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not a prefix length: '" + n + "'");
            }
            length = Integer.parseInt(n);
            if (length > bits(a)) {
                throw new IllegalArgumentException("prefix length " + length + " is longer than " + bits(a) + " bits");
            }
        }
        return new AddressRule(allow, masked(a, length), length);
    }

    private static InetAddress masked(InetAddress a, int length) {
        byte[] b = a.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, length - 8 * i));
            b[i] &= (byte) (0xFF00 >>> keep);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("an address of the right length", e);
        }
    }
}
