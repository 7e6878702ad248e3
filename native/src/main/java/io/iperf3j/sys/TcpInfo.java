package io.iperf3j.sys;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of Linux {@code struct tcp_info} ({@code getsockopt(IPPROTO_TCP, TCP_INFO)}),
 * as returned by {@link NativeSocket#tcpInfo()}.
 *
 * <p>Field names follow the kernel's {@code tcpi_*} names. Unsigned 8-bit fields
 * are {@code int}; unsigned 32-bit and 64-bit fields are {@code long} (64-bit
 * counters above {@link Long#MAX_VALUE} would wrap, which takes centuries).
 * The fields up to and including {@code tcpi_total_retrans} (the first 104
 * bytes, present since Linux 2.6.x) are mandatory; {@link #sndWnd()} is 0 when
 * the kernel's struct is too short to have it (before Linux 5.4); the later
 * fields are optional and empty when the kernel returned fewer bytes than
 * needed ({@link #length()} is what it returned).
 *
 * <p>What iperf3 3.12 uses ({@code tcp_info.c}, {@code iperf_api.c}):
 * <ul>
 *   <li>{@code retransmits} JSON key: the difference of {@link #totalRetrans()}
 *       between two samples ({@code tcpi_total_retrans}, <em>not</em>
 *       {@code tcpi_retransmits}, which only counts the current RTO backoff);</li>
 *   <li>{@code snd_cwnd}: {@link #sndCwndBytes()} = {@code tcpi_snd_cwnd × tcpi_snd_mss};</li>
 *   <li>{@code snd_wnd}: {@link #sndWnd()}; {@code rtt}: {@link #rttMicros()};
 *       {@code rttvar}: {@link #rttVarMicros()}; {@code pmtu}: {@link #pmtu()}.</li>
 * </ul>
 *
 * @param length        bytes the kernel returned (232 on Linux 6.1 headers, more on newer kernels)
 * @param state         {@code tcpi_state}: 1 ESTABLISHED ... 10 LISTEN (see {@link #STATE_ESTABLISHED})
 * @param caState       {@code tcpi_ca_state}: 0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss
 * @param retransmits   {@code tcpi_retransmits}: consecutive RTO retransmits of the head segment
 * @param probes        {@code tcpi_probes}: unanswered zero-window probes
 * @param backoff       {@code tcpi_backoff}: RTO backoff exponent
 * @param rtoMicros     {@code tcpi_rto}, µs
 * @param sndMss        {@code tcpi_snd_mss}, bytes
 * @param rcvMss        {@code tcpi_rcv_mss}, bytes
 * @param unacked       {@code tcpi_unacked}, segments in flight
 * @param sacked        {@code tcpi_sacked}
 * @param lost          {@code tcpi_lost}
 * @param retrans       {@code tcpi_retrans}, segments currently retransmitted and unacknowledged
 * @param pmtu          {@code tcpi_pmtu}, bytes
 * @param rcvSsthresh   {@code tcpi_rcv_ssthresh}, bytes
 * @param rttMicros     {@code tcpi_rtt}, smoothed RTT in µs
 * @param rttVarMicros  {@code tcpi_rttvar}, µs
 * @param sndSsthresh   {@code tcpi_snd_ssthresh}, segments (2147483647 = infinite)
 * @param sndCwnd       {@code tcpi_snd_cwnd}, segments
 * @param advMss        {@code tcpi_advmss}, bytes
 * @param reordering    {@code tcpi_reordering}
 * @param rcvRttMicros  {@code tcpi_rcv_rtt}, µs: the receiver's own RTT estimate (what a receiver that sends no
 *                      data learns of the path as it goes, queueing included); 0 before its first sample
 * @param rcvSpace      {@code tcpi_rcv_space}, bytes
 * @param totalRetrans  {@code tcpi_total_retrans}: retransmitted segments over the connection's life
 * @param sndWnd        {@code tcpi_snd_wnd} (Linux 5.4+): peer's advertised window after scaling, bytes; 0 if absent
 * @param pacingRate    {@code tcpi_pacing_rate}, bytes/s (Linux 3.15+)
 * @param bytesAcked    {@code tcpi_bytes_acked} (Linux 4.1+)
 * @param bytesReceived {@code tcpi_bytes_received} (Linux 4.1+)
 * @param notsentBytes  {@code tcpi_notsent_bytes} (Linux 4.6+)
 * @param minRttMicros  {@code tcpi_min_rtt}, µs (Linux 4.6+); empty also while there is no sample (~0U)
 * @param deliveryRate  {@code tcpi_delivery_rate}, bytes/s (Linux 4.9+)
 * @param bytesSent     {@code tcpi_bytes_sent}, including retransmissions (Linux 4.19+)
 * @param bytesRetrans  {@code tcpi_bytes_retrans} (Linux 4.19+)
 * @param rcvWnd        {@code tcpi_rcv_wnd}, bytes (Linux 6.2+)
 * @param reordSeen     {@code tcpi_reord_seen}, reordering events so far (Linux 4.19+); iperf3 3.21's {@code reorder}
 * @param busyTimeMicros     {@code tcpi_busy_time}, µs (Linux 4.10+): time the socket had data queued to send, the
 *                           three chronos below summed (cwnd-, receive-window- and send-buffer-limited)
 * @param rwndLimitedMicros  {@code tcpi_rwnd_limited}, µs (Linux 4.10+): the part of the busy time the sender was
 *                           stopped by the receiver's advertised window
 * @param sndbufLimitedMicros {@code tcpi_sndbuf_limited}, µs (Linux 4.10+): the part of the busy time the sender was
 *                           stopped by its own send buffer
 * @param deliveryRateAppLimited {@code tcpi_delivery_rate_app_limited} (Linux 4.9+; false before): whether the last
 *                           delivery-rate sample was taken while the application, not the network, left the
 *                           connection idle
 */
public record TcpInfo(
        int length,
        int state,
        int caState,
        int retransmits,
        int probes,
        int backoff,
        long rtoMicros,
        long sndMss,
        long rcvMss,
        long unacked,
        long sacked,
        long lost,
        long retrans,
        long pmtu,
        long rcvSsthresh,
        long rttMicros,
        long rttVarMicros,
        long sndSsthresh,
        long sndCwnd,
        long advMss,
        long reordering,
        long rcvRttMicros,
        long rcvSpace,
        long totalRetrans,
        long sndWnd,
        OptionalLong pacingRate,
        OptionalLong bytesAcked,
        OptionalLong bytesReceived,
        OptionalLong notsentBytes,
        OptionalLong minRttMicros,
        OptionalLong deliveryRate,
        OptionalLong bytesSent,
        OptionalLong bytesRetrans,
        OptionalLong rcvWnd,
        OptionalLong reordSeen,
        OptionalLong busyTimeMicros,
        OptionalLong rwndLimitedMicros,
        OptionalLong sndbufLimitedMicros,
        boolean deliveryRateAppLimited) {

    /** {@code tcpi_state} of an established connection. */
    public static final int STATE_ESTABLISHED = 1;
    /** {@code tcpi_state} of a socket that was never connected (bound or not). */
    public static final int STATE_CLOSE = 7;
    /** {@code tcpi_state} of a listening socket. */
    public static final int STATE_LISTEN = 10;

    /** Bytes asked of the kernel; more than any known {@code struct tcp_info}, so we get all of it. */
    static final int REQUEST_SIZE = 512;
    /** Bytes needed for the mandatory part (through {@code tcpi_total_retrans}). */
    static final int MIN_LENGTH = 104;

    // Offsets in the Linux uapi struct tcp_info (identical on all architectures).
    private static final int OFF_STATE = 0;
    private static final int OFF_CA_STATE = 1;
    private static final int OFF_RETRANSMITS = 2;
    private static final int OFF_PROBES = 3;
    private static final int OFF_BACKOFF = 4;
    /** {@code tcpi_delivery_rate_app_limited:1}, the lowest bit of the byte after the window scales. */
    private static final int OFF_APP_LIMITED = 7;
    private static final int OFF_RTO = 8;
    private static final int OFF_SND_MSS = 16;
    private static final int OFF_RCV_MSS = 20;
    private static final int OFF_UNACKED = 24;
    private static final int OFF_SACKED = 28;
    private static final int OFF_LOST = 32;
    private static final int OFF_RETRANS = 36;
    private static final int OFF_PMTU = 60;
    private static final int OFF_RCV_SSTHRESH = 64;
    private static final int OFF_RTT = 68;
    private static final int OFF_RTTVAR = 72;
    private static final int OFF_SND_SSTHRESH = 76;
    private static final int OFF_SND_CWND = 80;
    private static final int OFF_ADVMSS = 84;
    private static final int OFF_REORDERING = 88;
    private static final int OFF_RCV_RTT = 92;
    private static final int OFF_RCV_SPACE = 96;
    private static final int OFF_TOTAL_RETRANS = 100;
    private static final int OFF_PACING_RATE = 104;
    private static final int OFF_BYTES_ACKED = 120;
    private static final int OFF_BYTES_RECEIVED = 128;
    private static final int OFF_NOTSENT_BYTES = 144;
    private static final int OFF_MIN_RTT = 148;
    private static final int OFF_DELIVERY_RATE = 160;
    private static final int OFF_BUSY_TIME = 168;
    private static final int OFF_RWND_LIMITED = 176;
    private static final int OFF_SNDBUF_LIMITED = 184;
    private static final int OFF_BYTES_SENT = 200;
    private static final int OFF_BYTES_RETRANS = 208;
    private static final int OFF_REORD_SEEN = 220;
    private static final int OFF_SND_WND = 228;
    private static final int OFF_RCV_WND = 232;

    /**
     * iperf3's {@code snd_cwnd}: the congestion window in bytes,
     * {@code tcpi_snd_cwnd × tcpi_snd_mss}.
     *
     * <p>Computed in 64 bits. iperf3 3.12 multiplies two {@code u32} values in
     * C, so its result wraps modulo 2<sup>32</sup> above 4 GiB; a window that
     * large does not occur in practice.
     */
    public long sndCwndBytes() {
        return sndCwnd * sndMss;
    }

    /**
     * Parses {@code length} bytes of a {@code struct tcp_info} held in {@code s}: {@link #parse(ByteBuffer, int)}
     * on a view of it.
     *
     * @return empty if {@code length} is shorter than the mandatory part or than the segment
     */
    static Optional<TcpInfo> parse(MemorySegment s, int length) {
        return parse(s.asByteBuffer().order(ByteOrder.nativeOrder()), length);
    }

    /**
     * Parses {@code length} bytes of a {@code struct tcp_info} from {@code b} (native byte order), in place.
     * Plain buffer reads: read field by field from a segment, each of the ~35 reads brought its own inlined
     * access chain, and C1 compiled this method in a 12 MB arena.
     *
     * @return empty if {@code length} is shorter than the mandatory part or than the buffer
     */
    static Optional<TcpInfo> parse(ByteBuffer b, int length) {
        if (length < MIN_LENGTH || b.capacity() < length) {
            return Optional.empty();
        }
        return Optional.of(new TcpInfo(
                length,
                u8(b, OFF_STATE),
                u8(b, OFF_CA_STATE),
                u8(b, OFF_RETRANSMITS),
                u8(b, OFF_PROBES),
                u8(b, OFF_BACKOFF),
                u32(b, OFF_RTO),
                u32(b, OFF_SND_MSS),
                u32(b, OFF_RCV_MSS),
                u32(b, OFF_UNACKED),
                u32(b, OFF_SACKED),
                u32(b, OFF_LOST),
                u32(b, OFF_RETRANS),
                u32(b, OFF_PMTU),
                u32(b, OFF_RCV_SSTHRESH),
                u32(b, OFF_RTT),
                u32(b, OFF_RTTVAR),
                u32(b, OFF_SND_SSTHRESH),
                u32(b, OFF_SND_CWND),
                u32(b, OFF_ADVMSS),
                u32(b, OFF_REORDERING),
                u32(b, OFF_RCV_RTT),
                u32(b, OFF_RCV_SPACE),
                u32(b, OFF_TOTAL_RETRANS),
                length >= OFF_SND_WND + 4 ? u32(b, OFF_SND_WND) : 0L,
                opt64(b, length, OFF_PACING_RATE),
                opt64(b, length, OFF_BYTES_ACKED),
                opt64(b, length, OFF_BYTES_RECEIVED),
                opt32(b, length, OFF_NOTSENT_BYTES),
                minRtt(b, length),
                opt64(b, length, OFF_DELIVERY_RATE),
                opt64(b, length, OFF_BYTES_SENT),
                opt64(b, length, OFF_BYTES_RETRANS),
                opt32(b, length, OFF_RCV_WND),
                opt32(b, length, OFF_REORD_SEEN),
                opt64(b, length, OFF_BUSY_TIME),
                opt64(b, length, OFF_RWND_LIMITED),
                opt64(b, length, OFF_SNDBUF_LIMITED),
                (b.get(OFF_APP_LIMITED) & 1) != 0));
    }

    private static int u8(ByteBuffer b, int off) {
        return Byte.toUnsignedInt(b.get(off));
    }

    private static long u32(ByteBuffer b, int off) {
        return Integer.toUnsignedLong(b.getInt(off));
    }

    private static OptionalLong opt32(ByteBuffer b, int length, int off) {
        return length >= off + 4 ? OptionalLong.of(u32(b, off)) : OptionalLong.empty();
    }

    private static OptionalLong opt64(ByteBuffer b, int length, int off) {
        return length >= off + 8 ? OptionalLong.of(b.getLong(off)) : OptionalLong.empty();
    }

    private static OptionalLong minRtt(ByteBuffer b, int length) {
        OptionalLong v = opt32(b, length, OFF_MIN_RTT);
        return v.isPresent() && v.getAsLong() == 0xFFFF_FFFFL ? OptionalLong.empty() : v;
    }
}
