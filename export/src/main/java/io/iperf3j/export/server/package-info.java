/**
 * A running iperf3j server's own metrics ({@code iperf3j -s --metrics.listen [HOST:]PORT}):
 * {@link io.iperf3j.export.server.ServerMetrics} counts the server's {@link io.iperf3j.ServerEvent}s,
 * {@link io.iperf3j.export.server.ServerMetricsEndpoint} serves them on {@code /metrics} (Prometheus text)
 * with {@code /health}. The series are listed in {@code docs/design/public-server.md} (3.5) and in the
 * README's server section. Exported to the {@code iperf3j} command, and to {@code iperf3j session}, whose
 * {@code --metrics.listen} serves its scheduled results through the same endpoint.
 */
package io.iperf3j.export.server;
