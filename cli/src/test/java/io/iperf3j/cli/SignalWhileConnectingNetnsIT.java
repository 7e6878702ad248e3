package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;
import io.iperf3j.testing.Netns;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 46: a signal while the client waits for an answer that never comes, in its TCP connect and in a UDP
 * stream's set-up. Inside a
 * network namespace of its own ({@code sig<hex>c}) nft drops every SYN to one port, so the connect
 * hangs; once the client's first SYN is counted, it gets SIGINT. iperf3 3.12 jumps out of
 * {@code connect()} to its signal handler: {@code interrupt - the client has terminated}, exit status 1.
 * iperf3j printed {@code unable to connect to server: Interrupted system call}. The built jar and the
 * real 3.12 run the same command in the same namespace.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SignalWhileConnectingNetnsIT {
    private static final int PORT = 5999;
    private static final Duration END = Duration.ofSeconds(20);

    @BeforeAll
    static void rootIpNftAndIperf3() throws Exception {
        Netns.require("SignalWhileConnectingNetnsIT", "ip", "nft");
        Iperf3Binary.require();
    }

    @Test
    void sigintWhileConnectingIsIperf3sInterrupt() throws Exception {
        try (Netns n = Netns.open("sig")) {
            String ns = n.add("c");
            n.nft(ns, "table inet sig {\n counter syns { }\n chain out {\n  type filter hook output priority 0;\n"
                    + "  tcp dport " + PORT + " tcp flags syn counter name \"syns\" drop\n }\n}");
            List<String> args = List.of("-c", "127.0.0.1", "-p", Integer.toString(PORT));
            Ended real = interruptWhileConnecting(n, ns, command(Iperf3Binary.PATH.toString(), args));
            Ended ours = interruptWhileConnecting(n, ns, JarProcess.command(List.of(), args));
            assertThat(real.stderr()).isEqualTo("iperf3: interrupt - the client has terminated\n");
            assertThat(real.exit()).isEqualTo(1);
            assertThat(ours.stderr()).isEqualTo(real.stderr().replace("iperf3", "iperf3j"));
            assertThat(ours.exit()).isEqualTo(real.exit());
            assertThat(ours.afterSignal()).as("from the signal to the exit").isLessThan(Duration.ofMillis(500));
        }
    }

    /**
     * A UDP test whose server answers on TCP but whose UDP port nft drops: the client's first datagram
     * on the stream gets no reply. 3.12 ends in milliseconds on SIGINT; iperf3j went on waiting ~26 s
     * and then said "unable to read from stream socket: Resource temporarily unavailable". A signal 1 s,
     * 2 s and 4 s into the wait (INT, and TERM once) ends it within 0.5 s with iperf3's words and status.
     */
    @Test
    void signalWhileAUdpStreamWaitsForItsReplyIsIperf3sInterrupt() throws Exception {
        try (Netns n = Netns.open("sig")) {
            String ns = n.add("u");
            n.nft(ns, "table inet sig {\n counter udps { }\n chain in {\n  type filter hook input priority 0;\n"
                    + "  udp dport " + PORT + " counter name \"udps\" drop\n }\n}");
            try (Iperf3Process server = Iperf3Process.start(Netns.inside(ns,
                    command(Iperf3Binary.PATH.toString(), List.of("-s", "-p", Integer.toString(PORT)))))) {
                assertThat(server.awaitListening(PORT, END)).as("server: %s", server.stderr()).isTrue();
                List<String> args = List.of("-u", "-c", "127.0.0.1", "-p", Integer.toString(PORT));
                Ended real = signalWhileUdpWaits(n, ns, command(Iperf3Binary.PATH.toString(), args), 1000, "INT");
                assertThat(real.stderr()).isEqualTo("iperf3: interrupt - the client has terminated\n");
                assertThat(real.exit()).isEqualTo(1);
                for (Object[] when : new Object[][] {{1000, "INT"}, {2000, "INT"}, {4000, "INT"}, {1000, "TERM"}}) {
                    Ended ours = signalWhileUdpWaits(n, ns, JarProcess.command(List.of(), args), (int) when[0],
                            (String) when[1]);
                    assertThat(ours.stderr()).as("SIG%s %s ms into the wait", when[1], when[0])
                            .isEqualTo(real.stderr().replace("iperf3", "iperf3j"));
                    assertThat(ours.exit()).isEqualTo(real.exit());
                    assertThat(ours.afterSignal()).as("from SIG%s %s ms into the wait to the exit", when[1], when[0])
                            .isLessThan(Duration.ofMillis(500));
                }
            }
        }
    }

    /** Waits for the client's first UDP datagram (dropped), then {@code afterMs} more, signals and times the exit. */
    private static Ended signalWhileUdpWaits(Netns n, String ns, List<String> command, int afterMs, String signal)
            throws Exception {
        n.counter(ns, "sig", "udps", true);
        try (Iperf3Process p = Iperf3Process.start(Netns.inside(ns, command))) {
            long deadline = System.nanoTime() + END.toNanos();
            while (n.counter(ns, "sig", "udps", false) == 0) {
                assertThat(p.isAlive()).as("still setting up: %s", p.stderr()).isTrue();
                assertThat(System.nanoTime()).as("a UDP datagram within %s", END).isLessThan(deadline);
                Thread.sleep(20);
            }
            Thread.sleep(afterMs);
            assertThat(p.isAlive()).as("still waiting for the reply: %s", p.stderr()).isTrue();
            long signalled = System.nanoTime();
            p.signal(signal);
            int exit = p.waitFor(Duration.ofSeconds(40));
            return new Ended(exit, p.stderr(), Duration.ofNanos(System.nanoTime() - signalled));
        }
    }

    record Ended(int exit, String stderr, Duration afterSignal) {
    }

    private static List<String> command(String program, List<String> args) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(program), args.stream()).toList();
    }

    /** Waits for the process's first SYN (the connect is under way), sends SIGINT and times the exit. */
    private static Ended interruptWhileConnecting(Netns n, String ns, List<String> command) throws Exception {
        n.counter(ns, "sig", "syns", true);
        try (Iperf3Process p = Iperf3Process.start(Netns.inside(ns, command))) {
            long deadline = System.nanoTime() + END.toNanos();
            while (n.counter(ns, "sig", "syns", false) == 0) {
                assertThat(p.isAlive()).as("still connecting: %s", p.stderr()).isTrue();
                assertThat(System.nanoTime()).as("a SYN within %s", END).isLessThan(deadline);
                Thread.sleep(20);
            }
            Thread.sleep(300); // well inside the wait for the SYN's answer
            long signalled = System.nanoTime();
            p.signal("INT");
            int exit = p.waitFor(END);
            return new Ended(exit, p.stderr(), Duration.ofNanos(System.nanoTime() - signalled));
        }
    }
}
