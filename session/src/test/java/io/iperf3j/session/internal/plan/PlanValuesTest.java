package io.iperf3j.session.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.Connection;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.TestSpec;
import io.iperf3j.session.internal.connect.HostConnections;
import io.iperf3j.session.internal.connect.LocalConnection;
import io.iperf3j.session.internal.connect.LoginEnvironment;
import io.iperf3j.session.internal.connect.SshConnection;
import io.iperf3j.session.internal.run.PlanExecution;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A plan is plain values (issue 45): read twice it is equal, reading it opens nothing, and a run binds it. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlanValuesTest {
    /** TEST-NET-1 (RFC 5737): nothing answers there; a login would wait out its connect timeout. */
    private static final String PLAN = """
            hosts:
              - {id: tpc, address: 127.0.0.1, role: tpc}
              - {id: far, address: 192.0.2.1, connection: {type: ssh, user: root, identity: id, connect_timeout: 20}}
              - {id: dev, address: 127.0.0.2, connection: {type: local, prefix: [adb, shell]}}
            tests:
              - {name: m, mesh: [tpc, far, dev], direction: both, duration: 2}
              - {name: p, pairs: [[tpc, dev]], direction: bidir, repeat: 2}
            """;

    @TempDir
    Path home;

    private Plan read() throws Exception {
        return PlanFile.parse(PLAN, home, Optional.of("/opt/iperf3j/bin/iperf3j"), new LoginEnvironment(home, "alice", Map.of()));
    }

    @Test
    void aPlanReadTwiceEqualsItself() throws Exception {
        Plan first = read();
        Plan second = read();
        assertThat(second).isEqualTo(first).hasSameHashCodeAs(first);
        assertThat(second.hosts()).isEqualTo(first.hosts());
        assertThat(first.tests()).extracting(Plan.Test::direction).containsOnly(Plan.Direction.UP, Plan.Direction.DOWN,
                Plan.Direction.BIDIR);
    }

    @Test
    void readingAPlanOpensNoConnection() throws Exception {
        long t0 = System.nanoTime();
        Plan plan = read();
        // a login to far would take its 20 s connect timeout: the plan holds how to reach it, nothing more
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        Map<String, Node> hosts = plan.hostsById();
        assertThat(hosts.get("tpc").access()).isEqualTo(Node.Access.local());
        assertThat(hosts.get("far").access()).isInstanceOfSatisfying(Node.Access.Ssh.class, ssh -> {
            assertThat(ssh.settings().host()).isEqualTo("192.0.2.1");
            assertThat(ssh.settings().connectTimeout()).isEqualTo(Duration.ofSeconds(20));
        });
        assertThat(hosts.get("dev").access().receivesFiles()).isFalse();
        // nor does a dry run: it names the login it would make
        long t1 = System.nanoTime();
        List<String> dry = new PlanExecution(plan, home.resolve("raw"), r -> { }).dryRun(false);
        assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(10));
        assertThat(dry).anyMatch(line -> line.startsWith("# far [ssh root@192.0.2.1:22]: login "));
    }

    @Test
    void aRunMakesOneConnectionPerNodeWhenFirstAskedFor() throws Exception {
        Node a = Node.of("a", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J);
        Node b = Node.of("b", "192.0.2.1", Node.Role.NODE, Node.Access.ssh(io.iperf3j.session.SshSettings.withKey("192.0.2.1",
                "root", home.resolve("id"))), IperfKind.IPERF3J);
        assertThat(Node.of("a", "127.0.0.1", Node.Role.NODE, Node.Access.local(), IperfKind.IPERF3J)).isEqualTo(a);
        try (HostConnections connections = new HostConnections()) {
            Connection first = connections.of(a);
            assertThat(first).isInstanceOf(LocalConnection.class).isSameAs(connections.of(a));
            assertThat(connections.of(b)).isInstanceOf(SshConnection.class).isSameAs(connections.of(b))
                    .isNotSameAs(first);
            assertThat(connections.of(b).describe()).isEqualTo("ssh root@192.0.2.1:22");
        }
        Connection made = new LocalConnection();
        Node custom = Node.of("c", "127.0.0.1", Node.Role.NODE, new Node.Access.Custom(Connection.Wrapper.NONE, () -> made),
                IperfKind.IPERF3);
        try (HostConnections connections = new HostConnections()) {
            assertThat(connections.of(custom)).isSameAs(made);
        }
    }

    @Test
    void theBuilderGivesEqualPlansForEqualInput() throws Exception {
        List<Node> hosts = read().hosts();
        Plan one = Plan.builder(hosts).pairs("p", List.of(List.of("tpc", "far")), Plan.Direction.BOTH, TestSpec.tcp(1), 1).build();
        Plan two = Plan.builder(hosts).pairs("p", List.of(List.of("tpc", "far")), Plan.Direction.BOTH, TestSpec.tcp(1), 1).build();
        assertThat(two).isEqualTo(one);
        assertThat(one.tests()).extracting(Plan.Test::direction).containsExactly(Plan.Direction.UP, Plan.Direction.DOWN);
    }
}
