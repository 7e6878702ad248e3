package io.iperf3j.server;

import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code --allow}/{@code --deny} against real 3.12 and 3.21 clients from distinct loopback
 * addresses: an allowed address is served, a refused one prints iperf3's "test authorization
 * failed" (3.21 with no {@code errno:} part), the log names the rule, and the lobby thread
 * runs only while such a server does.
 */
class AddressFilterRealClientsTest {
    private static final String AUTH_FAILED = "iperf3: error - test authorization failed";

    @TempDir
    Path dir;

    private static String run(TestServer server, Iperf3Binary v, String source, int expectStatus) {
        try (Iperf3Process c = server.iperf3Client(v, "-B", source, "-t", "1")) {
            int status = c.waitFor(Duration.ofSeconds(20));
            String out = c.stdout() + c.stderr();
            if (expectStatus == 0) {
                assertThat(status).as("%s from %s: %s", v.label, source, out).isZero();
            } else {
                assertThat(status).as("%s from %s (-1: still running): %s", v.label, source, out).isPositive();
            }
            return out;
        }
    }

    private static boolean lobbyRuns() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("iperf3j-server-lobby") && t.isAlive());
    }

    @Tag("peer")
    @Test
    void onlyTheAllowedAddressIsServedAndTheOthersAreToldAuthorizationFailed() {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--allow", "127.0.0.2/32")) {
                // serve() starts it, on the server's own thread
                server.await(AddressFilterRealClientsTest::lobbyRuns, Duration.ofSeconds(5), "the lobby thread");
                for (Iperf3Binary v : Iperf3Binary.values()) {
                    assertThat(run(server, v, "127.0.0.2", 0)).as(v.label).contains("iperf Done.");
                }
                String v312 = run(server, Iperf3Binary.V3_12, "127.0.0.3", 1);
                assertThat(v312).contains(AUTH_FAILED + "\n").doesNotContain("Connecting to host");
                String v321 = run(server, Iperf3Binary.V3_21, "127.0.0.3", 1);
                assertThat(v321).contains("iperf3: SERVER ERROR - test authorization failed\n", AUTH_FAILED + "\n")
                        .doesNotContain("errno:");
                assertThat(server.logLines()).filteredOn(l -> l.contains("event=refused"))
                        .hasSize(2)
                        .allMatch(l -> l.contains("event=refused reason=denied rule=default client=127.0.0.3:"));
                assertThat(server.logLines()).filteredOn(l -> l.contains("event=start")).hasSize(2)
                        .allMatch(l -> l.contains("client=127.0.0.2:"));
                assertThat(server.server.activeTests()).isZero();
            }
            assertThat(lobbyRuns()).as("the lobby thread ends with the server").isFalse();
        });
    }

    @Tag("peer")
    @Test
    void aDenyFileRefusesItsAddressAndServesTheRest() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Path rules = dir.resolve("deny.txt");
            Files.writeString(rules, "# refused\n127.0.0.9\n");
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--deny", "@" + rules)) {
                assertThat(run(server, Iperf3Binary.V3_21, "127.0.0.9", 1)).contains(AUTH_FAILED).doesNotContain("errno:");
                assertThat(run(server, Iperf3Binary.V3_12, "127.0.0.2", 0)).contains("iperf Done.");
                server.awaitLogLine(Duration.ofSeconds(5), "event=refused reason=denied rule=127.0.0.9/32 client=127.0.0.9:");
            }
        });
    }

    @Tag("peer")
    @Test
    void withoutTheOptionsNoLobbyThreadRuns() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS)) {
                assertThat(run(server, Iperf3Binary.V3_12, "127.0.0.2", 0)).contains("iperf Done.");
                assertThat(lobbyRuns()).isFalse();
            }
        });
    }

    /**
     * A refused connection reads the whole 9-byte answer and then EOF, every time. (This does not
     * tell the drain's FIN from a RST: on loopback the cookie races the lobby's close, and with the
     * drain switched off the test still passes, because Linux delivers the queued answer and the
     * FIN that went out with shutdownOutput before any reset. The plan measured the same.)
     */
    @Test
    void aRefusedConnectionReadsTheWholeAnswerThenEof() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--deny", "127.0.0.1")) {
                for (int i = 0; i < 20; i++) {
                    try (RawPeer p = RawPeer.control(server.port())) {
                        byte[] answer = new byte[9];
                        for (int k = 0; k < answer.length; k++) {
                            answer[k] = p.readByte(5000);
                        }
                        assertThat(answer).containsExactly((byte) 0xFE, 0, 0, 0, (byte) 142, 0, 0, 0, 0);
                        assertThat(p.readByteOrEof(5000)).as("EOF after the answer (attempt %d)", i).isEqualTo(-1);
                    }
                }
                server.awaitLogLine(Duration.ofSeconds(5), "event=refused reason=denied rule=127.0.0.1/32 client=127.0.0.1:");
            }
        });
    }
}
