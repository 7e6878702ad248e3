package io.iperf3j.export;

import io.iperf3j.MetricEvent;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MetricEvent.Gauges} (the UDP message link's, a latency probe's) in the encoder and the metrics file. */
@Timeout(60)
class GaugesExportTest {
    @TempDir
    Path dir;

    static MetricEvent.Gauges link(String instance, double rttP50, double pendingAcks) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("latency_seconds", Double.NaN); // not known yet: left out
        v.put("rtt_p50_seconds", rttP50);
        v.put("pending_acks", pendingAcks);
        v.put("in_bytes", 1_234_567.0);
        return new MetricEvent.Gauges("link_server", instance, 42, v);
    }

    @Tag("tool")
    @Test
    void gaugeSetsBecomeOneFamilyPerKeyWithAnInstanceLabelAndPassPromtool() throws Exception {
        Map<String, String> fixed = new LinkedHashMap<>();
        fixed.put("site", "lab");
        fixed.put("instance", "overridden");
        PrometheusEncoder encoder = new PrometheusEncoder("custom", fixed, MetricNaming.PROMETHEUS);
        String text = encoder.encodeGauges(List.of(link("10.232.0.2:40001", 41e-6, 3), link("[fd00::2]:40002", 52e-6, 0),
                link("10.232.0.2:40001", 40e-6, 1))); // the later set of an instance counts
        assertThat(text).contains("# TYPE iperf3j_link_server_rtt_p50_seconds gauge\n",
                "# HELP iperf3j_link_server_rtt_p50_seconds rtt p50 seconds (link server), by instance.\n",
                "iperf3j_link_server_pending_acks{instance=\"10.232.0.2:40001\",site=\"lab\"} 1.0\n",
                "iperf3j_link_server_pending_acks{instance=\"[fd00::2]:40002\",site=\"lab\"} 0.0\n",
                "iperf3j_link_server_rtt_p50_seconds{instance=\"10.232.0.2:40001\",site=\"lab\"} 4.0E-5\n",
                "iperf3j_link_server_in_bytes{instance=\"[fd00::2]:40002\",site=\"lab\"} 1234567.0\n");
        assertThat(text).doesNotContain("latency_seconds", "NaN", "custom_", "overridden");
        assertThat(text.lines().filter(l -> l.startsWith("# TYPE iperf3j_link_server_pending_acks"))).hasSize(1);
        RealTools.assertPromtoolAccepts(text);
        // One event through the general entry point: its own families only, no run totals.
        String one = encoder.encode(link("a:1", 1e-3, 2), RunTotals.EMPTY.plus(link("a:1", 1, 1)));
        assertThat(one).contains("iperf3j_link_server_pending_acks{instance=\"a:1\",site=\"lab\"} 2.0").doesNotContain("_total");
        RealTools.assertPromtoolAccepts(one);
    }

    @Tag("tool")
    @Test
    void theLinksOwnFigureNamesPassPromtool() throws Exception {
        // The keys LinkMetrics.gauges() uses (module link), so the link's exposition is promtool-clean.
        Map<String, Double> v = new LinkedHashMap<>();
        for (String k : List.of("latency_seconds", "rtt_samples", "rtt_p50_seconds", "rtt_p90_seconds", "rtt_p99_seconds",
                "rtt_max_seconds", "retransmit_timeout_seconds", "out_buffer_bytes", "pending_acks", "in_bytes", "out_bytes",
                "in_packets", "out_packets", "in_messages", "out_messages", "keepalives", "reorder_queue", "resends",
                "duplicates_dropped", "pings_sent", "pings_lost", "malformed_datagrams")) {
            v.put(k, 1.0);
        }
        String text = new PrometheusEncoder().encodeGauges(List.of(new MetricEvent.Gauges("link_client", "127.0.0.1:5301", 0, v)));
        assertThat(text.lines().filter(l -> l.startsWith("iperf3j_link_client_"))).hasSize(22);
        RealTools.assertPromtoolAccepts(text);
    }

    @Tag("tool")
    @Test
    void metricsFilesWriteGaugeSets() throws Exception {
        Path jsonl = dir.resolve("g.jsonl");
        try (MetricsFileSink sink = new MetricsFileSink(jsonl, MetricsFileFormat.JSONL, new PrometheusEncoder())) {
            sink.write(link("10.232.0.2:40001", 41e-6, 3));
        }
        assertThat(Files.readString(jsonl)).isEqualTo("{\"schema_version\":1,\"event\":\"gauges\",\"source\":\"link_server\","
                + "\"instance\":\"10.232.0.2:40001\",\"monotonic_nanos\":42,\"values\":{\"latency_seconds\":null,"
                + "\"rtt_p50_seconds\":4.1E-5,\"pending_acks\":3.0,\"in_bytes\":1234567.0}}\n");

        Path prom = dir.resolve("g.prom");
        try (MetricsFileSink sink = new MetricsFileSink(prom, MetricsFileFormat.PROMETHEUS, new PrometheusEncoder())) {
            sink.write(link("10.232.0.2:40001", 41e-6, 3));
            sink.write(link("10.232.0.3:40001", 41e-6, 7));
            sink.write(link("10.232.0.2:40001", 41e-6, 0));
        }
        String text = Files.readString(prom);
        // The file replaces itself, yet holds every instance's latest set.
        assertThat(text).contains("iperf3j_link_server_pending_acks{instance=\"10.232.0.2:40001\"} 0.0",
                "iperf3j_link_server_pending_acks{instance=\"10.232.0.3:40001\"} 7.0");
        RealTools.assertPromtoolAccepts(text);
    }

    @Test
    void gaugeSetsPassTheHalfSelectionAndCountNoTotals() {
        assertThat(new HalfSelection().accept(link("a:1", 1, 1))).isTrue();
        assertThat(RunTotals.EMPTY.plus(link("a:1", 1, 1))).isEqualTo(RunTotals.EMPTY);
    }

    @Test
    void gaugeSetsKeepTheLatestPerInstanceAndForgetTheStalestBeyondTheBound() {
        GaugeSets sets = new GaugeSets();
        for (int i = 0; i < GaugeSets.MAX_INSTANCES + 5; i++) {
            sets.update(link("h:" + i, 1, i));
        }
        List<MetricEvent.Gauges> all = sets.update(link("h:10", 1, -1));
        assertThat(all).hasSize(GaugeSets.MAX_INSTANCES);
        assertThat(all.getFirst().instance()).isEqualTo("h:5"); // 0..4 were updated longest ago
        assertThat(all.getLast()).isEqualTo(link("h:10", 1, -1));
    }
}
