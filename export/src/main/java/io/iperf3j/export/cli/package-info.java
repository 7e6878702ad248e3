/**
 * The {@code iperf3j} command's metrics options: {@link io.iperf3j.export.cli.MetricsOption}
 * rows of the one option table ({@code --push.*}, {@code --remote-write.*}, {@code --metrics.*}), read with
 * {@code IPERF3_PUSH_*}/{@code IPERF3_REMOTE_WRITE_*}/{@code IPERF3_METRICS_*} variables by
 * {@link io.iperf3j.export.cli.MetricsOptions}, {@link io.iperf3j.export.cli.CliMetrics} runs the sinks for one run.
 */
package io.iperf3j.export.cli;
