package io.iperf3j.session.internal.result;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Cause;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import io.iperf3j.session.TestResult;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An iperf3j client's {@code --why} in its output ({@code end.iperf3j_why}, docs/design/why.md) read into the
 * result's verdicts: both directions of a {@code --bidir} test, a {@code --json-stream} end event, and no verdict
 * (never a guessed one) for an output without the key or with a cause this build does not know.
 */
class WhyVerdictsTest {
    private static final String WHY = """
            "iperf3j_why": {"directions": [
              {"sender": "client", "cause": "receiver_window", "headline": "limited by the receiver's window",
               "reason": "because the rate's BDP (476 KiB) filled 75 % of the window", "remedy": "raise net.ipv4.tcp_rmem's max",
               "figures": {"protocol": "TCP", "seconds": 3.0, "unseen": []}},
              {"sender": "server", "cause": "not_determined", "headline": "not determined: the sender was not seen",
               "reason": "the sender was not seen", "figures": {"protocol": "TCP", "seconds": 3.0, "unseen": ["x"]}}]}""";

    @Test
    void bothDirectionsOfADocumentAreRead() {
        String doc = "{\"start\": {}, \"intervals\": [], \"end\": {\"sum_sent\": {}, " + WHY + "}}\n";
        List<TestResult.Verdict> v = WhyVerdicts.read(doc);
        assertThat(v).hasSize(2);
        assertThat(v.get(0)).isEqualTo(new TestResult.Verdict(true, Cause.RECEIVER_WINDOW, "limited by the receiver's window",
                "because the rate's BDP (476 KiB) filled 75 % of the window", Optional.of("raise net.ipv4.tcp_rmem's max")));
        assertThat(v.get(1).senderIsClient()).isFalse();
        assertThat(v.get(1).cause()).isEqualTo(Cause.NOT_DETERMINED);
        assertThat(v.get(1).remedy()).isEmpty();
    }

    @Test
    void aJsonStreamsEndEventIsRead() {
        String stream = "{\"event\": \"start\", \"data\": {}}\n{\"event\": \"end\", \"data\": {" + WHY + "}}\n";
        assertThat(WhyVerdicts.read(stream)).extracting(TestResult.Verdict::cause)
                .containsExactly(Cause.RECEIVER_WINDOW, Cause.NOT_DETERMINED);
    }

    @Test
    void noKeyOrAnUnknownCauseIsNoVerdict() {
        assertThat(WhyVerdicts.read("{\"start\": {}, \"end\": {\"sum_sent\": {}}}")).isEmpty();
        assertThat(WhyVerdicts.read("{\"end\": {" + WHY.replace("receiver_window", "gremlins") + "}}")).isEmpty();
        assertThat(WhyVerdicts.read("{\"end\": {\"iperf3j_why\": {\"directions\": 3}}}")).isEmpty();
        assertThat(WhyVerdicts.read("{\"end\": {" + WHY)).as("a torn document").isEmpty();
    }

    @Test
    void aRealIperf3OutputParsesWithoutVerdictsAndAnIperf3jOneWithThem() throws Exception {
        TestResult.ParsedOutput plain = IperfOutputs.parse(reference(), Role.CLIENT, Transport.TCP);
        assertThat(plain.why()).isEmpty();
        String withWhy = reference().replaceFirst("\"end\":\\s*\\{", "\"end\": {" + WHY.replace("$", "\\$") + ", ");
        assertThat(IperfOutputs.parse(withWhy, Role.CLIENT, Transport.TCP).why()).hasSize(2);
        assertThat(IperfOutputs.parse(withWhy, Role.CLIENT, Transport.TCP).summary())
                .as("iperf3's figures are read as before").isEqualTo(plain.summary());
    }

    private static String reference() {
        return """
                {"start": {"test_start": {"protocol": "TCP", "num_streams": 1, "duration": 1, "reverse": 0}},
                 "intervals": [],
                 "end": {"sum_sent": {"start": 0, "end": 1, "seconds": 1, "bytes": 1000, "bits_per_second": 8000, "retransmits": 0},
                         "sum_received": {"start": 0, "end": 1, "seconds": 1, "bytes": 1000, "bits_per_second": 8000}}}
                """;
    }
}
