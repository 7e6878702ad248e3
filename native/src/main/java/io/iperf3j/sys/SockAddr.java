package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Encoding and decoding of a kernel {@code struct sockaddr_in}/{@code sockaddr_in6}, and
 * comparison with a Java {@link InetSocketAddress}, with IPv4 and
 * IPv4-mapped IPv6 addresses treated as the same endpoint.
 *
 * <p>Layouts (Linux, all architectures): {@code sa_family} is a native-order
 * {@code u16} at offset 0; the port a big-endian {@code u16} at 2; IPv4 address
 * at 4..8; IPv6 {@code sin6_flowinfo} at 4, address at 8..24 and
 * {@code sin6_scope_id} (native {@code u32}) at 24.
 *
 * @param family   {@link Libc#AF_INET} or {@link Libc#AF_INET6}
 * @param address  4 or 16 address bytes as the kernel reported them
 * @param port     port, 0..65535
 * @param scopeId  IPv6 scope id, 0 for IPv4
 */
record SockAddr(int family, byte[] address, int port, int scopeId) {

    private static final byte[] ANY16 = new byte[16];

    /** Decodes {@code len} bytes of a sockaddr, or returns null if it is not AF_INET/AF_INET6. */
    static SockAddr decode(MemorySegment sa, int len) {
        if (len < 2) {
            return null;
        }
        int family = Short.toUnsignedInt(sa.get(JAVA_SHORT_UNALIGNED, 0));
        if (family == Libc.AF_INET && len >= 8) {
            byte[] a = new byte[4];
            MemorySegment.copy(sa, JAVA_BYTE, 4, a, 0, 4);
            return new SockAddr(family, a, port(sa), 0);
        }
        if (family == Libc.AF_INET6 && len >= 24) {
            byte[] a = new byte[16];
            MemorySegment.copy(sa, JAVA_BYTE, 8, a, 0, 16);
            int scope = len >= 28 ? sa.get(JAVA_INT_UNALIGNED, 24) : 0;
            return new SockAddr(family, a, port(sa), scope);
        }
        return null;
    }

    /**
     * Encodes {@code address}:{@code port} for a socket of {@code family}: a {@code sockaddr_in}
     * ({@link Libc#SOCKADDR_IN_SIZE} bytes) for {@link Libc#AF_INET}; for {@link Libc#AF_INET6} a
     * {@code sockaddr_in6} ({@link Libc#SOCKADDR_IN6_SIZE} bytes) with {@code flowinfo} (the low 20
     * bits, the flow label) and the scope id, an IPv4 address written as {@code ::ffff:a.b.c.d} and
     * a wildcard (or null) as {@code in6addr_any} (a mapped {@code 0.0.0.0} would make the socket
     * IPv4-only).
     *
     * @throws IllegalArgumentException for an IPv6 address and an {@code AF_INET} socket
     */
    static MemorySegment encode(Arena arena, int family, InetAddress address, int port, int flowinfo) {
        MemorySegment sa = arena.allocate(family == Libc.AF_INET ? Libc.SOCKADDR_IN_SIZE : Libc.SOCKADDR_IN6_SIZE, 8);
        encodeInto(sa, family, address, port, flowinfo);
        return sa;
    }

    /**
     * As {@link #encode}, into {@code sa} (at least {@link Libc#SOCKADDR_IN6_SIZE} bytes, reused
     * by a hot path); returns the length written.
     */
    static int encodeInto(MemorySegment sa, int family, InetAddress address, int port, int flowinfo) {
        if (family == Libc.AF_INET) {
            sa.asSlice(0, Libc.SOCKADDR_IN_SIZE).fill((byte) 0);
            sa.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_INET);
            sa.set(JAVA_BYTE, 2, (byte) (port >>> 8));
            sa.set(JAVA_BYTE, 3, (byte) port);
            if (address != null && !address.isAnyLocalAddress()) {
                byte[] a = address.getAddress();
                if (a.length != 4) {
                    throw new IllegalArgumentException("an IPv6 address for an IPv4 socket: " + address);
                }
                MemorySegment.copy(a, 0, sa, JAVA_BYTE, 4, 4);
            }
            return Libc.SOCKADDR_IN_SIZE;
        }
        sa.asSlice(0, Libc.SOCKADDR_IN6_SIZE).fill((byte) 0);
        sa.set(JAVA_SHORT_UNALIGNED, 0, (short) Libc.AF_INET6);
        sa.set(JAVA_BYTE, 2, (byte) (port >>> 8));
        sa.set(JAVA_BYTE, 3, (byte) port);
        sa.set(JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4, flowinfo & 0xfffff);
        if (address == null || address.isAnyLocalAddress()) {
            return Libc.SOCKADDR_IN6_SIZE;
        }
        byte[] a = address.getAddress();
        if (a.length == 4) { // ::ffff:a.b.c.d
            sa.set(JAVA_BYTE, 18, (byte) 0xff);
            sa.set(JAVA_BYTE, 19, (byte) 0xff);
            MemorySegment.copy(a, 0, sa, JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(a, 0, sa, JAVA_BYTE, 8, 16);
            if (address instanceof Inet6Address v6 && v6.getScopeId() != 0) {
                sa.set(JAVA_INT_UNALIGNED, 24, v6.getScopeId());
            }
        }
        return Libc.SOCKADDR_IN6_SIZE;
    }

    private static int port(MemorySegment sa) {
        return (Byte.toUnsignedInt(sa.get(JAVA_BYTE, 2)) << 8) | Byte.toUnsignedInt(sa.get(JAVA_BYTE, 3));
    }

    /**
     * Whether this kernel address is the same endpoint as {@code java}: same
     * port, and the same address once both are written as 16 bytes with IPv4
     * as {@code ::ffff:a.b.c.d}. All wildcards ({@code 0.0.0.0}, {@code ::},
     * {@code ::ffff:0.0.0.0}) are equal. Scope ids are compared only when both
     * sides carry one.
     */
    boolean sameEndpoint(InetSocketAddress java) {
        if (java == null || java.getAddress() == null || java.getPort() != port) {
            return false;
        }
        InetAddress ja = java.getAddress();
        if (!Arrays.equals(canonical(ja.getAddress()), canonical(address))) {
            return false;
        }
        if (ja instanceof Inet6Address v6 && v6.getScopeId() != 0 && scopeId != 0) {
            return v6.getScopeId() == scopeId;
        }
        return true;
    }

    /**
     * Like {@link #sameEndpoint}, for a peer: a wildcard Java address matches
     * any peer address on the same port. (A {@code DatagramChannel} connected
     * to {@code 0.0.0.0:p} reports that address while the kernel, which
     * connects such sockets to a local address, reports the real one.)
     */
    boolean samePeer(InetSocketAddress java) {
        if (java != null && java.getAddress() != null && java.getAddress().isAnyLocalAddress()) {
            return java.getPort() == port;
        }
        return sameEndpoint(java);
    }

    /** 16-byte form: IPv4 becomes IPv4-mapped; every wildcard becomes {@code ::}. */
    static byte[] canonical(byte[] a) {
        byte[] c;
        if (a.length == 4) {
            c = new byte[16];
            c[10] = (byte) 0xff;
            c[11] = (byte) 0xff;
            System.arraycopy(a, 0, c, 12, 4);
        } else {
            c = a.clone();
        }
        boolean mapped = c[10] == (byte) 0xff && c[11] == (byte) 0xff;
        for (int i = 0; i < 10 && mapped; i++) {
            mapped = c[i] == 0;
        }
        if (mapped && c[12] == 0 && c[13] == 0 && c[14] == 0 && c[15] == 0) {
            return ANY16.clone();
        }
        return c;
    }

    /**
     * As a Java address. IPv4-mapped IPv6 addresses come back as
     * {@link java.net.Inet4Address}, as the JDK itself reports them.
     */
    InetSocketAddress toInetSocketAddress() {
        try {
            InetAddress a = (family == Libc.AF_INET6 && scopeId != 0 && !isMapped())
                    ? Inet6Address.getByAddress(null, address, scopeId)
                    : InetAddress.getByAddress(address);
            return new InetSocketAddress(a, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("bad address length " + address.length, e);
        }
    }

    private boolean isMapped() {
        if (address.length != 16 || address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SockAddr s && s.family == family && s.port == port && s.scopeId == scopeId
                && Arrays.equals(s.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + port;
    }

    @Override
    public String toString() {
        return toInetSocketAddress() + (family == Libc.AF_INET6 ? " (AF_INET6)" : " (AF_INET)");
    }
}
