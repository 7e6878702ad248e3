package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's faces reach the machinery through the module's own service ({@link Sessions.Provider}), never by
 * import: each maker of {@link Sessions} gives a working object, here on a class path as a library user's
 * tests run it (the module path is checked by javac's {@code provides}).
 */
class SessionsTest {
    @TempDir
    Path dir;

    @Test
    void aLocalConnectionRunsACommand() throws Exception {
        try (Connection local = Sessions.local()) {
            Connection.CommandResult r = local.run("echo \"$((6 * 7))\"", Duration.ofSeconds(10));
            assertThat(r.exitStatus()).isZero();
            assertThat(r.stdout()).isEqualTo("42\n");
        }
    }

    @Test
    void anSshConnectionIsMadeWithoutLoggingIn() {
        SshSettings settings = SshSettings.withKey("192.0.2.7", "alice", dir.resolve("id_ed25519"));
        try (Connection ssh = Sessions.ssh(settings)) {
            assertThat(ssh.describe()).isEqualTo("ssh alice@192.0.2.7:22");
        }
    }

    @Test
    void aRunnerChecksItsPlanBeforeAnythingRuns() throws Exception {
        Node a = Node.of("a", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J);
        Node b = Node.of("b", "127.0.0.2", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J);
        Plan plan = Plan.builder(List.of(a, b)).mesh("m", List.of("a", "b"), Plan.Direction.BOTH, TestSpec.tcp(1), 1).build();
        PlanRunner runner = Sessions.runner(plan, dir, r -> { });
        assertThat(runner.schedule()).hasSize(2);
        assertThat(runner.dryRun(false)).anyMatch(line -> line.contains("-c 127.0.0.2"));

        Plan unknown = plan.withTests(List.of(new Plan.Test("x", "a", "c", Plan.Direction.UP, TestSpec.tcp(1), 1)));
        assertThatThrownBy(() -> Sessions.runner(unknown, dir, r -> { }))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("c");
    }

    @Test
    void theSeedsSessionFindsItsParticipants() throws Exception {
        Node tpc = Node.of("tpc", "127.0.0.1", Node.Role.TRAFFIC_PC, Node.Access.local(), IperfKind.IPERF3J);
        Node dut = Node.of("dut", "127.0.0.2", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J);
        IperfSession session = Sessions.session(Map.of("dut", dut), tpc, "", dir);
        IperfSession.SenderReceiver down = session.participants(new IperfSession.DirectedTest("dut", "downlink", TestSpec.tcp(1)));
        assertThat(down.sender().id()).isEqualTo("tpc");
        assertThat(down.receiver().id()).isEqualTo("dut");
        assertThat(session.filename(new IperfSession.DirectedTest("dut", "up", TestSpec.tcp(1)), "p")).isEqualTo("dut_p.iperf");
    }
}
