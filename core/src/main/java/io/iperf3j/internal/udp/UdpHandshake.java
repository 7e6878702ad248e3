package io.iperf3j.internal.udp;

/**
 * The UDP "connect" exchange of iperf3 3.12 ({@code iperf_udp_connect},
 * {@code iperf_udp_accept}). The C code writes the int constants in host byte
 * order; the byte sequences here are what an x86 iperf3 (and every iperf3 from
 * 3.17 on) puts on the wire.
 */
public final class UdpHandshake {
    /** Client to server, one 4-byte datagram per stream: {@code UDP_CONNECT_MSG} 0x36373839 ("9876"). */
    private static final byte[] CONNECT = {0x39, 0x38, 0x37, 0x36};
    /** Server to client on the new stream socket: {@code UDP_CONNECT_REPLY} 0x39383736 ("6789"). */
    private static final byte[] REPLY = {0x36, 0x37, 0x38, 0x39};
    /** The size of both messages. */
    public static final int SIZE = 4;

    /** {@code UDP_CONNECT_REPLY} as a big-endian int of the wire bytes. */
    static final int REPLY_BE = 0x36373839;
    /** The same value sent by a big-endian 3.12–3.16 server. */
    static final int REPLY_SWAPPED = 0x39383736;
    /** The legacy reply 987654321 (0x3ADE68B1) as an x86 server sends it: {@code b1 68 de 3a}. */
    static final int LEGACY_REPLY_BE = 0xB168DE3A;
    /** The legacy reply from a big-endian server: {@code 3a de 68 b1}. */
    static final int LEGACY_REPLY_SWAPPED = 0x3ADE68B1;

    private UdpHandshake() {
    }

    /** A fresh copy of the client's connect message. */
    public static byte[] connectMessage() {
        return CONNECT.clone();
    }

    /** A fresh copy of the server's reply. */
    public static byte[] replyMessage() {
        return REPLY.clone();
    }

    /**
     * Whether the first four bytes (big-endian int) of a datagram the client read
     * are a reply it accepts: the current reply or the legacy one, in either byte
     * order (3.12 compares in host order; accepting both orders lets a client talk
     * to big-endian 3.12–3.16 servers too).
     */
    public static boolean isReply(int firstFourBytesBigEndian) {
        int v = firstFourBytesBigEndian;
        return v == REPLY_BE || v == REPLY_SWAPPED || v == LEGACY_REPLY_BE || v == LEGACY_REPLY_SWAPPED;
    }
}
