package io.iperf3j;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A sum or a stream of an interval, or a sum of {@code end}, in iperf3's units. A figure the input does not
 * hold as a number (absent, {@code null} for NaN, a string) is NaN or empty, never 0; a count printed as
 * 2^64 − 1 (iperf3 3.12's −1) is empty.
 *
 * @param socket the stream's socket; empty for a sum
 * @param start seconds since the test began
 * @param end seconds since the test began
 * @param seconds the interval's length ({@code end - start} when absent)
 * @param bytes bytes moved
 * @param bitsPerSecond rate
 * @param sender whether the side that printed it sent these bytes
 * @param omitted in the {@code -O} warm-up
 * @param retransmits TCP sender
 * @param sndCwnd TCP sender's congestion window, bytes
 * @param sndWnd TCP sender's send window, bytes
 * @param rttMicros TCP sender's smoothed RTT, µs
 * @param rttvarMicros TCP sender's RTT variance, µs
 * @param pmtu TCP sender's path MTU
 * @param reorder TCP reordering seen
 * @param jitterMillis UDP receiver's jitter, ms
 * @param lostPackets UDP receiver's lost datagrams
 * @param packets UDP datagrams
 * @param lostPercent UDP loss, percent
 * @param outOfOrder UDP datagrams out of order
 */
public record IperfSample(OptionalInt socket, double start, double end, double seconds, long bytes, double bitsPerSecond,
                          boolean sender, boolean omitted, OptionalLong retransmits, OptionalLong sndCwnd,
                          OptionalLong sndWnd, OptionalLong rttMicros, OptionalLong rttvarMicros, OptionalLong pmtu,
                          OptionalLong reorder, OptionalDouble jitterMillis, OptionalLong lostPackets,
                          OptionalLong packets, OptionalDouble lostPercent, OptionalLong outOfOrder) {
}
