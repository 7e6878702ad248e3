package io.iperf3j.server;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.testing.Iperf3Process;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.iperf3j.testing.Async.async;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Silent, slow and vanished clients: each ends only its own test, within its
 * timeout and with a line in the server's log, while another test on the same
 * server runs to completion meanwhile. Timeouts are set short here (cookie 300 ms,
 * setup 600 ms, {@code --rcv-timeout 1000}); the defaults are 10 s, 30 s and 120 s.
 */
@Timeout(90)
class SlowClientsTest {
    /** A normal test of our client that runs while a misbehaving one is dealt with. */
    private static CompletableFuture<ClientTest.Outcome> meanwhile(TestServer server, String... args) {
        return async(() -> server.ourClient(args));
    }

    private static void assertSucceeded(CompletableFuture<ClientTest.Outcome> f, TestServer server) throws Exception {
        ClientTest.Outcome o = f.get(30, TimeUnit.SECONDS);
        assertThat(o.error()).as("the test that ran meanwhile; log:\n%s", server.log()).isNull();
    }

    @Test
    void aSilentConnectionIsDroppedAtTheCookieDeadline() throws Exception {
        try (TestServer server = new TestServer(TestServer.quick())) {
            var other = meanwhile(server, "-t", "2");
            try (RawPeer silent = new RawPeer(server.port(), null)) {
                long t0 = System.nanoTime();
                assertThat(silent.readToEof(5000)).isEmpty();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("closed at the 300 ms cookie deadline").isBetween(250L, 3000L);
            }
            server.awaitLogLine(Duration.ofSeconds(2), "event=drop", "reason=\"no cookie within 300 ms\"");
            assertSucceeded(other, server);
            server.awaitIdle(Duration.ofSeconds(3));
        }
    }

    @Test
    void aClientThatSendsItsCookieThenNothingEndsAtTheSetupBound() throws Exception {
        try (TestServer server = new TestServer(TestServer.quick())) {
            var other = meanwhile(server, "-t", "2");
            try (RawPeer p = RawPeer.atParameters(server.port())) {
                long t0 = System.nanoTime();
                p.expectServerErrorThenClose(144, 5000);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("ended at the 600 ms setup bound").isBetween(500L, 3000L);
            }
            String line = server.awaitLogLine(Duration.ofSeconds(2), "event=end", "result=cut");
            assertThat(line).contains("reason=\"idle timeout for receiving data: no parameters, streams or results");
            assertSucceeded(other, server);
        }
    }

    @Tag("peer")
    @Test
    void aClientKilledMidTestEndsItsTestAtOnce() throws Exception {
        try (TestServer server = new TestServer(TestServer.quick(), "--rcv-timeout", "1000");
             Iperf3Process victim = server.iperf3Client("-t", "30", "-P", "2")) {
            server.await(() -> server.server.activeTests() == 1 && !server.logLines().isEmpty(), Duration.ofSeconds(5),
                    "the victim's test running");
            Thread.sleep(500);
            var other = meanwhile(server, "-t", "2");
            Thread.sleep(300);
            long t0 = System.nanoTime();
            victim.signal("KILL");
            String line = server.awaitLogLine(Duration.ofSeconds(3), "event=end", "result=cut",
                    "the client has unexpectedly closed the connection");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("ended when the kernel closed the dead client's sockets").isLessThan(3000);
            assertThat(line).contains("proto=TCP", "dir=normal", "streams=2").containsPattern("received=[1-9]");
            assertSucceeded(other, server);
        }
    }

    @Tag("peer")
    @Test
    void aStoppedClientEndsItsTestAtTheReceiveTimeout() throws Exception {
        try (TestServer server = new TestServer(TestServer.quick(), "--rcv-timeout", "1000");
             Iperf3Process victim = server.iperf3Client("-t", "30")) {
            server.awaitLogLine(Duration.ofSeconds(5), "event=start");
            Thread.sleep(300);
            var other = meanwhile(server, "-t", "3");
            long t0 = System.nanoTime();
            victim.signal("STOP");
            try {
                server.awaitLogLine(Duration.ofSeconds(5), "event=end", "reason=\"idle timeout for receiving data (nothing received for 1000 ms)\"");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).as("--rcv-timeout 1000").isBetween(900L, 4000L);
            } finally {
                victim.signal("CONT");
            }
            assertSucceeded(other, server);
        }
    }

    @Tag("peer")
    @Test
    void aStoppedClientOfAReverseTestEndsItWhenNothingCanBeSent() throws Exception {
        try (TestServer server = new TestServer(TestServer.quick(), "--rcv-timeout", "1000");
             Iperf3Process victim = server.iperf3Client("-t", "30", "-R")) {
            server.awaitLogLine(Duration.ofSeconds(5), "event=start");
            Thread.sleep(300);
            var other = meanwhile(server, "-t", "3");
            long t0 = System.nanoTime();
            victim.signal("STOP");
            try {
                String line = server.awaitLogLine(Duration.ofSeconds(6), "event=end", "dir=reverse",
                        "nothing could be sent for 1000 ms: the client is not reading");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                // the socket buffers fill first (milliseconds on loopback), then 1000 ms of no progress
                assertThat(ms).isBetween(900L, 4000L);
                assertThat(line).containsPattern("sent=[1-9]");
            } finally {
                victim.signal("CONT");
            }
            assertSucceeded(other, server);
        }
    }

    @Tag("peer")
    @Test
    void idleTimeoutEndsATestInWhichNothingMoves() throws Exception {
        // --rcv-timeout stays at its 120 s default: --idle-timeout alone ends the test.
        try (TestServer server = new TestServer(TestServer.quick(), "--idle-timeout", "1");
             Iperf3Process victim = server.iperf3Client("-t", "30", "--bidir")) {
            server.awaitLogLine(Duration.ofSeconds(5), "event=start");
            Thread.sleep(300);
            long t0 = System.nanoTime();
            victim.signal("STOP");
            try {
                server.awaitLogLine(Duration.ofSeconds(6), "event=end", "dir=bidir", "nothing moved for 1 s (--idle-timeout)");
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).isBetween(900L, 4000L);
            } finally {
                victim.signal("CONT");
            }
        }
    }

    @Test
    void serverMaxDurationCutsATestThatAsksForBytes() throws Exception {
        try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--server-max-duration", "1")) {
            long t0 = System.nanoTime();
            ClientTest.Outcome o = server.ourClient("-n", "1T");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(o.error()).as("the client sees its test cut").isNotNull();
            assertThat(ms).isBetween(900L, 5000L);
            server.awaitLogLine(Duration.ofSeconds(2), "event=end", "result=cut",
                    "server test duration expired (ran past --server-max-duration 1 s)");
            // and a -t above the limit is refused up front, with iperf3 3.20's code
            ClientTest.Outcome refused = server.ourClient("-t", "5");
            assertThat(refused.error()).isNotNull();
            assertThat(refused.error().getMessage()).contains("exceeds the server's maximum permitted limit");
        }
    }
}
