package io.iperf3j.session.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.export.PrometheusEncoder;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestSpec;
import io.iperf3j.session.internal.result.RunFigures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Push and {@code /metrics} take their names from one table (issue 45): one run's figures pushed and served
 * give the same series with the same values; {@code /metrics} adds only its counters.
 */
class ResultSeriesTest {
    private static final Plan.Test TEST = new Plan.Test("m_a-b", "a", "b", "up", TestSpec.tcp(1), 1);

    @Test
    void aRunPushedAndServedIsTheSameSeries() {
        RunFigures f = new RunFigures(3, true, 9.4e8, 9.5e8, 117_500_000, OptionalLong.of(12), OptionalDouble.of(0.0021),
                OptionalDouble.empty(), OptionalDouble.empty(), 1.31, 1_795_708_916.5);
        Map<String, Double> pushed = values(ResultPush.exposition(f), "");
        SessionMetrics metrics = new SessionMetrics(List.of(TEST));
        metrics.ran(TEST.id(), f);
        Map<String, Double> served = values(PrometheusEncoder.encode(metrics.snapshots()), "{");
        served.keySet().removeIf(n -> n.endsWith("_total") || n.endsWith("_created"));
        assertThat(served).isEqualTo(pushed);
        assertThat(pushed).containsEntry("iperf3j_session_test_success", 1.0)
                .containsEntry("iperf3j_session_received_bytes", 1.175e8)
                .containsEntry("iperf3j_session_retransmits", 12.0)
                .containsEntry("iperf3j_session_last_run", 3.0)
                .doesNotContainKey("iperf3j_session_jitter_seconds"); // a TCP run has no UDP figures
        assertThat(pushed).hasSize(ResultSeries.values().length - 2);
    }

    /** Sample values by metric name, from an exposition's sample lines (name then {@code sep}). */
    private static Map<String, Double> values(String exposition, String sep) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : exposition.lines().toList()) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int end = sep.isEmpty() ? line.indexOf(' ') : line.indexOf(sep);
            String name = line.substring(0, end);
            out.put(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
        return out;
    }
}
