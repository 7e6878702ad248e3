package io.iperf3j.session.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import io.iperf3j.export.PrometheusEncoder;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.iperf3j.session.internal.result.RunFigures;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionMetricsTest {
    private static final Plan.Test TCP = new Plan.Test("thr_a-b", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1);
    private static final Plan.Test UDP = new Plan.Test("udp_b-a", "b", "a", Plan.Direction.UP,
            TestSpec.tcp(1).withProtocol(Transport.UDP), 1);

    private static IntervalMetrics interval(Role role, Direction d, Transport t, OptionalInt stream, boolean omitted,
            OptionalLong retransmits, OptionalDouble rtt, OptionalLong packets, OptionalLong lost, OptionalDouble jitter) {
        return new IntervalMetrics(role, d, t, 0, 0, 1, 1, 1000, 8000, 1, omitted, stream, retransmits, rtt,
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), packets, lost,
                OptionalLong.empty(), jitter);
    }

    private static TestResult.ParsedOutput output(List<IntervalMetrics> intervals) {
        return new TestResult.ParsedOutput(TestResult.ParsedOutput.Format.IPERF3_JSON, intervals, TestResult.ParsedOutput.Summary.NONE, Optional.empty(), List.of());
    }

    private static TestResult result(Plan.Test t, TestResult.Outcome o, List<IntervalMetrics> client, List<IntervalMetrics> server) {
        return new TestResult(t.id(), t.sender(), t.receiver(), t.direction().word(), t.spec(), t.repeat(), o, Optional.empty(),
                Optional.empty(), Optional.of(output(client)), Optional.of(output(server)), List.of(), Duration.ofMillis(1500));
    }

    @Test
    void servesTheLastRunsFiguresAndCountsWithTheResultsLabels() {
        SessionMetrics m = new SessionMetrics(List.of(TCP, UDP));
        String before = PrometheusEncoder.encode(m.snapshots());
        // before any run: zero counters for every test, no success sample and no figures
        assertThat(before).contains("iperf3j_session_runs_total{direction=\"up\",id=\"udp_b-a\"");
        assertThat(before).doesNotContain("iperf3j_session_test_success{", "iperf3j_session_received_bits_per_second{");

        OptionalLong none = OptionalLong.empty();
        OptionalDouble no = OptionalDouble.empty();
        List<IntervalMetrics> client = List.of(
                interval(Role.CLIENT, Direction.SENDER, Transport.TCP, OptionalInt.empty(), true, OptionalLong.of(50), OptionalDouble.of(9), none, none, no),
                interval(Role.CLIENT, Direction.SENDER, Transport.TCP, OptionalInt.empty(), false, OptionalLong.of(2), OptionalDouble.of(0.002), none, none, no),
                interval(Role.CLIENT, Direction.SENDER, Transport.TCP, OptionalInt.of(5), false, OptionalLong.of(70), OptionalDouble.of(9), none, none, no),
                interval(Role.CLIENT, Direction.SENDER, Transport.TCP, OptionalInt.empty(), false, OptionalLong.of(3), OptionalDouble.of(0.004), none, none, no));
        m.ran(TCP.id(), RunFigures.of(7, result(TCP, new TestResult.Outcome.Completed(9.5e8, 9.4e8, 117_500_000), client, List.of()), 1.7e9));
        List<IntervalMetrics> server = List.of(
                interval(Role.SERVER, Direction.RECEIVER, Transport.UDP, OptionalInt.empty(), false, none, no, OptionalLong.of(100), OptionalLong.of(1), OptionalDouble.of(0.001)),
                interval(Role.SERVER, Direction.RECEIVER, Transport.UDP, OptionalInt.empty(), false, none, no, OptionalLong.of(100), OptionalLong.of(3), OptionalDouble.of(0.0005)));
        m.ran(UDP.id(), RunFigures.of(7, result(UDP, new TestResult.Outcome.Completed(1e6, 1e6, 125_000), List.of(), server), 1.7e9));
        String text = PrometheusEncoder.encode(m.snapshots());
        String tcp = "{direction=\"up\",id=\"thr_a-b\",kind=\"tcp\",protocol=\"tcp\",receiver=\"b\",repeat=\"1\",sender=\"a\"}";
        String udp = "{direction=\"up\",id=\"udp_b-a\",kind=\"udp\",protocol=\"udp\",receiver=\"a\",repeat=\"1\",sender=\"b\"}";
        assertThat(text).contains("iperf3j_session_test_success" + tcp + " 1.0", "iperf3j_session_test_success" + udp + " 1.0",
                "iperf3j_session_received_bits_per_second" + tcp + " 9.4E8",
                // the sums outside -O, not the per-stream sample
                "iperf3j_session_retransmits" + tcp + " 5.0", "iperf3j_session_rtt_seconds" + tcp + " 0.003",
                "iperf3j_session_loss_percent" + udp + " 2.0", "iperf3j_session_jitter_seconds" + udp + " 5.0E-4",
                "iperf3j_session_duration_seconds" + tcp + " 1.5", "iperf3j_session_last_run" + tcp + " 7.0",
                "iperf3j_session_runs_total" + tcp + " 1.0", "iperf3j_session_failures_total" + tcp + " 0.0");
        // figures a test does not have are left out, not 0
        assertThat(text).doesNotContain("iperf3j_session_retransmits" + udp, "iperf3j_session_loss_percent" + tcp);

        // a failed run: success 0, throughput 0, counted; a skipped one counted, and not ok either (issue 66: it kept run 7's
        // success 1 and rate, and an alert on success == 0 stayed green for a dead host's skipped tests), with no rate
        m.ran(TCP.id(), RunFigures.of(8, result(TCP, new TestResult.Outcome.Failed(new ConnectionError("ssh: connection refused")),
                List.of(), List.of()), 1.7e9));
        m.accept(new RunRecord.Skipped(UDP, 8, java.time.Instant.ofEpochSecond(1_700_000_000), "no free slot",
                java.time.Instant.ofEpochSecond(1_700_000_030)));
        String after = PrometheusEncoder.encode(m.snapshots());
        assertThat(after).contains("iperf3j_session_test_success" + tcp + " 0.0",
                "iperf3j_session_received_bits_per_second" + tcp + " 0.0", "iperf3j_session_runs_total" + tcp + " 2.0",
                "iperf3j_session_failures_total" + tcp + " 1.0", "iperf3j_session_skipped_total" + udp + " 1.0",
                "iperf3j_session_test_success" + udp + " 0.0", "iperf3j_session_test_skipped" + udp + " 1.0",
                "iperf3j_session_test_skipped" + tcp + " 0.0", "iperf3j_session_last_run" + udp + " 8.0",
                "iperf3j_session_last_run_end_timestamp_seconds" + udp + " 1.70000003E9");
        assertThat(after).doesNotContain("iperf3j_session_retransmits" + tcp, "iperf3j_session_received_bits_per_second" + udp,
                "iperf3j_session_loss_percent" + udp, "iperf3j_session_duration_seconds" + udp);
    }

    @Test
    void aTestThatHasNotRunHasNoSuccessSampleSoAnAlertOnZeroMeansAFailedRun() {
        SessionMetrics m = new SessionMetrics(List.of(TCP, UDP));
        String tcp = "{direction=\"up\",id=\"thr_a-b\",kind=\"tcp\",protocol=\"tcp\",receiver=\"b\",repeat=\"1\",sender=\"a\"}";
        String udp = "{direction=\"up\",id=\"udp_b-a\",kind=\"udp\",protocol=\"udp\",receiver=\"a\",repeat=\"1\",sender=\"b\"}";
        // the README's alert, iperf3j_session_test_success == 0, matches the lines whose value is 0: none at the start
        assertThat(zeros(PrometheusEncoder.encode(m.snapshots()))).isEmpty();
        // one test failed: it alone matches; the other has not run and has no sample (runs_total says 0)
        m.ran(TCP.id(), RunFigures.of(1, result(TCP, new TestResult.Outcome.Failed(new ConnectionError("ssh: connection refused")),
                List.of(), List.of()), 1.7e9));
        String text = PrometheusEncoder.encode(m.snapshots());
        assertThat(zeros(text)).containsExactly("iperf3j_session_test_success" + tcp + " 0.0");
        assertThat(text).doesNotContain("iperf3j_session_test_success" + udp).contains("iperf3j_session_runs_total" + udp + " 0.0");
        // figures restored from the state file after a restart: the last run's status, at once
        SessionMetrics restarted = new SessionMetrics(List.of(TCP, UDP));
        restarted.restore(TCP.id(), RunFigures.of(1, result(TCP, new TestResult.Outcome.Completed(1e6, 1e6, 125_000), List.of(), List.of()),
                1.7e9));
        assertThat(PrometheusEncoder.encode(restarted.snapshots())).contains("iperf3j_session_test_success" + tcp + " 1.0")
                .doesNotContain("iperf3j_session_test_success" + udp);
    }

    /** An archive's queue counted at every scrape: written, refused, retried, waiting (issue 65). */
    @Test
    void anArchivesQueueIsCounted() throws Exception {
        SessionMetrics m = new SessionMetrics(List.of(TCP));
        assertThat(PrometheusEncoder.encode(m.snapshots())).as("no archive, no series").doesNotContain("archive");
        int[] calls = {0};
        ResultQueue<String> q = ResultQueue.start("r", 10, new ResultQueue.Wire<>() {
            @Override
            public int batch() {
                return 1;
            }

            @Override
            public ResultQueue.Outcome send(List<String> items) {
                calls[0]++;
                return items.getFirst().equals("bad") ? new ResultQueue.Outcome.Refused("HTTP status 400")
                        : calls[0] == 1 ? new ResultQueue.Outcome.Retry("connection refused", Optional.empty()) : new ResultQueue.Outcome.Sent();
            }
        }, n -> Duration.ofMillis(1), w -> { });
        m.archive("remote_write", q);
        q.offer(new ResultQueue.Item<>("a", "a"));
        q.offer(new ResultQueue.Item<>("b", "bad"));
        q.offer(new ResultQueue.Item<>("c", "c"));
        q.finish(Duration.ofSeconds(10));
        String text = PrometheusEncoder.encode(m.snapshots());
        assertThat(text).contains("iperf3j_session_archive_results_total{archive=\"remote_write\",outcome=\"written\"} 2.0",
                "iperf3j_session_archive_results_total{archive=\"remote_write\",outcome=\"refused\"} 1.0",
                "iperf3j_session_archive_retries_total{archive=\"remote_write\"} 1.0",
                "iperf3j_session_archive_pending{archive=\"remote_write\"} 0.0");
    }

    /** The test_success lines whose value is 0. */
    private static List<String> zeros(String text) {
        return text.lines().filter(l -> l.startsWith("iperf3j_session_test_success{") && l.endsWith(" 0.0")).toList();
    }

    /**
     * A rotating mesh (issue 69) shows where its cycle is, one series a plan test (never a pair): the newest run that has a
     * line, as the cycle counts it, and the cycle's length; a plan that no longer rotates it loses the series.
     */
    @Test
    void aRotatingTestsCycleIsAGaugeByItsTestsName() {
        Plan.Turn first = new Plan.Turn("m", "mesh", 0, 12, 3);
        Plan.Turn last = new Plan.Turn("m", "mesh", 11, 12, 3);
        Plan.Test a = new Plan.Test("m_a-b", "a", "b", Plan.Direction.UP, TestSpec.tcp(1), 1, Optional.of(first));
        Plan.Test b = new Plan.Test("m_b-a", "b", "a", Plan.Direction.DOWN, TestSpec.tcp(1), 1, Optional.of(last));
        SessionMetrics m = new SessionMetrics(List.of(a, b, TCP));
        assertThat(PrometheusEncoder.encode(m.snapshots())).doesNotContain("rotation_run");
        java.time.Instant t = java.time.Instant.ofEpochSecond(1_700_000_000);
        m.accept(new RunRecord.Skipped(b, 8, t, "no free slot", t));
        // run 8 of the schedule is run 4 of a cycle of 4; a late line of run 5 (run 1 of the cycle) does not take it back
        m.accept(new RunRecord.Skipped(a, 5, t, "no free slot", t));
        String text = PrometheusEncoder.encode(m.snapshots());
        assertThat(text).contains("iperf3j_session_rotation_run{test=\"m\"} 4.0", "iperf3j_session_rotation_runs{test=\"m\"} 4.0");
        assertThat(text.lines().filter(l -> l.startsWith("iperf3j_session_rotation_run"))).hasSize(2);
        m.tests(List.of(TCP));
        assertThat(PrometheusEncoder.encode(m.snapshots())).doesNotContain("rotation_run");
    }
}
