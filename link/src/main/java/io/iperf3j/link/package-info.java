/**
 * A UDP message link after legume's model: a {@link io.iperf3j.link.LinkClient} connects to a
 * {@link io.iperf3j.link.LinkServer}; both exchange user messages (Java records registered in
 * {@link io.iperf3j.link.MessageTypes}) unreliably, reliably or reliably in order, several to a
 * datagram of at most {@value io.iperf3j.link.LinkConfig#MTU} bytes. Every endpoint keeps live
 * {@link io.iperf3j.link.LinkMetrics}, which {@code publishTo} hands to a core
 * {@link io.iperf3j.MetricsStream} as {@link io.iperf3j.MetricEvent.Gauges} for the export module.
 * {@link io.iperf3j.link.LatencyProbe} and
 * {@link io.iperf3j.link.ProbeResponder} are the ping/pong probe for latency-under-load tests.
 *
 * <p>Threads: an endpoint is driven either by its owner calling {@code update()} (one thread,
 * a game loop or a test) or by {@code startBackground()}, where one daemon thread per endpoint
 * runs the same {@code update()} when the socket is readable or a timer is due. Listeners and
 * {@code publishTo}'s rounds run on the thread that runs {@code update()}. {@code send}, {@code metrics()} and {@code state()}
 * may be called from any thread. Wire format and design: docs/design/link.md.
 */
package io.iperf3j.link;
