package io.iperf3j.session.internal.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Cause;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.TestSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The progress line names what held a test back (iperf3j --why) when a cause was told, and nothing when none was. */
class ProgressLineWhyTest {
    private static TestResult result(TestResult.Verdict... why) {
        return new TestResult("w_a-b", "a", "b", "up", TestSpec.tcp(3), 1, new TestResult.Outcome.Completed(6e7, 5.84e7, 21_900_000),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Duration.ofMillis(4000), List.of(why));
    }

    @Test
    void aToldCauseEndsTheLine() {
        TestResult.Verdict window = new TestResult.Verdict(true, Cause.RECEIVER_WINDOW, "limited by the receiver's window", "r",
                Optional.of("raise tcp_rmem"));
        assertThat(ProgressLine.of(result(window)))
                .isEqualTo("w_a-b a -> b up tcp: ok 58.4 Mbit/s received (4.0 s), limited by the receiver's window");
        assertThat(ProgressLine.of(result(TestResult.Verdict.notDetermined(true, "the client is iperf3, which gives no verdict"))))
                .isEqualTo("w_a-b a -> b up tcp: ok 58.4 Mbit/s received (4.0 s)");
        assertThat(ProgressLine.of(result())).isEqualTo("w_a-b a -> b up tcp: ok 58.4 Mbit/s received (4.0 s)");
    }
}
