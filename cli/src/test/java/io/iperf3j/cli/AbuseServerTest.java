package io.iperf3j.cli;

import io.iperf3j.testing.AbuseHarness;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.LogLines;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code iperf3j -s} as a process against {@link AbuseHarness}'s abusive clients (issue 36): one
 * address's silent connections, stalled control connections and cookie flood leave the others
 * their share of the server, a test the server cuts tells its client why, and an address whose
 * test was cut for its rate waits out its cool-down. Real iperf3 3.12 and 3.21 clients come from
 * other loopback addresses ({@code -B 127.0.0.N}).
 */
@Tag("peer")
class AbuseServerTest {
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(30);
    private static final String BUSY = "the server is busy running a test";
    /** Raw newcomers from other addresses in each run of the cookie flood. */
    private static final int NEWCOMERS = 30;

    /** {@code iperf3j -s --server-log} with {@code extra} on a free port, listening. */
    private static Iperf3Process server(int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("-s", "-p", Integer.toString(port), "--server-log"));
        args.addAll(List.of(extra));
        Iperf3Process server = CommandProcess.start(args);
        assertThat(server.awaitListening(port, Duration.ofSeconds(30))).as("server listens: %s", server).isTrue();
        return server;
    }

    /** Log lines of {@code server} with every fragment. */
    private static long count(Iperf3Process server, String... fragments) {
        return LogLines.countWithAll(server.stderr().lines(), fragments);
    }

    /** {@link #count}, polled until it reaches {@code n} or {@link #CLIENT_LIMIT} passes; the last count. */
    private static long awaitCount(Iperf3Process server, long n, String... fragments) throws InterruptedException {
        long deadline = System.nanoTime() + CLIENT_LIMIT.toNanos();
        long seen = count(server, fragments);
        while (seen < n && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            seen = count(server, fragments);
        }
        return seen;
    }

    /** Real clients, alternately 3.12 and 3.21, one from each address. */
    private static List<Iperf3Process> clients(AbuseHarness h, List<String> from, String... args) {
        List<Iperf3Process> started = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            started.add(h.client(i % 2 == 0 ? Iperf3Binary.V3_12 : Iperf3Binary.V3_21, from.get(i), args));
        }
        return started;
    }

    private static void assertServed(List<Iperf3Process> clients, Iperf3Process server) {
        for (Iperf3Process c : clients) {
            assertThat(c.waitFor(CLIENT_LIMIT)).as("%s\n%s%s\nserver:\n%s", c.command(), c.stdout(), c.stderr(),
                    server.stderr()).isZero();
            assertThat(c.stdout()).contains("iperf Done.");
            assertThat(c.stdout() + c.stderr()).doesNotContain(BUSY);
        }
    }

    private static List<String> addresses(int first, int n) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.add("127.0.0." + (first + i));
        }
        return a;
    }

    private static void closeAll(List<Iperf3Process> ps) {
        for (Iperf3Process p : ps) {
            p.close();
        }
    }

    @Test
    void elevenHundredSilentConnectionsFromOneAddressLeaveRoomForEightRealClients() {
        Iperf3Binary.require();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            int port = FreePorts.next();
            try (Iperf3Process server = server(port);
                 AbuseHarness h = new AbuseHarness("127.0.0.1", port)) {
                h.silent("127.0.0.2", 1100);
                // The address's part (256 of the 1024) is held; the rest were closed at once.
                assertThat(server.awaitStderr("more than 256 connections from 127.0.0.2/32 waiting", CLIENT_LIMIT))
                        .as(server.stderr()).isTrue();
                List<Iperf3Process> clients = clients(h, addresses(10, 8), "-t", "1");
                try {
                    assertServed(clients, server);
                } finally {
                    closeAll(clients);
                }
                List<String> log = server.stderr().lines().toList();
                int started = 0;
                for (String l : log) {
                    if (l.contains("no cookie within")) {
                        break; // the silent ones' deadline: every client must have started before it
                    }
                    if (l.contains("event=start")) {
                        started++;
                    }
                }
                assertThat(started).as("8 tests started while the 256 silent connections still waited:\n%s",
                        String.join("\n", log)).isEqualTo(8);
            }
        });
    }

    @Test
    void fiftyStalledControlConnectionsFromOneAddressLeaveTheQueueToOthers() {
        Iperf3Binary.require();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            int port = FreePorts.next();
            try (Iperf3Process server = server(port, "--max-concurrent", "4", "--queue", "16", "--max-per-client", "2");
                 AbuseHarness h = new AbuseHarness("127.0.0.1", port)) {
                List<Socket> stalled = h.stalled("127.0.0.2", 50);
                List<Integer> answers = AbuseHarness.firstBytes(stalled, Duration.ofSeconds(5));
                // 2 places (--max-per-client), 4 queue places (16 / 4), 44 told busy.
                assertThat(Collections.frequency(answers, AbuseHarness.PARAM_EXCHANGE)).as("%s", answers).isEqualTo(2);
                assertThat(Collections.frequency(answers, AbuseHarness.NOTHING)).as("%s", answers).isEqualTo(4);
                assertThat(Collections.frequency(answers, AbuseHarness.ACCESS_DENIED)).as("%s", answers).isEqualTo(44);
                assertThat(server.awaitStderr("reason=queue-per-client queued=4 limit=4 prefix=127.0.0.2/32",
                        CLIENT_LIMIT)).as(server.stderr()).isTrue();
                List<Iperf3Process> clients = clients(h, addresses(3, 6), "-t", "2");
                try {
                    assertServed(clients, server);
                } finally {
                    closeAll(clients);
                }
                assertThat(count(server, "event=queued client=127.0.0.", "prefix=127.0.0.2/32")).isEqualTo(4);
                assertThat(server.stderr().lines().filter(l -> l.contains("event=queued")
                        && !l.contains("prefix=127.0.0.2/32"))).as("others waited in the queue, and were served")
                        .isNotEmpty();
                assertThat(server.stderr().lines().filter(l -> l.contains("event=busy")
                        && !l.contains("client=127.0.0.2:"))).as("nobody else told busy").isEmpty();
                assertThat(count(server, "event=start")).as("the 6 others (the stalled never send parameters)")
                        .isEqualTo(6);
            }
        });
    }

    @Test
    void aOneAddressCookieFloodTellsNoNewcomerBusyOverFiveRuns() {
        Iperf3Binary.require();
        assertTimeoutPreemptively(Duration.ofSeconds(150), () -> {
            int port = FreePorts.next();
            try (Iperf3Process server = server(port, "--max-concurrent", "16", "--queue", "16", "--max-per-client", "4");
                 AbuseHarness h = new AbuseHarness("127.0.0.1", port)) {
                long flooded = 0;
                for (int run = 0; run < 5; run++) {
                    AbuseHarness.Flood flood = h.cookieFlood("127.0.0.2", 8, Duration.ofSeconds(2));
                    List<Iperf3Process> clients = clients(h, List.of("127.0.0." + (10 + 2 * run), "127.0.0." + (11 + 2 * run)),
                            "-t", "1");
                    try {
                        // At most 4 flood tests, 2 real clients and this newcomer run: a place is always free.
                        for (int i = 0; i < NEWCOMERS; i++) {
                            int answer = h.firstAnswer("127.0.0." + (100 + i), Duration.ofSeconds(10));
                            assertThat(answer).as("run %d newcomer %d: PARAM_EXCHANGE (255: busy); server:\n%s", run, i,
                                    server.stderr()).isEqualTo(AbuseHarness.PARAM_EXCHANGE);
                        }
                        assertServed(clients, server);
                    } finally {
                        flooded += flood.stop();
                        closeAll(clients);
                    }
                }
                System.out.printf("AbuseServerTest: cookie flood of %d connections over 5 runs%n", flooded);
                assertThat(flooded).as("the flood flooded").isGreaterThan(100);
                assertThat(server.stderr().lines().filter(l -> l.contains("event=busy")
                        && !l.contains("client=127.0.0.2:"))).as("nobody else told busy").isEmpty();
            }
        });
    }

    @Test
    void aStoppedRunningClientIsCutAndAKilledQueuedOneLeavesSoTheNextIsServed() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            int port = FreePorts.next();
            try (Iperf3Process server = server(port, "--max-concurrent", "1", "--queue", "4", "--rcv-timeout", "1000");
                 AbuseHarness h = new AbuseHarness("127.0.0.1", port);
                 Iperf3Process running = h.client(Iperf3Binary.V3_21, "127.0.0.2", "-t", "30", "-b", "10M")) {
                assertThat(server.awaitStderr("event=start client=127.0.0.2:", CLIENT_LIMIT)).as(server.stderr()).isTrue();
                try (Iperf3Process killed = h.client(Iperf3Binary.V3_12, "127.0.0.3", "-t", "1")) {
                    assertThat(server.awaitStderr("event=queued client=127.0.0.3:", CLIENT_LIMIT)).as(server.stderr())
                            .isTrue();
                    try (Iperf3Process next = h.client(Iperf3Binary.V3_12, "127.0.0.4", "-t", "1")) {
                        assertThat(server.awaitStderr("event=queued client=127.0.0.4:", CLIENT_LIMIT))
                                .as(server.stderr()).isTrue();
                        killed.signal("KILL");
                        assertThat(server.awaitStderr("event=left client=127.0.0.3:", CLIENT_LIMIT))
                                .as("a kill -9'd queued client leaves the queue: %s", server.stderr()).isTrue();
                        running.signal("STOP");
                        try {
                            assertServed(List.of(next), server);
                        } finally {
                            running.signal("CONT");
                        }
                    }
                }
                assertThat(awaitCount(server, 1, "event=end client=127.0.0.2:", "result=cut", "nothing received for 1000 ms"))
                        .as(server.stderr()).isEqualTo(1);
                assertThat(count(server, "event=start client=127.0.0.3:")).as("the killed one never ran").isZero();
            }
        });
    }

    @Test
    void aTestCutByServerMaxDurationTellsItsClientWhy() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int port = FreePorts.next();
            try (Iperf3Process server = server(port, "--server-max-duration", "1");
                 AbuseHarness h = new AbuseHarness("127.0.0.1", port);
                 Iperf3Process v312 = h.client(Iperf3Binary.V3_12, "127.0.0.2", "-n", "1T", "-b", "10M");
                 Iperf3Process v321 = h.client(Iperf3Binary.V3_21, "127.0.0.3", "-n", "1T", "-b", "10M")) {
                assertThat(v321.waitFor(CLIENT_LIMIT)).as("3.21 exit status").isPositive();
                assertThat(v321.stderr()).as("3.21").contains(
                        "iperf3: SERVER ERROR - server test duration expired",
                        "iperf3: error - server test duration expired");
                v312.waitFor(CLIENT_LIMIT);
                // 3.12 has no text for code 160 (its libiperf has no "expired" string).
                assertThat(v312.stderr()).as("3.12").contains("iperf3: error - int_errno=160");
                // the client reads the reason before the server's test thread writes its end line
                assertThat(awaitCount(server, 2, "event=end", "result=cut",
                        "server test duration expired (ran past --server-max-duration 1 s)")).as(server.stderr()).isEqualTo(2);
            }
        });
    }

    @Test
    void aRestartedPolicedTestIsRefusedDuringItsCoolDown() {
        Iperf3Binary.require();
        Iperf3Binary.V3_21.requireThis();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int port = FreePorts.next();
            try (Iperf3Process server = server(port, "--server-bitrate-limit", "20M/1", "--cool-down", "30");
                 AbuseHarness h = new AbuseHarness("127.0.0.1", port)) {
                String reason = "total required bandwidth is larger than server limit";
                try (Iperf3Process policed = h.client(Iperf3Binary.V3_21, "127.0.0.2", "-t", "10")) {
                    assertThat(policed.waitFor(CLIENT_LIMIT)).as("cut").isPositive();
                    assertThat(policed.stderr()).contains(reason);
                }
                for (Iperf3Binary v : Iperf3Binary.values()) {
                    try (Iperf3Process again = h.client(v, "127.0.0.2", "-t", "10")) {
                        again.waitFor(CLIENT_LIMIT);
                        assertThat(again.stdout()).as("%s: refused before a stream connected", v.label)
                                .doesNotContain("connected to");
                        assertThat(again.stderr()).as(v.label).contains("iperf3: error - " + reason);
                    }
                }
                assertThat(count(server, "event=refused reason=cool-down client=127.0.0.2:", "prefix=127.0.0.2/32",
                        "cool_down=30")).isEqualTo(2);
                try (Iperf3Process other = h.client(Iperf3Binary.V3_12, "127.0.0.3", "-t", "1", "-b", "5M")) {
                    assertServed(List.of(other), server);
                }
            }
        });
    }
}
