package io.iperf3j.export;

/**
 * Which names the interval and window families get. The two schemes differ only
 * in the families that {@code promtool check metrics} rejects under iperf3-rs's
 * names; everything else is named as iperf3-rs names it.
 *
 * <table>
 * <caption>Families that differ</caption>
 * <tr><th>{@link #PROMETHEUS} (default)</th><th>{@link #IPERF3_RS}</th><th>promtool's objection</th></tr>
 * <tr><td>{@code _bandwidth_bytes_per_second}</td><td>{@code _bandwidth_bits_per_second}</td>
 *     <td>use base unit "bytes" instead of "bits"</td></tr>
 * <tr><td>{@code _streams}</td><td>{@code _stream_count}</td>
 *     <td>non-histogram metrics should not have a "_count" suffix</td></tr>
 * <tr><td>{@code _window_bandwidth_{mean,min,max}_bytes_per_second}</td>
 *     <td>{@code _window_bandwidth_{mean,min,max}_bits_per_second}</td><td>as above</td></tr>
 * <tr><td>{@code _window_streams}</td><td>{@code _window_stream_count}</td><td>as above</td></tr>
 * </table>
 */
public enum MetricNaming {
    /** Names {@code promtool check metrics} accepts without a finding; bandwidth in bytes per second. */
    PROMETHEUS,
    /** iperf3-rs's exact names (bandwidth in bits per second); promtool lints the four families above. */
    IPERF3_RS;

    /**
     * Parses {@code prometheus} or {@code iperf3-rs} (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static MetricNaming parse(String text) {
        return switch (text.trim()) {
            case "prometheus" -> PROMETHEUS;
            case "iperf3-rs" -> IPERF3_RS;
            default -> throw new IllegalArgumentException("must be one of prometheus or iperf3-rs");
        };
    }

    /** The name {@link #parse(String)} reads. */
    public String cliName() {
        return this == PROMETHEUS ? "prometheus" : "iperf3-rs";
    }
}
