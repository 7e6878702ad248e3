package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ThroughputMatrixTest {
    private static final TestSpec TCP = TestSpec.tcp(3);
    private static final TestSpec UDP_BIDIR = new TestSpec(Transport.UDP, 3, List.of("-b", "50M"), TestSpec.DEFAULT_PORT,
            Optional.empty(), true, Optional.empty());

    /** The case the issue saw: two TCP repeats and a UDP bidir test of the same pair gave one cell no test measured. */
    @Test
    void aCellHoldsOneKindOfTestAndBothHalvesOfABidirTestArePlaced() {
        ThroughputMatrix m = ThroughputMatrix.of(List.of(
                ok("t1", "a", "b", TCP, 1, 9_000e6, OptionalDouble.empty()),
                ok("t1", "a", "b", TCP, 2, 11_000e6, OptionalDouble.empty()),
                ok("u1", "a", "b", UDP_BIDIR, 1, 50e6, OptionalDouble.of(49e6))), List.of("a", "b"));

        assertThat(m.tables()).extracting(ThroughputMatrix.Table::kind).containsExactly("tcp", "udp bidir -b 50M");
        ThroughputMatrix.Table tcp = m.tables().get(0);
        assertThat(tcp.cell("a", "b")).isEqualTo("10000.0"); // the two repeats, and only they
        assertThat(tcp.cell("b", "a")).isEqualTo("-");
        ThroughputMatrix.Table udp = m.tables().get(1);
        assertThat(udp.cell("a", "b")).isEqualTo("50.0");
        assertThat(udp.cell("b", "a")).isEqualTo("49.0");
        assertThat(m.ok()).isEqualTo(3);
        assertThat(m.text()).contains("tcp: 2 tests").contains("udp bidir -b 50M: 1 test (each placed twice");
        assertThat(m.text()).doesNotContain("8880"); // (9000 + 11000 + 50) / 3 - 5, the old mixed cell
    }

    @Test
    void aFailedRepeatMarksItsCellAndAFailedBidirTestFailsBothHalves() {
        ThroughputMatrix m = ThroughputMatrix.of(List.of(
                ok("t1", "a", "b", TCP, 1, 900e6, OptionalDouble.empty()),
                failed("t1", "a", "b", TCP, 2),
                failed("u1", "b", "c", UDP_BIDIR, 1)), List.of());
        assertThat(m.tables().get(0).cell("a", "b")).isEqualTo("900.0*");
        assertThat(m.tables().get(1).cell("b", "c")).isEqualTo("FAIL");
        assertThat(m.tables().get(1).cell("c", "b")).isEqualTo("FAIL");
        assertThat(m.failed()).isEqualTo(2);
        assertThat(m.failures()).hasSize(2).allMatch(f -> f.contains("IperfError: refused"));
        assertThat(m.csv()).startsWith("sender\\receiver,a,b,c,kind\n").contains("a,,900.0*,-,tcp\n")
                .contains("c,-,FAIL,,udp bidir -b 50M\n");
        assertThat(m.markdown()).contains("### tcp: 2 tests").contains("| a |  | 900.0* |");
    }

    @Test
    void argumentsCannotTurnATestAroundBehindThePlan() {
        for (String arg : List.of("-R", "--reverse", "--bidir")) {
            assertThatThrownBy(() -> TCP.withArgs(List.of("-P", "2", arg)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(arg + " is set by the direction");
        }
    }

    private static TestResult ok(String id, String from, String to, TestSpec spec, int repeat, double bps, OptionalDouble reverse) {
        return result(id, from, to, spec, repeat, new TestOutcome.Completed(bps * 1.01, bps, (long) (bps / 8 * 3), reverse));
    }

    private static TestResult failed(String id, String from, String to, TestSpec spec, int repeat) {
        return result(id, from, to, spec, repeat, new TestOutcome.Failed(new IperfError("refused")));
    }

    private static TestResult result(String id, String from, String to, TestSpec spec, int repeat, TestOutcome outcome) {
        return new TestResult(id, from, to, spec.bidir() ? "bidir" : "up", spec, repeat, outcome, Optional.<Path>empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Duration.ofSeconds(3));
    }
}
