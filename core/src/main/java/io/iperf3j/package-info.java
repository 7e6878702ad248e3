/**
 * The iperf3j library: the only package of {@code iperf3j-core} a program should use.
 *
 * <p>{@link io.iperf3j.IperfCommand} builds a client or server run from iperf3's options;
 * {@link io.iperf3j.IperfCommand#run()} blocks for an {@link io.iperf3j.IperfResult},
 * {@link io.iperf3j.IperfCommand#spawn()} returns a {@link io.iperf3j.RunningIperf} that can be
 * awaited or cancelled. Live figures come as {@link io.iperf3j.MetricEvent}s
 * ({@link io.iperf3j.IntervalMetrics}, {@link io.iperf3j.WindowMetrics}) through a bounded
 * {@link io.iperf3j.MetricsStream}. Other parts of iperf3j (the UDP message link, a latency
 * probe) publish named {@link io.iperf3j.MetricEvent.Gauges} into a stream of their user's
 * ({@link io.iperf3j.MetricsStream#open(int)}), which the export module writes as Prometheus
 * gauges like the engine's events. A server reports what it does with its clients as
 * {@link io.iperf3j.ServerEvent}s to its {@link io.iperf3j.ServerEvents} listeners (its operator
 * log; the export module's {@code /metrics}).
 *
 * <p>Threads: the builders are used on the caller's thread; each run owns one test thread
 * (plus one platform thread per data stream) and shares nothing with other runs, so any
 * number can run at once in one JVM. A {@code MetricsStream} may be fed and read from any threads.
 *
 * <p>Everything under {@code io.iperf3j.internal} is the engine's implementation: module
 * {@code io.iperf3j.core} does not export it (only a few packages, to the {@code iperf3j}
 * command: see {@code docs/design/package-map.md}); it is not part of the API and changes
 * without notice.
 */
package io.iperf3j;
