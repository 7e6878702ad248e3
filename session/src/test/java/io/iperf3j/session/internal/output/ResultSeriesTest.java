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
    private static final Plan.Test TEST = new Plan.Test("m_a-b", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1);

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
        assertThat(pushed).hasSize(ResultSeries.values().length - 3); // no jitter, loss, or verdict
    }

    /**
     * What held each direction back ({@code --why}): one 1-valued {@code iperf3j_session_test_limited} per direction
     * with {@code from}, {@code to} and {@code cause}, pushed and served alike; none for a failed run.
     */
    @Test
    void eachDirectionsCauseIsASeriesPushedAndServedAlike() {
        RunFigures f = new RunFigures(1, true, 4e7, 4e7, 15_000_000, OptionalLong.of(0), OptionalDouble.of(0.1),
                OptionalDouble.empty(), OptionalDouble.empty(), 3.2, 1_795_708_916.5,
                List.of(new RunFigures.Limit("a", "b", io.iperf3j.Cause.RECEIVER_WINDOW),
                        new RunFigures.Limit("b", "a", io.iperf3j.Cause.NOT_DETERMINED)));
        String pushed = ResultPush.exposition(f);
        assertThat(pushed).contains("# TYPE iperf3j_session_test_limited gauge\n",
                "iperf3j_session_test_limited{from=\"a\",to=\"b\",cause=\"receiver_window\"} 1.",
                "iperf3j_session_test_limited{from=\"b\",to=\"a\",cause=\"not_determined\"} 1.");
        SessionMetrics metrics = new SessionMetrics(List.of(TEST));
        metrics.ran(TEST.id(), f);
        String served = PrometheusEncoder.encode(metrics.snapshots());
        List<String> limited = served.lines().filter(l -> l.startsWith("iperf3j_session_test_limited{")).toList();
        assertThat(limited).hasSize(2).anySatisfy(l -> assertThat(l).contains("cause=\"receiver_window\"", "from=\"a\"", "to=\"b\"",
                "id=\"m_a-b\"", "sender=\"a\"", "receiver=\"b\"")).anySatisfy(l -> assertThat(l).contains("cause=\"not_determined\""));
        assertThat(ResultPush.exposition(new RunFigures(2, false, 0, 0, 0, OptionalLong.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), 1, 1))).doesNotContain("test_limited");
    }

    /**
     * promtool finds nothing to say of the per-cause series, pushed or served. (It says "use base unit bytes instead of
     * bits" of the two rates, named as iperf3's {@code bits_per_second} since issue 15; that is all it says.)
     */
    @Test
    @org.junit.jupiter.api.Tag("tool")
    @org.junit.jupiter.api.Timeout(60)
    void promtoolAcceptsBothExpositions() throws Exception {
        RunFigures f = new RunFigures(1, true, 4e7, 4e7, 15_000_000, OptionalLong.of(0), OptionalDouble.of(0.1),
                OptionalDouble.empty(), OptionalDouble.empty(), 3.2, 1_795_708_916.5,
                List.of(new RunFigures.Limit("a", "b", io.iperf3j.Cause.PATH), new RunFigures.Limit("b", "a", io.iperf3j.Cause.PACING)));
        SessionMetrics metrics = new SessionMetrics(List.of(TEST));
        metrics.ran(TEST.id(), f);
        for (String exposition : List.of(ResultPush.exposition(f), PrometheusEncoder.encode(metrics.snapshots()))) {
            java.nio.file.Path promtool = java.nio.file.Path.of("/usr/bin/promtool");
            assertThat(promtool).as("apt-get install prometheus (.ci/run does this)").isExecutable();
            Process p = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(exposition.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            String said = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(said.lines().filter(l -> !l.isBlank())).as("%s%n%s", said, exposition).allSatisfy(l -> assertThat(l)
                    .matches("iperf3j_session_(received|sent)_bits_per_second use base unit \"bytes\" instead of \"bits\""));
        }
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
