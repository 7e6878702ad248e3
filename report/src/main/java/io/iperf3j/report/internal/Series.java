package io.iperf3j.report.internal;

import java.util.Map;

/**
 * One line of a run's charts: the sum or one stream, as one side measured it, with every
 * per-interval metric the input carried (aligned with the view's intervals; NaN where the
 * interval had no value).
 *
 * @param name "sum" or "stream SOCKET"
 * @param stream true for a stream, false for a sum
 * @param clientToServer the direction of the data (client to server, or server to client)
 * @param sender whether the side that wrote this view sends this direction's data
 * @param metrics metric name (iperf3's JSON key, e.g. bits_per_second) to values, in insertion order
 */
public record Series(String name, boolean stream, boolean clientToServer, boolean sender, Map<String, double[]> metrics) {
}
