package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A session between two "hosts" that are both this machine (local connections, loopback). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalSessionTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void iperf3PairOnLoopbackGivesMatchingBytes() throws Exception {
        Node tpc = Node.of("tpc", "127.0.0.1", NodeRole.TRAFFIC_PC, new LocalConnection(), IperfKind.IPERF3);
        Node dut = Node.of("dut" + ProcessHandle.current().pid(), "127.0.0.1", NodeRole.NODE, new LocalConnection(), IperfKind.IPERF3);
        IperfSession session = new IperfSession(Map.of(dut.id(), dut), tpc, "base", dir);
        TestParameters p = new TestParameters(dut.id(), "downlink", TestSpec.tcp(1).withPort(freePort()));
        assertThat(session.participants(p)).isEqualTo(new SenderReceiver(tpc, dut));
        assertThat(session.filename(p, "pre")).isEqualTo(dut.id() + "_pre_base.iperf");
        TestResult r = session.call(p, "pre");
        assertThat(r.outcome()).as("%s", r).isInstanceOf(TestOutcome.Completed.class);
        TestOutcome.Completed c = (TestOutcome.Completed) r.outcome();
        assertThat(c.receivedBytes()).isEqualTo(r.serverParsed().orElseThrow().summary().receivedBytes().getAsLong());
        assertThat(c.receivedBytes()).isPositive();
        assertThat(r.clientOutput().orElseThrow().getFileName().toString()).startsWith("tcp_base_downstream_tx_");
        assertThat(r.serverOutput().orElseThrow().getFileName().toString()).startsWith("tcp_downstream_rx_");
        assertThat(session.poll()).contains(r);
    }

    @Test
    void unknownDirectionAndNodeAreConfigurationErrors() {
        Node tpc = Node.of("tpc", "127.0.0.1", NodeRole.TRAFFIC_PC, new LocalConnection(), IperfKind.IPERF3);
        Node dut = Node.of("dut", "127.0.0.1", NodeRole.NODE, new LocalConnection(), IperfKind.IPERF3);
        IperfSession session = new IperfSession(Map.of("dut", dut), tpc, "", dir);
        assertThatThrownBy(() -> session.participants(new TestParameters("dut", "bogus", TestSpec.tcp(1))))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("bogus");
        assertThatThrownBy(() -> session.participants(new TestParameters("nope", "up", TestSpec.tcp(1))))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("nope");
        for (String up : List.of("up", "uplink", "tx", "transmit", "send", "from_node")) {
            assertThat(sessionParticipants(session, up).sender()).isEqualTo(dut);
        }
        for (String down : List.of("down", "downlink", "rx", "receive", "to_node")) {
            assertThat(sessionParticipants(session, down).sender()).isEqualTo(tpc);
        }
    }

    private static SenderReceiver sessionParticipants(IperfSession s, String d) {
        try {
            return s.participants(new TestParameters("dut", d, TestSpec.tcp(1)));
        } catch (IperfConfigurationError e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void missingBinaryIsACommandError() throws Exception {
        Node tpc = Node.of("tpc", "127.0.0.1", NodeRole.TRAFFIC_PC, new LocalConnection(), IperfKind.IPERF3);
        Node dut = new Node("dutmissing", "127.0.0.1", NodeRole.NODE, new LocalConnection(), IperfKind.IPERF3,
                Map.of(IperfKind.IPERF3, "/nonexistent/iperf3"));
        IperfSession session = new IperfSession(Map.of(dut.id(), dut), tpc, "", dir);
        TestResult r = session.call(new TestParameters(dut.id(), "down", TestSpec.tcp(1).withPort(freePort())), null);
        assertThat(r.outcome()).isInstanceOf(TestOutcome.Failed.class);
        assertThat(((TestOutcome.Failed) r.outcome()).error()).isInstanceOf(IperfCommandError.class)
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
        LocalConnection c = new LocalConnection(new CommandWrapper(List.of(wrapper.toString()), List.of(bin.toString()),
                List.of("/opt/lib")));
        Connection.CommandResult r = c.run("hello-iperf", Duration.ofSeconds(10));
        assertThat(r.exitStatus()).isZero();
        assertThat(r.stdout()).startsWith("hello from /opt/lib");
        assertThat(Files.readString(log)).startsWith("sh -c ");
    }

    @Test
    void udpIperf2PairParsesIntoSamples() throws Exception {
        Node tpc = Node.of("tpc2", "127.0.0.1", NodeRole.TRAFFIC_PC, new LocalConnection(), IperfKind.IPERF2);
        Node dut = Node.of("dut2", "127.0.0.1", NodeRole.NODE, new LocalConnection(), IperfKind.IPERF2);
        IperfSession session = new IperfSession(Map.of(dut.id(), dut), tpc, "", dir);
        TestSpec spec = TestSpec.tcp(2).withProtocol(Transport.UDP).withArgs(List.of("-b", "10M")).withPort(freePort());
        TestResult r = session.call(new TestParameters(dut.id(), "up", spec), null);
        assertThat(r.outcome()).as("%s", r).isInstanceOf(TestOutcome.Completed.class);
        assertThat(r.serverParsed().orElseThrow().intervals()).hasSizeGreaterThanOrEqualTo(1);
        double mbps = ((TestOutcome.Completed) r.outcome()).receivedBitsPerSecond() / 1e6;
        assertThat(mbps).isBetween(9.0, 11.0);
    }
}
