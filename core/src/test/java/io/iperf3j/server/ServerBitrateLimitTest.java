package io.iperf3j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code --server-bitrate-limit} with real 3.12 and 3.21 clients: a test that asks for more than
 * the limit is refused in the parameter exchange, and one that sends more (an unpaced TCP test asks for nothing)
 * is cut once a whole window averages over it. Both get SERVER_ERROR 27, so the client says
 * "total required bandwidth is larger than server limit", as against iperf3 3.21's server
 * (iperf_server_api.c, {@code bitrate_limit_exceeded}). The cut used to be a bare close: the
 * client said "the server has terminated" or "control socket has closed unexpectedly".
 */
@Tag("peer")
class ServerBitrateLimitTest {
    private static final String TOTAL_RATE_TEXT = "total required bandwidth is larger than server limit";

    @Test
    void aTestOverTheLimitIsRefusedUpFrontOrCutWithTheReason() {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--server-bitrate-limit", "100M/1")) {
                String port = Integer.toString(server.port());
                for (Iperf3Binary binary : Iperf3Binary.values()) {
                    binary.requireThis();
                    // An address of its own: after its cut, an address is refused for --cool-down.
                    String from = "127.0.0." + (2 + binary.ordinal());
                    try (Iperf3Process p = Iperf3Process.iperf3(binary, List.of("-c", "127.0.0.1", "-p", port,
                            "-B", from, "-b", "60M", "-P", "2", "-t", "2"))) {
                        assertThat(p.waitFor(Duration.ofSeconds(20))).as("%s exit status", binary.label).isPositive();
                        // Refused in the parameter exchange, as 3.21's server does: no stream connected.
                        assertThat(p.stdout() + p.stderr()).as(binary.label).contains(TOTAL_RATE_TEXT)
                                .doesNotContain("connected to");
                    }
                    // Loopback TCP runs at gigabits: the first 1 s window is over 100M, so the test is cut
                    // there, long before its 30 s (waitFor gives -1 while it still runs).
                    try (Iperf3Process p = Iperf3Process.iperf3(binary, List.of("-c", "127.0.0.1", "-p", port,
                            "-B", from, "-t", "30"))) {
                        assertThat(p.waitFor(Duration.ofSeconds(20))).as("%s exit status", binary.label).isPositive();
                        assertThat(p.stdout() + p.stderr()).as(binary.label).contains(TOTAL_RATE_TEXT)
                                .doesNotContain("closed unexpectedly").doesNotContain("server has terminated");
                    }
                }
                server.awaitIdle(Duration.ofSeconds(10));
                List<String> log = server.logLines();
                assertThat(log).as("%s", log).filteredOn(l -> l.contains("event=end") && l.contains("result=refused"))
                        .hasSize(Iperf3Binary.values().length);
                assertThat(log).as("%s", log).filteredOn(l -> l.contains("event=end") && l.contains("result=cut")
                        && l.contains("over --server-bitrate-limit")).hasSize(Iperf3Binary.values().length);
            }
        });
    }
}
