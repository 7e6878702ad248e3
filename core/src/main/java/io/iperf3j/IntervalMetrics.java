package io.iperf3j;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One reporting interval of one direction of a test, as iperf3 reports it: the sum
 * over the streams of that direction (or a single stream, see {@link #streamId()}).
 * Protocol fields are absent, never a made-up zero, when the protocol or this side
 * does not measure them: TCP figures come from the sender's TCP_INFO, UDP loss and
 * jitter from the receiver.
 *
 * @param role the side that measured
 * @param direction whether the bytes were sent or received by that side
 * @param transport TCP or UDP
 * @param timestampUnixSeconds wall-clock time the sample was taken
 * @param startSeconds interval start, seconds since the test (or the end of {@code -O}) began
 * @param endSeconds interval end
 * @param durationSeconds interval length (iperf3's float {@code seconds})
 * @param transferredBytes bytes moved in the interval
 * @param bandwidthBitsPerSecond {@code transferredBytes * 8 / durationSeconds}
 * @param streamCount streams summed in this sample
 * @param omitted whether the interval is in the {@code -O} warm-up
 * @param streamId the stream's iperf3 id for a per-stream sample; empty for a sum
 * @param tcpRetransmits retransmits in the interval (TCP sender)
 * @param tcpRttSeconds smoothed RTT, mean over streams (TCP sender)
 * @param tcpRttvarSeconds RTT variance, mean over streams (TCP sender)
 * @param tcpSndCwndBytes congestion window, mean over streams (TCP sender)
 * @param tcpSndWndBytes send window, mean over streams with a positive value (TCP sender)
 * @param tcpPmtuBytes path MTU, mean over streams (TCP sender)
 * @param udpPackets datagrams sent (sender) or the rise of the highest sequence (receiver)
 * @param udpLostPackets datagrams lost (UDP receiver)
 * @param udpOutOfOrderPackets datagrams out of order (UDP receiver)
 * @param udpJitterSeconds jitter at the interval's end, mean over streams (UDP receiver)
 */
public record IntervalMetrics(
        Role role,
        Direction direction,
        Transport transport,
        double timestampUnixSeconds,
        double startSeconds,
        double endSeconds,
        double durationSeconds,
        long transferredBytes,
        double bandwidthBitsPerSecond,
        int streamCount,
        boolean omitted,
        OptionalInt streamId,
        OptionalLong tcpRetransmits,
        OptionalDouble tcpRttSeconds,
        OptionalDouble tcpRttvarSeconds,
        OptionalDouble tcpSndCwndBytes,
        OptionalDouble tcpSndWndBytes,
        OptionalDouble tcpPmtuBytes,
        OptionalLong udpPackets,
        OptionalLong udpLostPackets,
        OptionalLong udpOutOfOrderPackets,
        OptionalDouble udpJitterSeconds) {
}
