package io.iperf3j.session.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.export.PrometheusEncoder;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;
import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.result.RunFigures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An agent's {@code /metrics} ({@link AgentArchives}): a session's series over the tests this host sends only (a fleet's
 * agents each serve their own, so none shows another's tests at 0 runs), and its heartbeat: none before a run ended, then the
 * last run's end in Unix seconds, labelled with the host.
 */
class AgentArchivesTest {
    private static final Plan.Test A_TO_B = new Plan.Test("m_a-b", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1);
    private static final Plan.Test B_TO_A = new Plan.Test("m_b-a", "b", "a", Plan.Direction.UP, TestSpec.tcp(1), 1);
    private static final Node A = Node.builder("a", "10.0.0.1").build();

    private static Plan plan() {
        return new Plan(List.of(A, Node.builder("b", "10.0.0.2").build()), List.of(A_TO_B, B_TO_A), false, "", Optional.empty());
    }

    @Test
    void itServesItsOwnTestsAndItsHeartbeatFromItsFirstRunsEnd() throws Exception {
        try (AgentArchives a = AgentArchives.start(plan(), A, Optional.empty(), w -> { })) {
            String before = PrometheusEncoder.encode(a.snapshots());
            assertThat(before).contains("iperf3j_session_runs_total{direction=\"up\",id=\"m_a-b\"")
                    .doesNotContain("m_b-a").doesNotContain(AgentArchives.HEARTBEAT)
                    .contains("iperf3j_build_info");

            TestResult r = new TestResult(A_TO_B.id(), "a", "b", "up", A_TO_B.spec(), 1,
                    new TestResult.Outcome.Completed(9.5e8, 9.4e8, 117_500_000), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), List.of(), Duration.ofMillis(1200));
            Instant end = Instant.ofEpochMilli(1_790_000_011_250L);
            a.accept(new RunRecord.Ran(A_TO_B, r, 179_000_001, end.minusSeconds(2), end.minusSeconds(2),
                    RunFigures.of(179_000_001, r, end.toEpochMilli() / 1000.0)));
            a.runEnded(179_000_001, end.plusMillis(3_750));
            String after = PrometheusEncoder.encode(a.snapshots());
            String labels = "{direction=\"up\",id=\"m_a-b\",kind=\"tcp\",protocol=\"tcp\",receiver=\"b\",repeat=\"1\",sender=\"a\"}";
            assertThat(after).contains("iperf3j_session_test_success" + labels + " 1.0",
                    "iperf3j_session_received_bits_per_second" + labels + " 9.4E8", "iperf3j_session_runs_total" + labels + " 1.0",
                    AgentArchives.HEARTBEAT + "{host=\"a\"} 1.790000015E9");
            assertThat(a.finish()).as("no archive: nothing to say").isEmpty();
            assertThat(a.metricsAddress()).isEmpty();
        }
    }
}
