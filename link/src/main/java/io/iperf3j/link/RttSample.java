package io.iperf3j.link;

/**
 * One probe round trip.
 *
 * @param sentNanos when the ping left, on the link's monotonic clock ({@link LinkConfig#clock()})
 * @param rttNanos  how long until its pong arrived
 */
public record RttSample(long sentNanos, long rttNanos) {
}
