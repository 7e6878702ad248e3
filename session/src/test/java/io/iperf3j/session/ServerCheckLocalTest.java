package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfCommandError;
import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Transport;
import io.iperf3j.session.lab.IperfJar;
import io.iperf3j.testing.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import io.iperf3j.session.internal.connect.LocalConnection;
import io.iperf3j.session.internal.host.RemoteIperf;
import io.iperf3j.session.internal.run.PairSession;

/**
 * A test measures the server it started (issue 26), on loopback with local connections and the
 * real iperf3, iperf2 and iperf3j: a server that cannot start, or a port another server already
 * holds, fails the test before its client runs, and a healthy server still gives a result.
 * Every server the test starts itself (the "other" one) is killed by its PID at the end.
 */
@Tag("peer")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServerCheckLocalTest {
    @TempDir
    Path dir;

    private static String id(String base) {
        return base + ProcessHandle.current().pid();
    }

    /** A session whose traffic PC sends with {@code clientKind} to {@code dut} ("down"). */
    private PairSession session(Node dut, IperfKind clientKind) throws Exception {
        Node tpc = new Node(id("tpc"), "127.0.0.1", Node.Role.TRAFFIC_PC, Node.Access.local(), clientKind, commands());
        return new PairSession(Map.of(dut.id(), dut), tpc, "", dir.resolve("raw"));
    }

    /** The node running the server: {@code kind}, with iperf3j as the lab runs it and {@code own} commands on top. */
    private static Node receiver(String base, IperfKind kind, Map<IperfKind, Node.Command> own) throws Exception {
        Map<IperfKind, Node.Command> commands = new java.util.EnumMap<>(commands());
        commands.putAll(own);
        return new Node(id(base), "127.0.0.1", Node.Role.NODE, Node.Access.local(), kind, commands);
    }

    private static Map<IperfKind, Node.Command> commands() throws Exception {
        return Map.of(IperfKind.IPERF3J, Node.Command.of(IperfJar.command()));
    }

    private static TestResult runDown(PairSession s, Node dut, Transport protocol, int port) throws Exception {
        TestSpec spec = TestSpec.tcp(1).withProtocol(protocol).withPort(port);
        if (protocol == Transport.UDP) {
            spec = spec.withArgs(List.of("-b", "10M"));
        }
        return s.call(new IperfSession.DirectedTest(dut.id(), "down", spec), null);
    }

    private static SessionException failure(TestResult r) {
        assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Failed.class);
        return ((TestResult.Outcome.Failed) r.outcome()).error();
    }

    /** The other server's command line: {@code iperf3 -s}, {@code iperf -s [-u]} or iperf3j's. */
    private static List<String> serverCommand(IperfKind kind, int port, Transport protocol) throws Exception {
        List<String> cmd = new ArrayList<>(switch (kind) {
            case IPERF3J -> List.of(IperfJar.command().split(" "));
            case IPERF3 -> List.of("iperf3");
            case IPERF2 -> List.of("iperf");
        });
        cmd.addAll(List.of("-s", "-p", Integer.toString(port)));
        if (protocol == Transport.UDP) {
            cmd.add("-u");
        }
        return cmd;
    }

    /**
     * (a) The plan's server binary is missing while another iperf3 server listens on the port:
     * exit status 127 for the command that failed, not the other server's answer, and the other
     * server neither sees a client nor is stopped.
     */
    @Test
    void missingBinaryOnABusyPortIsExitStatus127AndTheOtherServerIsUntouched() throws Exception {
        int port = FreePorts.next();
        try (OtherServer other = OtherServer.start(serverCommand(IperfKind.IPERF3, port, Transport.TCP), port, Transport.TCP,
                dir.resolve("other.out"))) {
            Node dut = receiver("nobin", IperfKind.IPERF3, Map.of(IperfKind.IPERF3, new Node.Command(List.of("/nonexistent/iperf3"))));
            TestResult r = runDown(session(dut, IperfKind.IPERF3), dut, Transport.TCP, port);
            assertThat(failure(r)).isInstanceOf(IperfCommandError.class).hasMessageContaining("/nonexistent/iperf3")
                    .hasMessageContaining("exit status 127");
            assertThat(r.clientOutput()).as("no client ran").isEmpty();
            assertThat(Files.readString(r.serverOutput().orElseThrow())).contains("/nonexistent/iperf3");
            assertThat(other.process().isAlive()).as("the other server still runs").isTrue();
            assertThat(Files.readString(other.output())).doesNotContain("Accepted connection");
            Process probe = new ProcessBuilder("iperf3", "-c", "127.0.0.1", "-p", Integer.toString(port), "-t", "1")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("probe.out").toFile()).start();
            try {
                assertThat(probe.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(probe.exitValue()).as(Files.readString(dir.resolve("probe.out"))).isZero();
            } finally {
                probe.destroyForcibly();
            }
        }
    }

    /**
     * (b) A real server on a port another real server holds (the issue's {@code iperf3j -s} on
     * 5201 among them): the test moves to the next port and runs there; the move is in its
     * warnings, naming the port and the holder; the other server neither sees a client nor is stopped.
     */
    @ParameterizedTest(name = "{0} holds the port, the plan starts {1}")
    @CsvSource({"IPERF3J, IPERF3J", "IPERF3J, IPERF3", "IPERF3, IPERF3J", "IPERF3, IPERF3", "IPERF3, IPERF2"})
    void aPortAnotherServerHoldsIsNamedAndTheTestMovesToTheNext(IperfKind holder, IperfKind planned) throws Exception {
        int port = FreePorts.range(2);
        try (OtherServer other = OtherServer.start(serverCommand(holder, port, Transport.TCP), port, Transport.TCP,
                dir.resolve("other.out"))) {
            Node dut = receiver("taken", planned, Map.of());
            TestResult r = runDown(session(dut, planned), dut, Transport.TCP, port);
            assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
            assertThat(r.warnings()).as("%s", r).anySatisfy(w -> assertThat(w)
                    .contains("port " + port + " on " + dut.id() + " is taken by another process")
                    .contains("PID " + other.process().pid()).containsIgnoringCase("Address already in use")
                    .endsWith("the test moved to port " + (port + 1)));
            assertThat(other.process().isAlive()).as("the other server still runs").isTrue();
            assertThat(Files.readString(other.output())).as("the other server saw no client").doesNotContain("Accepted connection")
                    .doesNotContain("connected with");
        }
    }

    /**
     * iperf2 binds UDP with SO_REUSEADDR, so a second server starts fine beside the first: that, too, is a taken port,
     * and the test moves to the next one.
     */
    @Test
    void aUdpPortBoundTwiceIsTaken() throws Exception {
        int port = FreePorts.range(2);
        try (OtherServer other = OtherServer.start(serverCommand(IperfKind.IPERF2, port, Transport.UDP), port, Transport.UDP,
                dir.resolve("other.out"))) {
            Node dut = receiver("udp2", IperfKind.IPERF2, Map.of());
            TestResult r = runDown(session(dut, IperfKind.IPERF2), dut, Transport.UDP, port);
            assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
            assertThat(r.warnings()).as("%s", r).anySatisfy(w -> assertThat(w)
                    .contains("port " + port + " on " + dut.id() + " is taken by another process (PID " + other.process().pid()
                            + " iperf)")
                    .contains("listens there too").endsWith("the test moved to port " + (port + 1)));
            assertThat(other.process().isAlive()).isTrue();
        }
    }

    /**
     * A server that stays up without listening while another process holds the port is given
     * {@link RemoteIperf#PORT_TAKEN_WAIT}, not the whole listen timeout, and is then killed; the test
     * moves to the next port, where the server (mute on the first port only) runs it.
     */
    @Test
    void aServerThatNeitherListensNorExitsOnATakenPortIsStoppedAfterTheWait() throws Exception {
        int port = FreePorts.range(2);
        Path mute = dir.resolve("mute-iperf3");
        Files.writeString(mute, "#!/bin/sh\ncase \" $* \" in *\" -p " + port + " \"*) echo $$ > " + dir.resolve("mute.pid")
                + "; exec sleep 300;; esac\nexec iperf3 \"$@\"\n");
        Files.setPosixFilePermissions(mute, PosixFilePermissions.fromString("rwx------"));
        try (OtherServer other = OtherServer.start(serverCommand(IperfKind.IPERF3, port, Transport.TCP), port, Transport.TCP,
                dir.resolve("other.out"))) {
            Node dut = receiver("mute", IperfKind.IPERF3, Map.of(IperfKind.IPERF3, new Node.Command(List.of(mute.toString()))));
            long t0 = System.nanoTime();
            TestResult r = runDown(session(dut, IperfKind.IPERF3), dut, Transport.TCP, port);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
            assertThat(r.warnings()).as("%s", r).anySatisfy(w -> assertThat(w)
                    .contains("port " + port + " on " + dut.id() + " is taken by another process (PID "
                            + other.process().pid() + " iperf3)")
                    .contains("was not listening there after 5 s").endsWith("the test moved to port " + (port + 1)));
            assertThat(took).isBetween(RemoteIperf.PORT_TAKEN_WAIT, RemoteIperf.PORT_TAKEN_WAIT.plusSeconds(15));
            long mutePid = Long.parseLong(Files.readString(dir.resolve("mute.pid")).strip());
            // killed by the session; init reaps it a moment later
            assertThat(ProcessHandle.of(mutePid).map(h -> !h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join().isAlive())
                    .orElse(true)).as("the mute server was killed").isTrue();
            assertThat(other.process().isAlive()).isTrue();
        }
    }

    /** (c) A healthy server is still measured, whichever iperf it is. */
    @ParameterizedTest
    @EnumSource(IperfKind.class)
    void aHealthyServerIsMeasured(IperfKind kind) throws Exception {
        Node dut = receiver("ok" + kind.planName(), kind, Map.of());
        TestResult r = runDown(session(dut, kind), dut, Transport.TCP, FreePorts.next());
        assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
        assertThat(((TestResult.Outcome.Completed) r.outcome()).receivedBytes()).isPositive();
        assertThat(r.warnings()).as("the listener was matched to the server").isEmpty();
    }

    /** A launcher that runs the iperf as its child (no {@code exec}): the child's socket is the server's. */
    @Test
    void aServerBehindAForkingLauncherIsMeasured() throws Exception {
        Path launcher = dir.resolve("launch-iperf3");
        Files.writeString(launcher, "#!/bin/sh\niperf3 \"$@\"\nstatus=$?\necho launcher done\nexit $status\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwx------"));
        Node dut = receiver("fork", IperfKind.IPERF3, Map.of(IperfKind.IPERF3, new Node.Command(List.of(launcher.toString()))));
        TestResult r = runDown(session(dut, IperfKind.IPERF3), dut, Transport.TCP, FreePorts.next());
        assertThat(r.outcome()).as("%s", r).isInstanceOf(TestResult.Outcome.Completed.class);
        assertThat(Files.readString(r.serverOutput().orElseThrow())).contains("launcher done");
    }

    /**
     * A server this test starts itself on {@code port}, output to a file; ready once the host's
     * socket table shows the port listening; killed by its PID on {@link #close()}.
     */
    private record OtherServer(Process process, Path output) implements AutoCloseable {
        static OtherServer start(List<String> command, int port, Transport protocol, Path output) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            OtherServer s = new OtherServer(p, output);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!listening(port, protocol)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    s.close();
                    throw new AssertionError("the other server did not listen on " + port + ": " + Files.readString(output));
                }
                Thread.sleep(50);
            }
            return s;
        }

        /** Whether {@code /proc/net} shows the port in TCP LISTEN or UDP bound. */
        private static boolean listening(int port, Transport protocol) throws IOException {
            String suffix = String.format(":%04X", port);
            String state = protocol == Transport.TCP ? "0A" : "07";
            String base = protocol == Transport.TCP ? "/proc/net/tcp" : "/proc/net/udp";
            for (String file : List.of(base, base + "6")) {
                for (String line : Files.readAllLines(Path.of(file))) {
                    String[] f = line.strip().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(suffix) && f[3].equals(state)) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
