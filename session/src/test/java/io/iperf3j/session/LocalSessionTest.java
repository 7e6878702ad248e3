package io.iperf3j.session;

import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.SessionException.IperfError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.Transport;
import io.iperf3j.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.internal.connect.LocalConnection;
import io.iperf3j.session.internal.host.RemoteIperf;
import io.iperf3j.session.internal.output.OutputNaming;
import io.iperf3j.session.internal.run.PairSession;

/** A session between two "hosts" that are both this machine (local connections, loopback). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalSessionTest {
    @TempDir
    Path dir;

    @Tag("peer")
    @Test
    void iperf3PairOnLoopbackGivesMatchingBytes() throws Exception {
        Node tpc = Node.of("tpc", "127.0.0.1", Node.Role.TRAFFIC_PC, Node.Access.local(), IperfKind.IPERF3);
        Node dut = Node.of("dut" + ProcessHandle.current().pid(), "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3);
        PairSession session = new PairSession(Map.of(dut.id(), dut), tpc, "base", dir);
        IperfSession.DirectedTest p = new IperfSession.DirectedTest(dut.id(), "downlink", TestSpec.tcp(1).withPort(FreePorts.next()));
        assertThat(session.participants(p)).isEqualTo(new IperfSession.SenderReceiver(tpc, dut));
        assertThat(session.filename(p, "pre")).isEqualTo(dut.id() + "_pre_base.iperf");
        TestResult r = session.call(p, "pre");
        assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
        TestResult.Outcome.Completed c = (TestResult.Outcome.Completed) r.outcome();
        assertThat(c.receivedBytes()).isEqualTo(r.serverParsed().orElseThrow().summary().receivedBytes().getAsLong());
        assertThat(c.receivedBytes()).isPositive();
        assertThat(r.clientOutput().orElseThrow().getFileName().toString()).startsWith("tcp_base_downstream_tx_");
        assertThat(r.serverOutput().orElseThrow().getFileName().toString()).startsWith("tcp_downstream_rx_");
        assertThat(session.poll()).contains(r);
    }

    /**
     * An iperf3j older than {@code --why} on the hosts (a fleet upgraded unevenly) refuses the flag: the test runs
     * again without it and completes, with no verdict and a warning that says why, and the host's next test asks
     * no verdict from the start. The "old iperf3j" is a script that answers {@code --why} as iperf3j's {@code -J}
     * answers an unknown option and runs Debian's iperf3 otherwise.
     */
    @Tag("peer")
    @Test
    void anIperf3jOlderThanWhyRunsTheTestWithoutIt() throws Exception {
        Path calls = dir.resolve("calls.txt");
        Path old = dir.resolve("old-iperf3j");
        Files.writeString(old, "#!/bin/sh\necho \"$*\" >> " + calls + "\nfor a; do if [ \"$a\" = --why ]; then\n"
                + "printf '{\\n\\t\"start\":\\t{},\\n\\t\"error\":\\t\"unrecognized option %s\"\\n}\\n' \"'--why'\"; exit 1; fi; done\n"
                + "exec /usr/bin/iperf3 \"$@\"\n");
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<IperfKind, Node.Command> commands = Map.of(IperfKind.IPERF3J, new Node.Command(List.of(old.toString())));
        Node tpc = new Node("tpc", "127.0.0.1", Node.Role.TRAFFIC_PC, Node.Access.local(), IperfKind.IPERF3J, commands);
        Node dut = new Node("dut" + ProcessHandle.current().pid(), "127.0.0.1", Node.Role.NODE, Node.Access.local(),
                IperfKind.IPERF3J, commands);
        PairSession session = new PairSession(Map.of(dut.id(), dut), tpc, "base", dir);
        for (int i = 1; i <= 2; i++) {
            TestResult r = session.call(new IperfSession.DirectedTest(dut.id(), "downlink", TestSpec.tcp(1).withPort(FreePorts.next())),
                    "t" + i);
            assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
            assertThat(r.why()).isNotEmpty().allSatisfy(v -> assertThat(v.cause()).isEqualTo(io.iperf3j.Cause.NOT_DETERMINED));
            if (i == 1) {
                assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("tpc: its iperf3j predates --why"));
            } else {
                assertThat(r.warnings()).noneSatisfy(w -> assertThat(w).contains("predates --why"));
            }
        }
        List<String> clients = Files.readAllLines(calls).stream().filter(l -> l.startsWith("-c ")).toList();
        // the first test's client twice (with --why, refused, then without), the second's once, without
        assertThat(clients).hasSize(3);
        assertThat(clients.get(0)).contains("--why");
        assertThat(clients.subList(1, 3)).allSatisfy(l -> assertThat(l).doesNotContain("--why"));
    }

    /** This machine as a host ({@link LocalConnection}), with a look at every command before it starts. */
    private static class OnLocal implements Connection {
        final Connection inner = new LocalConnection();

        /** Called with each command before it is started. */
        void starting(String script) {
        }

        @Override
        public String describe() {
            return inner.describe();
        }

        @Override
        public java.util.concurrent.locks.ReentrantLock lock() {
            return inner.lock();
        }

        @Override
        public Connection.Wrapper wrapper() {
            return inner.wrapper();
        }

        @Override
        public Connection.RemoteProcess start(String script) throws ConnectionError {
            starting(script);
            return inner.start(script);
        }

        @Override
        public void fetch(String remotePath, Path local) throws ConnectionError {
            inner.fetch(remotePath, local);
        }

        @Override
        public void upload(Path local, String remotePath, Duration timeout) throws ConnectionError, InterruptedException {
            inner.upload(local, remotePath, timeout);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** Counts what a test asks of a host: every command starts a login shell there, which may cost 0.5 s. */
    private static final class Counting extends OnLocal {
        final List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> copies = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        void starting(String script) {
            commands.add(script);
        }

        @Override
        public void fetch(String remotePath, Path local) throws ConnectionError {
            copies.add("fetch " + remotePath);
            inner.fetch(remotePath, local);
        }

        @Override
        public void take(String remotePath, Path local) throws ConnectionError, InterruptedException {
            copies.add("take " + remotePath);
            inner.fetch(remotePath, local);
            try {
                Files.deleteIfExists(Path.of(remotePath));
            } catch (java.io.IOException e) {
                throw new ConnectionError(e.getMessage(), e);
            }
        }
    }

    /**
     * A test asks the receiver for two commands (start with its listen wait; the end: wait, kill)
     * and one copy that also removes the host's file, and the sender for one command.
     */
    @Tag("peer")
    @Test
    void aTestRunsThreeCommandsAndOneCopy() throws Exception {
        Counting tpcHost = new Counting();
        Counting dutHost = new Counting();
        Node tpc = Node.of("tpc", "127.0.0.1", Node.Role.TRAFFIC_PC,
                new Node.Access.Custom(Connection.Wrapper.NONE, () -> tpcHost), IperfKind.IPERF3);
        Node dut = Node.of("dutc" + ProcessHandle.current().pid(), "127.0.0.1", Node.Role.NODE,
                new Node.Access.Custom(Connection.Wrapper.NONE, () -> dutHost), IperfKind.IPERF3);
        PairSession session = new PairSession(Map.of(dut.id(), dut), tpc, "", dir);
        TestResult r = session.call(new IperfSession.DirectedTest(dut.id(), "downlink", TestSpec.tcp(1).withPort(FreePorts.next())), null);
        assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
        assertThat(tpcHost.commands).as("the sender's commands").hasSize(1);
        assertThat(dutHost.commands).as("the receiver's commands").hasSize(2);
        assertThat(dutHost.copies).hasSize(1).allMatch(c -> c.startsWith("take "));
        assertThat(Path.of(dutHost.copies.get(0).substring("take ".length()))).as("the host's copy is removed").doesNotExist();
        assertThat(r.serverParsed().orElseThrow().summary().receivedBytes().getAsLong()).isPositive();
    }

    @Test
    void unknownDirectionAndNodeAreConfigurationErrors() {
        Node tpc = Node.of("tpc", "127.0.0.1", Node.Role.TRAFFIC_PC, Node.Access.local(), IperfKind.IPERF3);
        Node dut = Node.of("dut", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3);
        PairSession session = new PairSession(Map.of("dut", dut), tpc, "", dir);
        assertThatThrownBy(() -> session.participants(new IperfSession.DirectedTest("dut", "bogus", TestSpec.tcp(1))))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("bogus");
        assertThatThrownBy(() -> session.participants(new IperfSession.DirectedTest("nope", "up", TestSpec.tcp(1))))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("nope");
        for (String up : List.of("up", "uplink", "tx", "transmit", "send", "from_node")) {
            assertThat(sessionParticipants(session, up).sender()).isEqualTo(dut);
        }
        for (String down : List.of("down", "downlink", "rx", "receive", "to_node")) {
            assertThat(sessionParticipants(session, down).sender()).isEqualTo(tpc);
        }
    }

    private static IperfSession.SenderReceiver sessionParticipants(PairSession s, String d) {
        try {
            return s.participants(new IperfSession.DirectedTest("dut", d, TestSpec.tcp(1)));
        } catch (IperfConfigurationError e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void missingBinaryIsACommandError() throws Exception {
        Node tpc = Node.of("tpc", "127.0.0.1", Node.Role.TRAFFIC_PC, Node.Access.local(), IperfKind.IPERF3);
        Node dut = new Node("dutmissing", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3,
                Map.of(IperfKind.IPERF3, new Node.Command(List.of("/nonexistent/iperf3"))));
        PairSession session = new PairSession(Map.of(dut.id(), dut), tpc, "", dir);
        TestResult r = session.call(new IperfSession.DirectedTest(dut.id(), "down", TestSpec.tcp(1).withPort(FreePorts.next())), null);
        assertThat(r.outcome()).isInstanceOf(TestResult.Outcome.Failed.class);
        assertThat(((TestResult.Outcome.Failed) r.outcome()).error()).isInstanceOf(IperfCommandError.class)
                .hasMessageContaining("127");
    }

    @Test
    void prefixWrapperRunsTheCommandThroughIt() throws Exception {
        Path log = dir.resolve("wrapper.log");
        Path wrapper = dir.resolve("wrap.sh");
        Files.writeString(wrapper, "#!/bin/sh\necho \"$@\" >> " + log + "\nexec \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        Path fake = bin.resolve("hello-iperf");
        Files.writeString(fake, "#!/bin/sh\necho hello from $LD_LIBRARY_PATH\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        LocalConnection c = new LocalConnection(new Connection.Wrapper(List.of(wrapper.toString()), List.of(bin.toString()),
                List.of("/opt/lib")));
        Connection.CommandResult r = c.run("hello-iperf", Duration.ofSeconds(10));
        assertThat(r.exitStatus()).isZero();
        assertThat(r.stdout()).startsWith("hello from /opt/lib");
        assertThat(Files.readString(log)).startsWith("sh -c ");
    }

    @Tag("peer")
    @Test
    void udpIperf2PairParsesIntoSamples() throws Exception {
        Node tpc = Node.of("tpc2", "127.0.0.1", Node.Role.TRAFFIC_PC, Node.Access.local(), IperfKind.IPERF2);
        Node dut = Node.of("dut2", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF2);
        PairSession session = new PairSession(Map.of(dut.id(), dut), tpc, "", dir);
        TestSpec spec = TestSpec.tcp(2).withProtocol(Transport.UDP).withArgs(List.of("-b", "10M")).withPort(FreePorts.next());
        TestResult r = session.call(new IperfSession.DirectedTest(dut.id(), "up", spec), null);
        assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
        assertThat(r.serverParsed().orElseThrow().intervals()).hasSizeGreaterThanOrEqualTo(1);
        double mbps = ((TestResult.Outcome.Completed) r.outcome()).receivedBitsPerSecond() / 1e6;
        assertThat(mbps).isBetween(9.0, 11.0);
    }

    @Test
    void cleanStaleKillsOnlyProcessesThisToolMarked() throws Exception {
        String id = "stale" + ProcessHandle.current().pid();
        Connection host = new LocalConnection();
        String d = io.iperf3j.session.internal.host.RemoteScripts.stateDir(id);
        // one process started the way the session starts iperf (marked), one that merely has a PID file there
        Connection.CommandResult r = host.run("(umask 077; mkdir -p " + d + "); env IPERF3J_SESSION_NODE=" + id
                + " sleep 300 >/dev/null 2>&1 </dev/null & echo $! > " + d + "/$!.pid; echo $!; "
                + "sleep 300 >/dev/null 2>&1 </dev/null & echo $! > " + d + "/$!.pid; echo $!", Duration.ofSeconds(10));
        String[] pids = r.stdout().trim().split("\\s+");
        ProcessHandle marked = ProcessHandle.of(Long.parseLong(pids[0])).orElseThrow();
        ProcessHandle unmarked = ProcessHandle.of(Long.parseLong(pids[1])).orElseThrow();
        try {
            RemoteIperf.cleanStale(host, id);
            marked.onExit().get(10, TimeUnit.SECONDS);
            assertThat(marked.isAlive()).isFalse();
            assertThat(unmarked.isAlive()).as("a process without the mark is never killed").isTrue();
        } finally {
            marked.destroyForcibly();
            unmarked.destroyForcibly();
        }
    }

    /**
     * A host's iperf command may be a launcher that forks (sudo, a wrapper script) and whose child ignores
     * TERM: both the stop's kill (TERM, then KILL) and the stale clean-up (KILL) end the child too. Before
     * they killed the launcher's PID alone and its child ran on for good, reparented to init (the schedule
     * lab's wrapper, 2026-11-26).
     */
    @Tag("slow")
    @Test
    void killsReachALaunchersChildren() throws Exception {
        String id = "tree" + ProcessHandle.current().pid();
        Connection host = new LocalConnection();
        for (boolean stale : new boolean[] {false, true}) {
            Path childPid = dir.resolve("child-" + stale);
            String launcher = "sh -c " + Connection.Shell.quote("trap '' TERM; sleep 300 & echo $! > " + childPid + "; wait");
            Connection.CommandResult r = host.run(io.iperf3j.session.internal.host.RemoteScripts.background(id, launcher,
                    "out-" + stale), Duration.ofSeconds(10));
            long launcherPid = io.iperf3j.session.internal.host.HostReply.pid(r.stdout().lines().findFirst().orElse("")).orElseThrow();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!(Files.exists(childPid) && Files.readString(childPid).endsWith("\n")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            ProcessHandle parent = ProcessHandle.of(launcherPid).orElseThrow();
            ProcessHandle child = ProcessHandle.of(Long.parseLong(Files.readString(childPid).strip())).orElseThrow();
            try {
                if (stale) {
                    RemoteIperf.cleanStale(host, id);
                } else {
                    assertThat(host.run(io.iperf3j.session.internal.host.RemoteScripts.kill(id, launcherPid),
                            Duration.ofSeconds(20)).stdout()).contains("@@gone");
                }
                child.onExit().get(10, TimeUnit.SECONDS);
                parent.onExit().get(10, TimeUnit.SECONDS);
                assertThat(child.isAlive()).as("the launcher's child (stale clean-up: %s)", stale).isFalse();
            } finally {
                child.destroyForcibly();
                parent.destroyForcibly();
            }
        }
    }

    /**
     * The stale clean-up (also the stop's, for a server whose start had not told its PID yet) sends TERM
     * before KILL, so a launcher can end its child and say so. Before it sent KILL at once: the schedule
     * lab's wrapper, stopped as a server started, never stamped its iperf3's end (CI, stop 42).
     */
    @Test
    void staleCleanUpTermsBeforeItKills() throws Exception {
        String id = "term" + ProcessHandle.current().pid();
        Connection host = new LocalConnection();
        Path said = dir.resolve("said-term");
        String launcher = "sh -c " + Connection.Shell.quote("trap 'kill $c; wait $c; echo ended > " + said + "; exit 143' TERM; sleep 300 & c=$!; "
                + "echo $c > " + said + ".child; wait");
        Connection.CommandResult r = host.run(io.iperf3j.session.internal.host.RemoteScripts.background(id, launcher,
                "out-term"), Duration.ofSeconds(10));
        ProcessHandle parent = ProcessHandle.of(io.iperf3j.session.internal.host.HostReply.pid(r.stdout().lines().findFirst().orElse(""))
                .orElseThrow()).orElseThrow();
        Path childPid = Path.of(said + ".child");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(childPid) && Files.readString(childPid).endsWith("\n")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        ProcessHandle child = ProcessHandle.of(Long.parseLong(Files.readString(childPid).strip())).orElseThrow();
        try {
            RemoteIperf.cleanStale(host, id);
            parent.onExit().get(10, TimeUnit.SECONDS);
            child.onExit().get(10, TimeUnit.SECONDS);
            assertThat(said).as("the launcher's TERM trap ran").hasContent("ended");
        } finally {
            child.destroyForcibly();
            parent.destroyForcibly();
        }
    }

    /**
     * A stop that comes while the client's command is on its way (its PID not known yet) waits for the PID
     * and kills it, TERM first. Before, the stop found nothing to kill and returned; the client ran on (or
     * the session's stale clean-up KILLed it without a TERM): the schedule lab's SIGTERM, CI of stop 42.
     */
    @Test
    void aStopWhileTheClientStartsKillsIt() throws Exception {
        Path script = dir.resolve("slow-client.sh");
        Path pidFile = dir.resolve("client-pid");
        Path termFile = dir.resolve("client-term");
        Files.writeString(script, "#!/bin/sh\ntrap 'echo term > " + termFile + "; exit 143' TERM\necho $$ > " + pidFile
                + ".tmp; mv " + pidFile + ".tmp " + pidFile + "\nsleep 300 & wait\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        java.util.concurrent.CountDownLatch startCalled = new java.util.concurrent.CountDownLatch(1);
        Connection slowToStart = new OnLocal() {
            @Override
            void starting(String s) {
                if (s.contains(script.toString())) {
                    startCalled.countDown();
                    try {
                        Thread.sleep(1000); // a login on its way
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Node node = new Node("slow" + ProcessHandle.current().pid(), "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3,
                Map.of(IperfKind.IPERF3, new Node.Command(List.of(script.toString()))));
        RemoteIperf client = RemoteIperf.client(node, slowToStart, IperfKind.IPERF3, List.of("-c", "127.0.0.1"), Duration.ofSeconds(60));
        java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                client.runClient(dir.resolve("client.iperf"));
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        assertThat(startCalled.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200);
        client.stop();
        assertThat(thrown.get(20, TimeUnit.SECONDS)).isInstanceOf(IperfError.class).hasMessageContaining("stopped");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(pidFile) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        ProcessHandle started = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElse(null);
        try {
            if (started != null) {
                started.onExit().get(10, TimeUnit.SECONDS);
            }
            assertThat(termFile).as("the client got a TERM").hasContent("term");
        } finally {
            if (started != null) {
                started.destroyForcibly();
            }
        }
    }

    @Test
    void clientIsAbortedAtItsLimitAndKilledByPid() throws Exception {
        Path script = dir.resolve("hang.sh");
        Files.writeString(script, "#!/bin/sh\necho started\nexec sleep 300\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Node node = new Node("hang" + ProcessHandle.current().pid(), "127.0.0.1", Node.Role.NODE, Node.Access.local(),
                IperfKind.IPERF3, Map.of(IperfKind.IPERF3, new Node.Command(List.of(script.toString()))));
        RemoteIperf client = RemoteIperf.client(node, new LocalConnection(), IperfKind.IPERF3, List.of("-c", "127.0.0.1"),
                Duration.ofSeconds(2));
        Path out = dir.resolve("client.iperf");
        assertThatThrownBy(() -> client.runClient(out)).isInstanceOf(IperfError.class)
                .hasMessageMatching("Expected runtime: 2\\.0s Actual: 2\\.\\ds \\(aborting\\)");
        assertThat(Files.readString(out)).startsWith("started");
        ProcessHandle p = ProcessHandle.of(client.pid().orElseThrow()).orElse(null);
        assertThat(p == null || !p.isAlive()).as("the hung client was killed").isTrue();
        assertThat(TestSpec.defaultClientLimit(10)).isEqualTo(Duration.ofSeconds(120));
        assertThat(TestSpec.defaultClientLimit(100)).isEqualTo(Duration.ofSeconds(150));
    }

    @Test
    void outputNamesFollowTheSeed() throws Exception {
        // the seed's words: the node sends to the traffic PC upstream, the traffic PC to the node downstream
        String up = OutputNaming.direction(Node.Role.NODE, Node.Role.TRAFFIC_PC, "downlink");
        String down = OutputNaming.direction(Node.Role.TRAFFIC_PC, Node.Role.NODE, "uplink");
        assertThat(OutputNaming.raw(Transport.TCP, RemoteIperf.Mode.CLIENT, up, "base", "n")).isEqualTo("tcp_base_upstream_tx_n");
        assertThat(OutputNaming.raw(Transport.UDP, RemoteIperf.Mode.CLIENT, down, "", "n")).isEqualTo("udp_downstream_tx_n");
        assertThat(OutputNaming.raw(Transport.TCP, RemoteIperf.Mode.SERVER, down, "base", "n")).isEqualTo("tcp_downstream_rx_n");
        assertThat(OutputNaming.raw(Transport.TCP, RemoteIperf.Mode.SERVER, up, "", "n")).isEqualTo("tcp_upstream_rx_n");
        // two nodes: the test's direction
        assertThat(OutputNaming.direction(Node.Role.NODE, Node.Role.NODE, "up")).isEqualTo("upstream");
        assertThat(OutputNaming.direction(Node.Role.NODE, Node.Role.NODE, "down")).isEqualTo("downstream");
        assertThat(OutputNaming.direction(Node.Role.NODE, Node.Role.NODE, "bidir")).isEqualTo("bidir");
        assertThat(OutputNaming.stamp("x_{t}", java.time.LocalDateTime.of(2024, 1, 2, 3, 4, 5))).isEqualTo("x_20240102030405");
        Files.writeString(dir.resolve("a.iperf"), "");
        assertThat(OutputNaming.unique(dir, "a.iperf").getFileName().toString()).isEqualTo("a_002.iperf");
        Files.writeString(dir.resolve("a_002.iperf"), "");
        assertThat(OutputNaming.unique(dir, "a.iperf").getFileName().toString()).isEqualTo("a_003.iperf");
        assertThat(OutputNaming.unique(dir, "b.iperf").getFileName().toString()).isEqualTo("b.iperf");
    }

    @Test
    void shortCommandsHaveADeadline() {
        LocalConnection c = new LocalConnection();
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> c.run("exec sleep 30", Duration.ofMillis(500))).isInstanceOf(ConnectionError.class)
                .hasMessageContaining("did not end");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }
}
