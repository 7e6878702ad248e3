package io.iperf3j.internal.stats;

/**
 * One stream's measurements over one reporting interval, as iperf3's stats
 * callback records them. Times are seconds since the stream's start (reset when
 * the omit period ends). Protocol fields hold -1 / NaN when not measured.
 *
 * @param start interval start, seconds since the stream start (microsecond resolution)
 * @param end interval end, seconds since the stream start
 * @param seconds duration as iperf3 stores it: a 32-bit float
 * @param bytes bytes sent or received in the interval
 * @param omitted whether the interval lies in the {@code -O} period
 * @param hasTcpInfo whether the TCP fields below were read from TCP_INFO (sending TCP stream only)
 * @param retransmits TCP retransmits in the interval
 * @param sndCwnd congestion window in bytes (cwnd × MSS)
 * @param sndWnd send window in bytes
 * @param rtt smoothed RTT in microseconds
 * @param rttvar RTT variance in microseconds
 * @param pmtu path MTU in bytes
 * @param reorder TCP reordering events seen so far ({@code tcpi_reord_seen}, cumulative as in iperf3 3.21; -1 when the kernel has no such field)
 * @param packets UDP: datagrams sent (sender) or the rise of the highest sequence number (receiver) in the interval
 * @param lost UDP receiver: datagrams lost in the interval
 * @param outOfOrder UDP receiver: datagrams out of order in the interval
 * @param jitterSeconds UDP receiver: running jitter at the interval's end, in seconds
 */
public record IntervalRecord(
        double start,
        double end,
        float seconds,
        long bytes,
        boolean omitted,
        boolean hasTcpInfo,
        long retransmits,
        long sndCwnd,
        long sndWnd,
        long rtt,
        long rttvar,
        long pmtu,
        long reorder,
        long packets,
        long lost,
        long outOfOrder,
        double jitterSeconds) {

    /** Bits per second over the interval, as iperf3 computes it (bytes × 8 / float seconds). */
    public double bitsPerSecond() {
        return bytes * 8.0 / seconds;
    }
}
