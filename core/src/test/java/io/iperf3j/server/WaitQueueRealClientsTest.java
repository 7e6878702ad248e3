package io.iperf3j.server;

import io.iperf3j.internal.engine.server.ServerLimits;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.LogLines;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code --queue} with real 3.12 and 3.21 clients from distinct loopback addresses: queued
 * clients are served as tests end (none is told "busy"), one held too long gets "busy", one
 * beyond the queue gets it at once, one that is interrupted while held leaves the queue, and a
 * server that closes tells its held clients it has terminated.
 */
class WaitQueueRealClientsTest {
    private static final String BUSY = "iperf3: error - the server is busy running a test. try again later";

    private static long count(TestServer server, String... fragments) {
        return LogLines.countWithAll(server.logLines().stream(), fragments);
    }

    /** Starts a client once the log has a line with {@code fragment}: clients started together arrive in any order. */
    private static Iperf3Process startedAfter(TestServer server, String fragment,
                                              java.util.function.Supplier<Iperf3Process> client) throws Exception {
        server.awaitLogLine(Duration.ofSeconds(15), fragment);
        return client.get();
    }

    @Tag("peer")
    @Test
    void fortyEightClientsAgainstSixteenSlotsAreAllServed() {
        assertTimeoutPreemptively(Duration.ofSeconds(240), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-concurrent", "16", "--queue", "64")) {
                List<Iperf3Process> clients = new ArrayList<>();
                long t0 = System.nanoTime();
                try {
                    for (int i = 0; i < 48; i++) {
                        Iperf3Binary v = i % 2 == 0 ? Iperf3Binary.V3_12 : Iperf3Binary.V3_21;
                        clients.add(server.iperf3Client(v, "-B", "127.0.0." + (2 + i % 6), "-t", "1", "-b", "50M"));
                    }
                    for (Iperf3Process c : clients) {
                        int status = c.waitFor(Duration.ofSeconds(180));
                        assertThat(status).as("%s\n%s%s", c.command(), c.stdout(), c.stderr()).isZero();
                        assertThat(c.stdout()).contains("iperf Done.");
                        assertThat(c.stdout() + c.stderr()).doesNotContain("busy");
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    server.await(() -> count(server, "event=end") == 48, Duration.ofSeconds(10), "48 end lines");
                    long queued = count(server, "event=queued");
                    long waited = count(server, "event=start", "waited=");
                    System.out.printf("WaitQueueRealClientsTest: 48 clients in %.1f s, %d queued%n", seconds, queued);
                    assertThat(count(server, "event=start")).isEqualTo(48);
                    assertThat(waited).as("every queued test's start line says how long it waited").isEqualTo(queued);
                    assertThat(queued).as("48 at once against 16 places: some waited").isPositive();
                    assertThat(count(server, "event=busy")).isZero();
                    assertThat(count(server, "event=end", "result=ok")).isEqualTo(48);
                    assertThat(server.server.queuedTests()).isZero();
                } finally {
                    for (Iperf3Process c : clients) {
                        c.close();
                    }
                }
            }
        });
    }

    @Tag("peer")
    @Test
    void aClientHeldLongerThanTheQueueTimeoutIsToldBusy() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-concurrent", "1", "--queue", "4",
                    "--queue-timeout", "2");
                 Iperf3Process first = server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.2", "-t", "10")) {
                server.awaitLogLine(Duration.ofSeconds(15), "event=start client=127.0.0.2:");
                for (Iperf3Binary v : Iperf3Binary.values()) {
                    long t0 = System.nanoTime();
                    try (Iperf3Process held = server.iperf3Client(v, "-B", "127.0.0.3", "-t", "1")) {
                        assertThat(held.waitFor(Duration.ofSeconds(20))).as("%s exit status", v.label).isPositive();
                        double s = (System.nanoTime() - t0) / 1e9;
                        assertThat(held.stdout() + held.stderr()).as(v.label).contains(BUSY);
                        assertThat(s).as("%s: not before the queue timeout", v.label).isGreaterThanOrEqualTo(2.0);
                    }
                }
                assertThat(count(server, "event=busy", "client=127.0.0.3:", "reason=queue-timeout waited=")).isEqualTo(2);
                assertThat(count(server, "event=end")).as("the running test was not what ended the wait").isZero();
                assertThat(first.waitFor(Duration.ofSeconds(20))).isZero();
            }
        });
    }

    @Tag("peer")
    @Test
    void beyondTheQueueTheClientIsBusyAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-concurrent", "1", "--queue", "1");
                 Iperf3Process first = server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.2", "-t", "4");
                 Iperf3Process second = startedAfter(server, "event=start client=127.0.0.2:",
                         () -> server.iperf3Client(Iperf3Binary.V3_21, "-B", "127.0.0.3", "-t", "1"))) {
                server.awaitLogLine(Duration.ofSeconds(15), "event=queued client=127.0.0.3:", "position=1 queued=1");
                try (Iperf3Process third = server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.4", "-t", "1")) {
                    assertThat(third.waitFor(Duration.ofSeconds(20))).isPositive();
                    assertThat(third.stdout() + third.stderr()).contains(BUSY);
                    assertThat(count(server, "event=end")).as("refused while the first test still ran").isZero();
                }
                server.awaitLogLine(Duration.ofSeconds(5), "event=busy client=127.0.0.4:", "reason=queue-full queued=1");
                assertThat(first.waitFor(Duration.ofSeconds(20))).isZero();
                assertThat(second.waitFor(Duration.ofSeconds(20))).as(second.stderr()).isZero();
                assertThat(second.stdout()).contains("iperf Done.");
                server.awaitLogLine(Duration.ofSeconds(5), "event=start client=127.0.0.3:", "waited=");
            }
        });
    }

    @Tag("peer")
    @Test
    void anInterruptedQueuedClientLeavesAndAClosingServerTerminatesTheHeld() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-concurrent", "1", "--queue", "4");
            try (Iperf3Process _ = server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.2", "-t", "30")) {
                server.awaitLogLine(Duration.ofSeconds(15), "event=start client=127.0.0.2:");
                try (Iperf3Process leaving = server.iperf3Client(Iperf3Binary.V3_12, "-B", "127.0.0.3", "-t", "1")) {
                    server.awaitLogLine(Duration.ofSeconds(15), "event=queued client=127.0.0.3:");
                    try (Iperf3Process staying = server.iperf3Client(Iperf3Binary.V3_21, "-B", "127.0.0.4", "-t", "1")) {
                        server.awaitLogLine(Duration.ofSeconds(15), "event=queued client=127.0.0.4:", "queued=2");
                        leaving.signal("INT");
                        assertThat(leaving.waitFor(Duration.ofSeconds(10))).isPositive();
                        assertThat(leaving.stdout() + leaving.stderr()).contains("interrupt - the client has terminated");
                        server.awaitLogLine(Duration.ofSeconds(5), "event=left client=127.0.0.3:", "waited=");
                        assertThat(server.server.queuedTests()).isEqualTo(1);
                        server.close();
                        assertThat(staying.waitFor(Duration.ofSeconds(10))).as("exit status").isNotNegative();
                        assertThat(staying.stdout() + staying.stderr()).contains("iperf3: error - the server has terminated");
                        assertThat(server.server.queuedTests()).isZero();
                        assertThat(server.logLines()).filteredOn(l -> l.contains("event=start")).hasSize(1);
                    }
                }
            } finally {
                server.close();
            }
        });
    }

    @Test
    void aQueuedConnectionLeavesByEofOrTerminateAndIsDroppedIfItSpeaks() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (TestServer server = new TestServer(ServerLimits.DEFAULTS, "--max-concurrent", "1", "--queue", "4");
                 RawPeer _ = RawPeer.atParameters(server.port())) {
                // Three addresses: one holds at most a quarter of the queue (1 of 4).
                RawPeer speaking = RawPeer.control("127.0.0.2", server.port());
                RawPeer terminating = RawPeer.control("127.0.0.3", server.port());
                RawPeer closing = RawPeer.control("127.0.0.4", server.port());
                try {
                    server.await(() -> server.server.queuedTests() == 3, Duration.ofSeconds(10), "three queued");
                    speaking.write(new byte[] {42});
                    assertThat(speaking.readToEof(5000)).as("dropped without a word").isEmpty();
                    server.awaitLogLine(Duration.ofSeconds(5), "event=drop", "reason=\"sent data while queued\"");
                    terminating.write(new byte[] {12}); // CLIENT_TERMINATE, as a client on SIGINT
                    assertThat(terminating.readToEof(5000)).isEmpty();
                    closing.close();
                    server.await(() -> server.server.queuedTests() == 0, Duration.ofSeconds(5), "the queue empty");
                    // The lobby thread counts a leaver out before it writes "left": wait for the line.
                    server.await(() -> count(server, "event=left") == 2, Duration.ofSeconds(5), "two left lines");
                    assertThat(server.logLines()).filteredOn(l -> l.contains("event=left"))
                            .anyMatch(l -> l.contains("client=127.0.0.3:")).anyMatch(l -> l.contains("client=127.0.0.4:"));
                    // The dropped one's cookie is free again: the same cookie queues, not "surplus".
                    try (RawPeer again = new RawPeer("127.0.0.2", server.port(), speaking.cookie)) {
                        again.write(speaking.cookie.wireBytes());
                        server.await(() -> server.server.queuedTests() == 1, Duration.ofSeconds(5), "queued again");
                    }
                    server.await(() -> server.server.queuedTests() == 0, Duration.ofSeconds(5), "left again");
                    assertThat(server.server.activeTests()).as("the running test kept its place").isEqualTo(1);
                } finally {
                    speaking.close();
                    terminating.close();
                    closing.close();
                }
            }
        });
    }
}
