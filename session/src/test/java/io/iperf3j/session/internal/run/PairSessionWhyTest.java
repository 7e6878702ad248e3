package io.iperf3j.session.internal.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Cause;
import io.iperf3j.Transport;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.SessionException;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A session's iperf3j clients are asked for the verdict ({@code --why}); a real iperf3 or iperf2 client gives
 * none, and the result then says "not determined" with that reason for each direction of data, never a guess.
 */
class PairSessionWhyTest {
    private static final TestResult.Outcome OK = new TestResult.Outcome.Completed(1e8, 1e8, 12_500_000);

    @Test
    void onlyAnIperf3jClientIsAskedForTheVerdict() {
        TestSpec spec = TestSpec.tcp(2);
        assertThat(PairSession.clientArgs(IperfKind.IPERF3J, spec, "10.0.0.2")).containsSequence("-J", "--why");
        assertThat(PairSession.clientArgs(IperfKind.IPERF3, spec, "10.0.0.2")).contains("-J").doesNotContain("--why");
        assertThat(PairSession.clientArgs(IperfKind.IPERF2, spec, "10.0.0.2")).doesNotContain("--why", "-J");
        assertThat(PairSession.serverArgs(IperfKind.IPERF3J, spec)).doesNotContain("--why");
    }

    @Test
    void aRealIperf3ClientIsNotDeterminedWithItsReasonPerDirection() {
        TestSpec bidir = new TestSpec(Transport.TCP, 2, List.of(), TestSpec.DEFAULT_PORT, Optional.empty(), true, Optional.empty());
        List<TestResult.Verdict> v = PairSession.why(OK, IperfKind.IPERF3, bidir, Optional.empty());
        assertThat(v).hasSize(2).allSatisfy(x -> {
            assertThat(x.cause()).isEqualTo(Cause.NOT_DETERMINED);
            assertThat(x.headline()).isEqualTo("not determined: the client is iperf3, which gives no verdict (iperf3j's --why)");
        });
        assertThat(v).extracting(TestResult.Verdict::senderIsClient).containsExactly(true, false);
        assertThat(PairSession.why(OK, IperfKind.IPERF2, TestSpec.tcp(2), Optional.empty())).singleElement()
                .satisfies(x -> assertThat(x.reason()).contains("iperf2"));
        assertThat(PairSession.why(OK, IperfKind.IPERF3J, TestSpec.tcp(2), Optional.empty())).singleElement()
                .satisfies(x -> assertThat(x.reason()).contains("holds no verdict"));
    }

    @Test
    void aFailedTestHasNoVerdictAndAnIperf3jClientsIsItsOwn() {
        assertThat(PairSession.why(new TestResult.Outcome.Failed(new SessionException.IperfError("x")), IperfKind.IPERF3J,
                TestSpec.tcp(2), Optional.empty())).isEmpty();
        TestResult.Verdict own = new TestResult.Verdict(true, Cause.PATH, "limited by the path (congestion window)", "r",
                Optional.empty());
        TestResult.ParsedOutput parsed = new TestResult.ParsedOutput(TestResult.ParsedOutput.Format.IPERF3_JSON, List.of(),
                TestResult.ParsedOutput.Summary.NONE, Optional.empty(), List.of(), List.of(own));
        assertThat(PairSession.why(OK, IperfKind.IPERF3J, TestSpec.tcp(2), Optional.of(parsed))).containsExactly(own);
    }
}
