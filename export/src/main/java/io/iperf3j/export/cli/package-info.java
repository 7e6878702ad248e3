/**
 * The {@code iperf3j} command's metrics options: {@link io.iperf3j.export.cli.WrapperOptionParser}
 * takes iperf3-rs's {@code --push.*}/{@code --metrics.*} flags and {@code IPERF3_PUSH_*}/{@code IPERF3_METRICS_*}
 * variables off the command line, {@link io.iperf3j.export.cli.CliMetrics} runs the sinks for one run.
 */
package io.iperf3j.export.cli;
