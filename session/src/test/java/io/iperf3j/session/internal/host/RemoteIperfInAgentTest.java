package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.Transport;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.SessionException.IperfError;
import io.iperf3j.session.internal.connect.LocalConnection;
import io.iperf3j.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test's client and its server's output as jobs of the host's agent ({@code client-job.sh}, {@code output.sh}), on this
 * machine as the host: the client's lines, error lines and status come back as on a channel of its own, a stop ends it
 * while the agent waits for it, and a server's output file comes back line for line and is gone from the host.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemoteIperfInAgentTest {
    private final String tag = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final Node host = new Node("h", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3,
            Map.of(IperfKind.IPERF3, Node.Command.of("sh")));
    private final LocalConnection connection = new LocalConnection();
    private final String owner = RemoteScripts.owner("h", tag);

    @TempDir
    Path dir;

    /** This machine as a host that runs the real iperf3 from its PATH. */
    private final Node iperf3 = new Node("h", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3, Map.of());

    private HostAgent agent() throws Exception {
        HostAgent a = new HostAgent(connection, "h", owner, "agent-client-test-" + tag);
        a.start();
        return a;
    }

    /**
     * Its output lines, the last one without its newline too, its error lines apart and its status; and it ran as the
     * agent's child, not as a channel's shell (whose parent would be this JVM).
     */
    @Test
    void aClientInTheAgentGivesItsLinesItsErrorsAndItsStatus() throws Exception {
        try (HostAgent a = agent()) {
            RemoteIperf client = RemoteIperf.client(host, connection, owner, IperfKind.IPERF3,
                    List.of("-c", "echo one; echo \"parent $PPID\"; echo two >&2; printf last"), Duration.ofSeconds(20)).through(a);
            Path out = dir.resolve("client.iperf");
            RemoteIperf.ClientRun run = client.runClient(out);
            assertThat(run.stdout()).hasSize(3);
            assertThat(run.stdout().get(0)).isEqualTo("one");
            assertThat(run.stdout().get(1)).startsWith("parent ").isNotEqualTo("parent " + ProcessHandle.current().pid());
            assertThat(run.stdout().get(2)).isEqualTo("last");
            assertThat(run.stderr()).containsExactly("two");
            assertThat(run.exitStatus()).hasValue(0);
            assertThat(Files.readAllLines(out)).containsExactly("one", run.stdout().get(1), "last", "two");
            assertThat(a.take()).as("the agent answers after the job").isTrue();
        }
    }

    /** A stop from another thread kills the client from a channel of its own, as the agent is busy waiting for it. */
    @Test
    void aStoppedClientInTheAgentEndsAndTheAgentGoesOn() throws Exception {
        try (HostAgent a = agent()) {
            RemoteIperf client = RemoteIperf.client(host, connection, owner, IperfKind.IPERF3, List.of("-c", "echo started; exec sleep 30"),
                    Duration.ofSeconds(40)).through(a);
            Thread stopper = Thread.ofVirtual().start(() -> {
                try {
                    while (client.pid().isEmpty()) {
                        Thread.sleep(20);
                    }
                    Thread.sleep(300);
                    client.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.runClient(dir.resolve("client.iperf"))).isInstanceOf(IperfError.class)
                    .hasMessageContaining("stopped");
            stopper.join();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            long pid = client.pid().orElseThrow();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the client, killed").isFalse();
            assertThat(a.take()).as("the agent answers after the job").isTrue();
        }
    }

    /**
     * A stop condition that turns true while the client prints nothing (a session's watch of the receiver's connection) is
     * asked by the client's own wait, without a line to wake it: the client is stopped and killed within a look or two
     * ({@link RemoteIperf#CLIENT_LOOK}), and told as stopped; while it is false the client runs on.
     */
    @Test
    void aClientWhoseStopConditionTurnsTrueIsStoppedByItsOwnWait() throws Exception {
        try (HostAgent a = agent()) {
            RemoteIperf client = RemoteIperf.client(host, connection, owner, IperfKind.IPERF3, List.of("-c", "echo started; exec sleep 30"),
                    Duration.ofSeconds(40)).through(a);
            long t0 = System.nanoTime();
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            long after = Duration.ofMillis(1500).toNanos();
            assertThatThrownBy(() -> client.runClient(dir.resolve("client.iperf"), () -> {
                asked.incrementAndGet();
                return System.nanoTime() - t0 > after;
            })).isInstanceOf(IperfError.class).hasMessageContaining("stopped");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).as("not before the condition held").isGreaterThanOrEqualTo(Duration.ofMillis(1500));
            assertThat(took).as("within a few looks of it, far from the client's 30 s").isLessThan(Duration.ofSeconds(15));
            assertThat(asked.get()).as("asked again while no line came").isGreaterThanOrEqualTo(2);
            long pid = client.pid().orElseThrow();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the client, killed").isFalse();
            assertThat(a.take()).as("the agent answers after the job").isTrue();
        }
    }

    /**
     * A real one-off iperf3 server that no client came to: its end (the wait, then the kill) and its output come back in one
     * job of the agent, not two (issue 69); the server is gone, its output is the local copy's, line for line, and its file on
     * the host is emptied.
     */
    @Test
    void aServersEndAndItsOutputAreOneJobOfTheAgent() throws Exception {
        int port = FreePorts.next();
        try (HostAgent a = agent()) {
            RemoteIperf server = RemoteIperf.server(iperf3, connection, owner, IperfKind.IPERF3, List.of("-s", "-1", "-p",
                    Integer.toString(port))).through(a);
            String remote = "server-" + port + ".out";
            Path copy = dir.resolve("server.iperf");
            server.startServer(remote, port, Transport.TCP, Duration.ofSeconds(10), copy);
            long pid = server.pid().orElseThrow();
            long before = a.jobsSent();
            server.stopServer(copy, Duration.ofMillis(300));
            assertThat(a.jobsSent() - before).as("jobs for the server's end and its output").isEqualTo(1);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the server, killed").isFalse();
            assertThat(server.warnings()).isEmpty();
            String hostFile = Path.of(RemoteScripts.stateDir(owner), remote).toString();
            assertThat(Files.readAllLines(copy)).contains("Server listening on " + port + " (test #1)");
            assertThat(Path.of(hostFile)).isEmptyFile();
            assertThat(a.take()).as("the agent answers after the job").isTrue();
        }
    }

    /**
     * A test between two hosts for which no other test of the controller waits, with a real iperf3: the client's job and the
     * server's end are each their host's last, and each host's agent gives its slot back as that job ends, so another
     * controller has the host at once, and the test's parks send nothing. Each host is sent its take and its jobs only: 5
     * commands for the test, where a park and its give-back added 2 a host (issue 69).
     */
    @Test
    void aTestsLastJobOnEachHostGivesItsSlotBack() throws Exception {
        int port = FreePorts.next();
        String serverSlot = "agent-server-test-" + tag;
        String clientSlot = "agent-client-test-" + tag;
        String clientOwner = RemoteScripts.owner("c", tag);
        try (HostAgent s = new HostAgent(connection, "s", owner, serverSlot, null, () -> false);
                HostAgent c = new HostAgent(connection, "c", clientOwner, clientSlot, null, () -> false);
                HostAgent other = new HostAgent(connection, "o", RemoteScripts.owner("o", tag), serverSlot);
                HostAgent otherOnClient = new HostAgent(connection, "o2", RemoteScripts.owner("o2", tag), clientSlot)) {
            long sBefore = s.commandsSent();
            long cBefore = c.commandsSent();
            assertThat(s.take()).isTrue();
            assertThat(c.take()).isTrue();
            RemoteIperf server = RemoteIperf.server(iperf3, connection, owner, IperfKind.IPERF3, List.of("-s", "-1", "-p",
                    Integer.toString(port))).through(s).lastOnItsHost();
            RemoteIperf client = RemoteIperf.client(iperf3, connection, clientOwner, IperfKind.IPERF3, List.of("-c", "127.0.0.1", "-p",
                    Integer.toString(port), "-t", "1"), Duration.ofSeconds(20)).through(c).lastOnItsHost();
            Path serverCopy = dir.resolve("server.iperf");
            server.startServer("server-" + port + ".out", port, Transport.TCP, Duration.ofSeconds(10), serverCopy);
            assertThat(other.take()).as("the server's host, in the test").isFalse();
            RemoteIperf.ClientRun run = client.runClient(dir.resolve("client.iperf"));
            assertThat(run.exitStatus()).hasValue(0);
            assertThat(otherOnClient.take()).as("the client's host, given back by its client's job").isTrue();
            assertThat(other.take()).as("the server's host, until its end").isFalse();
            server.stopServer(serverCopy, Duration.ofSeconds(10));
            assertThat(Files.readString(serverCopy)).contains("Server listening on " + port);
            assertThat(other.take()).as("the server's host, given back by its end's job").isTrue();
            s.park();
            c.park();
            assertThat(s.commandsSent() - sBefore).as("the server's host: its take, its start, its end").isEqualTo(3);
            assertThat(c.commandsSent() - cBefore).as("the client's host: its take, its client").isEqualTo(2);
            assertThat(server.warnings()).isEmpty();
            other.give();
            otherOnClient.give();
        }
    }

    /**
     * A server that does not come up: its output, the last line without its newline too, comes back through the agent, and
     * its file on the host is emptied (kept for the next server on its port: no inode made and freed a test).
     */
    @Test
    void aServersOutputComesBackThroughTheAgentAndIsEmptiedOnTheHost() throws Exception {
        try (HostAgent a = agent()) {
            RemoteIperf server = RemoteIperf.server(host, connection, owner, IperfKind.IPERF3, List.of("-c", "printf 'a\\nb'; exec sleep 30"))
                    .through(a);
            String remote = "server.out";
            Path copy = dir.resolve("server.iperf");
            assertThatThrownBy(() -> server.startServer(remote, 1, Transport.UDP, Duration.ofMillis(500), copy))
                    .isInstanceOf(IperfError.class);
            assertThat(Files.readAllLines(copy)).containsExactly("a", "b");
            assertThat(Path.of(RemoteScripts.stateDir(owner), remote)).isEmptyFile();
        }
    }
}
