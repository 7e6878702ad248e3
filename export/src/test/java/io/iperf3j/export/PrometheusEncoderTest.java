package io.iperf3j.export;

import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.Role;
import io.iperf3j.WindowMetrics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class PrometheusEncoderTest {
    private static final IntervalMetrics TCP = Samples.tcp(Role.CLIENT, Direction.SENDER, 0, 1_000_000, 3);
    private static final IntervalMetrics UDP = Samples.udpReceiver(0, 100, 2);

    @Tag("tool")
    @Test
    void intervalHasHelpTypeEscapedLabelsAndNoAbsentFields() throws Exception {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("site", "a\"b\\c\nd");
        labels.put("run", "nightly");
        String text = new PrometheusEncoder("iperf3", labels, MetricNaming.PROMETHEUS).encodeInterval(TCP);

        assertThat(text).contains("# HELP iperf3_transferred_bytes ", "# TYPE iperf3_transferred_bytes gauge\n",
                "iperf3_transferred_bytes{run=\"nightly\",site=\"a\\\"b\\\\c\\nd\"} 1000000",
                "# TYPE iperf3_bandwidth_bytes_per_second gauge", "iperf3_streams{", "iperf3_omitted_intervals{",
                "iperf3_tcp_retransmits{", "iperf3_tcp_rtt_seconds{", "iperf3_tcp_rttvar_seconds{",
                "iperf3_tcp_snd_cwnd_bytes{", "iperf3_tcp_snd_wnd_bytes{", "iperf3_tcp_pmtu_bytes{");
        assertThat(text).doesNotContain("udp_", "_total", "direction=", "role=");
        assertThat(value(text, "iperf3_bandwidth_bytes_per_second")).isEqualTo(1_000_000.0);
        RealTools.assertPromtoolAccepts(text);
    }

    @Tag("tool")
    @Test
    void runTotalsAreCountersWithTotalSuffix() throws Exception {
        RunTotals totals = RunTotals.EMPTY.plus(TCP).plus(TCP);
        String text = new PrometheusEncoder().encodeInterval(TCP, totals);
        assertThat(text).contains("# TYPE iperf3_run_transferred_bytes_total counter\n",
                "# TYPE iperf3_run_tcp_retransmits_total counter\n");
        assertThat(value(text, "iperf3_run_transferred_bytes_total")).isEqualTo(2_000_000.0);
        assertThat(value(text, "iperf3_run_tcp_retransmits_total")).isEqualTo(6.0);
        assertThat(text).doesNotContain("run_udp");
        RealTools.assertPromtoolAccepts(text);

        String udp = new PrometheusEncoder().encodeInterval(UDP, RunTotals.EMPTY.plus(UDP));
        assertThat(udp).contains("iperf3_udp_packets 100", "iperf3_udp_lost_packets 2", "iperf3_udp_jitter_seconds",
                "iperf3_udp_out_of_order_packets 1", "iperf3_omitted_intervals 1", "iperf3_run_udp_lost_packets_total 2");
        assertThat(udp).doesNotContain("tcp_");
        RealTools.assertPromtoolAccepts(udp);
    }

    @Tag("tool")
    @Test
    void windowFamiliesHaveMeanMinMaxWithUnits() throws Exception {
        WindowMetrics w = WindowMetrics.aggregateWindow(List.of(TCP, Samples.tcp(Role.CLIENT, Direction.SENDER, 1, 3_000_000, 1)))
                .orElseThrow();
        String text = new PrometheusEncoder("nettest", Map.of(), MetricNaming.PROMETHEUS)
                .encodeWindow(w, RunTotals.EMPTY.plus(w));
        for (String name : List.of("nettest_window_duration_seconds", "nettest_window_transferred_bytes",
                "nettest_window_streams", "nettest_window_omitted_intervals", "nettest_window_tcp_retransmits",
                "nettest_window_bandwidth_mean_bytes_per_second", "nettest_window_bandwidth_min_bytes_per_second",
                "nettest_window_bandwidth_max_bytes_per_second", "nettest_window_tcp_rtt_mean_seconds",
                "nettest_window_tcp_rttvar_max_seconds", "nettest_window_tcp_snd_cwnd_min_bytes",
                "nettest_window_tcp_snd_wnd_mean_bytes", "nettest_window_tcp_pmtu_max_bytes",
                "nettest_run_transferred_bytes_total")) {
            assertThat(text).as(name).contains("# TYPE " + name + " ");
        }
        assertThat(value(text, "nettest_window_transferred_bytes")).isEqualTo(4_000_000.0);
        assertThat(value(text, "nettest_window_bandwidth_mean_bytes_per_second")).isEqualTo(2_000_000.0);
        assertThat(value(text, "nettest_window_bandwidth_max_bytes_per_second")).isEqualTo(3_000_000.0);
        assertThat(value(text, "nettest_window_tcp_retransmits")).isEqualTo(4.0);
        assertThat(text).doesNotContain("udp_jitter");
        RealTools.assertPromtoolAccepts(text);

        WindowMetrics uw = WindowMetrics.aggregateWindow(List.of(UDP, Samples.udpReceiver(1, 50, 0))).orElseThrow();
        String udp = new PrometheusEncoder().encodeWindow(uw);
        assertThat(udp).contains("iperf3_window_udp_jitter_mean_seconds", "iperf3_window_udp_packets 150",
                "iperf3_window_udp_lost_packets 2", "iperf3_window_omitted_intervals 1");
        RealTools.assertPromtoolAccepts(udp);
    }

    @Tag("tool")
    @Test
    void iperf3RsNamingIsExactAndPromtoolObjectsOnlyToItsFourDocumentedNames() throws Exception {
        PrometheusEncoder rs = new PrometheusEncoder("iperf3", Map.of(), MetricNaming.IPERF3_RS);
        String interval = rs.encodeInterval(TCP);
        assertThat(interval).contains("# TYPE iperf3_bandwidth_bits_per_second gauge", "# TYPE iperf3_stream_count gauge");
        assertThat(value(interval, "iperf3_bandwidth_bits_per_second")).isEqualTo(8_000_000.0);
        assertThat(RealTools.promtool(interval).output().lines().sorted().toList()).containsExactly(
                "iperf3_bandwidth_bits_per_second use base unit \"bytes\" instead of \"bits\"",
                "iperf3_stream_count non-histogram and non-summary metrics should not have \"_count\" suffix");

        String window = rs.encodeWindow(WindowMetrics.aggregateWindow(List.of(TCP)).orElseThrow());
        assertThat(window).contains("iperf3_window_bandwidth_mean_bits_per_second", "iperf3_window_stream_count");
        RealTools.PromtoolResult r = RealTools.promtool(window);
        assertThat(r.exitCode()).as("lint findings only, no parse error: %s", r.output()).isEqualTo(3);
        assertThat(r.output().lines()).allMatch(l -> l.startsWith("iperf3_window_bandwidth_")
                || l.startsWith("iperf3_window_stream_count "));
    }

    @Test
    void rejectsBadPrefixAndLabels() {
        assertThatThrownBy(() -> new PrometheusEncoder("9x", Map.of(), MetricNaming.PROMETHEUS))
                .hasMessageContaining("invalid metric prefix '9x'");
        assertThatThrownBy(() -> new PrometheusEncoder("a:b", Map.of(), MetricNaming.PROMETHEUS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PrometheusEncoder("x", Map.of("bad-name", "v"), MetricNaming.PROMETHEUS))
                .hasMessageContaining("invalid label name 'bad-name'");
        assertThatThrownBy(() -> new PrometheusEncoder("x", Map.of("site", ""), MetricNaming.PROMETHEUS))
                .hasMessageContaining("must not be empty");
    }

    /** The value of an unlabelled or labelled single-sample family. */
    static double value(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in\n" + text));
    }
}
