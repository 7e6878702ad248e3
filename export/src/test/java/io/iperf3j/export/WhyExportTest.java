package io.iperf3j.export;

import io.iperf3j.Cause;
import io.iperf3j.Direction;
import io.iperf3j.MetricEvent;
import io.iperf3j.Role;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What held a test back ({@code --why}, {@code -V}; docs/design/why.md) in a client's metrics: the family
 * {@code iperf3j_test_limited{cause,sender}}, 1 for the verdict's cause and 0 for the others, beside the samples in a
 * Prometheus file, and one {@code "event":"why"} line in JSONL.
 */
@Timeout(60)
class WhyExportTest {
    @Tag("tool")
    @Test
    void aGaugePerCauseAndSideOneForTheVerdicts() throws Exception {
        PrometheusEncoder enc = new PrometheusEncoder("iperf3", Map.of("site", "lab", "cause", "fixed"),
                MetricNaming.PROMETHEUS);
        String text = enc.encodeTogether(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 0,
                1_000_000, 0)), RunTotals.EMPTY, List.of(), Verdicts.why(Cause.RECEIVER_WINDOW, Cause.PATH));
        assertThat(text).contains("# TYPE iperf3j_test_limited gauge\n",
                "iperf3j_test_limited{cause=\"receiver_window\",sender=\"client\",site=\"lab\"} 1.0\n",
                "iperf3j_test_limited{cause=\"path\",sender=\"client\",site=\"lab\"} 0.0\n",
                "iperf3j_test_limited{cause=\"path\",sender=\"server\",site=\"lab\"} 1.0\n",
                "iperf3j_test_limited{cause=\"receiver_buffer\",sender=\"server\",site=\"lab\"} 0.0\n",
                "iperf3_transferred_bytes{");
        // every cause once per side; the fixed label "cause" gives way to the verdict's
        assertThat(text.lines().filter(l -> l.startsWith("iperf3j_test_limited{"))).hasSize(2 * Cause.values().length);
        assertThat(text.lines().filter(l -> l.startsWith("iperf3j_test_limited{") && l.contains("fixed"))).isEmpty();
        assertThat(text.lines().filter(l -> l.startsWith("iperf3j_test_limited{") && l.endsWith(" 1.0"))).hasSize(2);
        RealTools.assertPromtoolAccepts(text);
        assertThat(enc.encodeTogether(null, null, List.of(), null)).doesNotContain("limited");
    }

    @Test
    void aPrometheusFileKeepsTheVerdictBesideTheLatestSample(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("m.prom");
        try (MetricsFileSink sink = new MetricsFileSink(p, MetricsFileFormat.PROMETHEUS, new PrometheusEncoder())) {
            sink.write(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 0, 1000, 0)));
            assertThat(Files.readString(p)).doesNotContain("iperf3j_test_limited");
            sink.why(Verdicts.why(Cause.SENDER_CPU));
            assertThat(Files.readString(p)).contains("iperf3j_test_limited{cause=\"sender_cpu\",sender=\"client\"} 1.0")
                    .contains("iperf3_transferred_bytes 1000");
            sink.write(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 1, 2000, 0)));
            assertThat(Files.readString(p)).contains("iperf3j_test_limited{cause=\"sender_cpu\",sender=\"client\"} 1.0")
                    .contains("iperf3_transferred_bytes 2000");
        }
    }

    @Test
    void aJsonlFileGetsOneWhyLine(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("m.jsonl");
        try (MetricsFileSink sink = new MetricsFileSink(p, MetricsFileFormat.JSONL, new PrometheusEncoder())) {
            sink.write(new MetricEvent.Interval(Samples.tcp(Role.CLIENT, Direction.SENDER, 0, 1000, 0)));
            sink.why(Verdicts.why(Cause.RECEIVER_BUFFER, Cause.PACING));
        }
        List<String> lines = Files.readAllLines(p);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).isEqualTo("{\"schema_version\":1,\"event\":\"why\",\"directions\":["
                + "{\"sender\":\"client\",\"cause\":\"receiver_buffer\",\"headline\":\"limited by the receiver's socket buffer\"},"
                + "{\"sender\":\"server\",\"cause\":\"pacing\",\"headline\":\"limited by the pacing\"}]}");
    }
}
