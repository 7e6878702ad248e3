/**
 * Live metrics out of iperf3j: a Prometheus text encoder ({@link io.iperf3j.export.PrometheusEncoder}),
 * Pushgateway push ({@link io.iperf3j.export.PushGatewaySink}), Prometheus remote write
 * ({@link io.iperf3j.export.RemoteWriteClient}, {@link io.iperf3j.export.RemoteWriteSink}: the same
 * families, every interval's samples stamped at its end), metrics files
 * ({@link io.iperf3j.export.MetricsFileSink}), the {@code iperf3j} command's
 * {@code --push.*}/{@code --metrics.*} options ({@code io.iperf3j.export.cli}, for the command only) and an
 * iperf3_exporter-style scrape endpoint ({@link io.iperf3j.export.exporter}); a running server's own
 * {@code /metrics} ({@code io.iperf3j.export.server}, for the {@code iperf3j} command: {@code --metrics.listen}).
 *
 * <h2>Metric families</h2>
 *
 * <p>Names follow iperf3-rs with prefix {@code <p>} (default {@code iperf3}). Every
 * family has {@code # HELP} and {@code # TYPE}; samples carry only the fixed labels
 * (push: the grouping key; remote write: its external labels; Prometheus file: {@code --metrics.label}s). Families of
 * fields a sample lacks (TCP fields on a receiver, UDP fields in TCP, ...) are left
 * out, never written as 0. {@code promtool check metrics} accepts every
 * exposition without a finding; {@link io.iperf3j.export.MetricNaming#IPERF3_RS}
 * gives iperf3-rs's four names promtool objects to (bandwidth in bits, {@code _stream_count}).
 *
 * <table>
 * <caption>Interval samples (push every interval, Prometheus file)</caption>
 * <tr><th>family</th><th>type</th><th>value</th></tr>
 * <tr><td>{@code <p>_transferred_bytes}</td><td>gauge</td><td>bytes moved in the last interval</td></tr>
 * <tr><td>{@code <p>_bandwidth_bytes_per_second}</td><td>gauge</td><td>throughput of the interval
 *     ({@code _bandwidth_bits_per_second} in bits with iperf3-rs names)</td></tr>
 * <tr><td>{@code <p>_streams}</td><td>gauge</td><td>streams summed ({@code _stream_count})</td></tr>
 * <tr><td>{@code <p>_omitted_intervals}</td><td>gauge</td><td>1 in the {@code -O} warm-up, else 0</td></tr>
 * <tr><td>{@code <p>_tcp_retransmits}</td><td>gauge</td><td>retransmits in the interval (TCP sender)</td></tr>
 * <tr><td>{@code <p>_tcp_rtt_seconds}, {@code <p>_tcp_rttvar_seconds}</td><td>gauge</td><td>mean over streams (TCP sender)</td></tr>
 * <tr><td>{@code <p>_tcp_snd_cwnd_bytes}, {@code <p>_tcp_snd_wnd_bytes}, {@code <p>_tcp_pmtu_bytes}</td><td>gauge</td>
 *     <td>mean over streams (TCP sender)</td></tr>
 * <tr><td>{@code <p>_udp_packets}</td><td>gauge</td><td>datagrams in the interval</td></tr>
 * <tr><td>{@code <p>_udp_lost_packets}, {@code <p>_udp_out_of_order_packets}</td><td>gauge</td>
 *     <td>in the interval (UDP receiver)</td></tr>
 * <tr><td>{@code <p>_udp_jitter_seconds}</td><td>gauge</td><td>mean over streams (UDP receiver)</td></tr>
 * </table>
 *
 * <table>
 * <caption>Windows ({@code --push.interval})</caption>
 * <tr><th>family</th><th>type</th><th>value</th></tr>
 * <tr><td>{@code <p>_window_duration_seconds}</td><td>gauge</td><td>sum of the intervals' durations</td></tr>
 * <tr><td>{@code <p>_window_transferred_bytes}</td><td>gauge</td><td>bytes in the window</td></tr>
 * <tr><td>{@code <p>_window_streams}</td><td>gauge</td><td>streams ({@code _window_stream_count})</td></tr>
 * <tr><td>{@code <p>_window_omitted_intervals}</td><td>gauge</td><td>intervals in the warm-up</td></tr>
 * <tr><td>{@code <p>_window_bandwidth_{mean,min,max}_bytes_per_second}</td><td>gauge</td>
 *     <td>mean = total bytes / total time ({@code _bits_per_second} with iperf3-rs names)</td></tr>
 * <tr><td>{@code <p>_window_{tcp_rtt,tcp_rttvar,udp_jitter}_{mean,min,max}_seconds}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code <p>_window_{tcp_snd_cwnd,tcp_snd_wnd,tcp_pmtu}_{mean,min,max}_bytes}</td><td>gauge</td><td></td></tr>
 * <tr><td>{@code <p>_window_tcp_retransmits}, {@code <p>_window_udp_packets},
 *     {@code <p>_window_udp_lost_packets}, {@code <p>_window_udp_out_of_order_packets}</td><td>gauge</td>
 *     <td>sums over the window</td></tr>
 * </table>
 *
 * <table>
 * <caption>Run totals (push and Prometheus file, both modes)</caption>
 * <tr><th>family</th><th>type</th><th>value</th></tr>
 * <tr><td>{@code <p>_run_transferred_bytes_total}</td><td>counter</td><td>bytes since the sink started</td></tr>
 * <tr><td>{@code <p>_run_tcp_retransmits_total}</td><td>counter</td><td>TCP retransmits (sender)</td></tr>
 * <tr><td>{@code <p>_run_udp_packets_total}, {@code <p>_run_udp_lost_packets_total},
 *     {@code <p>_run_udp_out_of_order_packets_total}</td><td>counter</td><td>UDP datagrams</td></tr>
 * </table>
 *
 * <table>
 * <caption>Gauge sets ({@link io.iperf3j.MetricEvent.Gauges}: the UDP message link, a latency probe)</caption>
 * <tr><th>family</th><th>type</th><th>value</th></tr>
 * <tr><td>{@code iperf3j_<source>_<key>}</td><td>gauge</td><td>one sample per instance, label
 *     {@code instance="<instance>"} plus the fixed labels; e.g. {@code iperf3j_link_client_rtt_p50_seconds},
 *     {@code iperf3j_link_server_pending_acks}. Always the prefix {@code iperf3j}; non-finite values are left out;
 *     an exposition holds the latest set of every instance seen</td></tr>
 * </table>
 *
 * <h2>Counter or gauge</h2>
 *
 * <p>A Prometheus counter is a running total that only grows (and resets when its
 * process restarts). iperf3-rs's per-interval and per-window families are not:
 * {@code _transferred_bytes} is the bytes of <em>the last</em> interval and goes up
 * and down, so they stay gauges (typing them as counters would make
 * {@code rate()} read every drop as a counter reset), under iperf3-rs's names. The
 * true counters are the extra {@code _run_*_total} families: sums since the sink
 * started, computed before any queueing, so a push replaced in the latest-wins
 * queue or a missed scrape loses nothing: {@code rate(iperf3_run_transferred_bytes_total[1m]) * 8}
 * is the bit rate. A counter cannot share its base name with a gauge (client_java
 * and OpenMetrics forbid {@code X} next to {@code X_total}), hence the {@code run_} infix.
 *
 * <h2>Which samples</h2>
 *
 * <p>As iperf3-rs, an exposition describes one direction per side: sums only, and
 * in {@code --bidir} the client's sending half and the server's receiving half
 * (both halves would be the same series). JSONL files get every event.
 */
package io.iperf3j.export;
