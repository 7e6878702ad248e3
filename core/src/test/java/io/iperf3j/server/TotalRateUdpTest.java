package io.iperf3j.server;

import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code --total-rate} and UDP uploads, which the server cannot slow: one that asks for more than
 * the whole rate is refused up front with SERVER_ERROR 27, and one that sends more than 110 % of
 * its share over the 5 s window is ended with SERVER_ERROR 27 (docs/design/public-server.md 3.4).
 * Real 3.12 and 3.21 clients.
 */
@Tag("peer")
class TotalRateUdpTest {
    private static final String TOTAL_RATE_TEXT = "total required bandwidth is larger than server limit";

    private static List<String> args(TestServer server, String... more) {
        List<String> a = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", Integer.toString(server.port())));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void aUdpUploadAskingForMoreThanTheTotalIsRefusedUpFront() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--total-rate", "100M")) {
                for (Iperf3Binary binary : Iperf3Binary.values()) {
                    binary.requireThis();
                    try (Iperf3Process p = Iperf3Process.iperf3(binary, args(server, "-B", "127.0.0.2",
                            "-u", "-b", "60M", "-P", "2", "-t", "2"))) {
                        assertThat(p.waitFor(Duration.ofSeconds(20))).as("%s exit status", binary.label).isPositive();
                        assertThat(p.stdout() + p.stderr()).as(binary.label).contains(TOTAL_RATE_TEXT);
                    }
                }
                // A download (-R) is paced by the server, whatever it asks for: not refused.
                try (Iperf3Process p = Iperf3Process.iperf3(Iperf3Binary.V3_12, args(server, "-B", "127.0.0.3",
                        "-u", "-b", "500M", "-R", "-t", "1"))) {
                    assertThat(p.waitFor(Duration.ofSeconds(20))).as("%s%s", p.stdout(), p.stderr()).isZero();
                }
                server.awaitIdle(Duration.ofSeconds(10));
                assertThat(server.logLines()).filteredOn(l -> l.contains("event=end") && l.contains("result=refused"))
                        .hasSize(Iperf3Binary.values().length);
            }
        });
    }

    /**
     * The police runs once a second whatever the server's {@code -i}: with {@code -i 0} (no
     * interval reports) it used not to run at all.
     */
    @ParameterizedTest(name = "server -i {0}")
    @ValueSource(strings = {"1", "0"})
    void aUdpUploadOverItsShareIsEndedWithServerError27(String serverInterval) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Iperf3Binary.V3_21.requireThis();
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--total-rate", "100M", "-i", serverInterval)) {
                // An unpaced download takes half; the upload's share is then 50M, and it sends 90M.
                try (Iperf3Process download = Iperf3Process.iperf3(Iperf3Binary.V3_21,
                        args(server, "-B", "127.0.0.4", "-R", "-t", "12"))) {
                    server.await(() -> server.server.activeTests() == 1, Duration.ofSeconds(10), "the download runs");
                    long start = System.nanoTime();
                    try (Iperf3Process upload = Iperf3Process.iperf3(Iperf3Binary.V3_12,
                            args(server, "-B", "127.0.0.5", "-u", "-b", "90M", "-t", "10"))) {
                        assertThat(upload.waitFor(Duration.ofSeconds(20))).as("exit status (-1: still running)")
                                .isPositive();
                        double seconds = (System.nanoTime() - start) / 1e9;
                        assertThat(upload.stdout() + upload.stderr()).contains(TOTAL_RATE_TEXT);
                        // Ended once a full 5 s window was over 110 %, not at the end of its 10 s.
                        assertThat(seconds).isBetween(4.5, 9.0);
                    }
                    // Restarted at once, it is refused for --cool-down (default 60 s), before a stream connects.
                    try (Iperf3Process again = Iperf3Process.iperf3(Iperf3Binary.V3_21,
                            args(server, "-B", "127.0.0.5", "-u", "-b", "90M", "-t", "10"))) {
                        assertThat(again.waitFor(Duration.ofSeconds(20))).as("exit status").isPositive();
                        assertThat(again.stdout() + again.stderr()).contains(TOTAL_RATE_TEXT).doesNotContain("connected to");
                    }
                    server.awaitLogLine(Duration.ofSeconds(5), "event=refused reason=cool-down client=127.0.0.5:",
                            "cool_down=60");
                    assertThat(download.waitFor(Duration.ofSeconds(20))).as("the download carries on: %s%s",
                            download.stdout(), download.stderr()).isZero();
                }
                server.awaitIdle(Duration.ofSeconds(10));
                assertThat(server.logLines()).anyMatch(l -> l.contains("event=end") && l.contains("proto=UDP")
                        && l.contains("result=cut") && l.contains(TOTAL_RATE_TEXT));
            }
        });
    }
}
