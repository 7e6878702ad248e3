package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlanFileTest {
    private static final String HOSTS = """
            hosts:
              - {id: tpc, address: 10.0.0.1, role: tpc}
              - {id: a, address: 10.0.0.2, iperf: iperf3}
              - id: b
                address: 10.0.0.3
                iperf: iperf2
                connection: {type: ssh, user: root, identity: keys/id, known_hosts: kh, accept_new_host_keys: true, prefix: "adb -s X shell"}
            """;

    @Test
    void expandsStarsPairsAndMeshesWithRepeats() throws Exception {
        Plan p = PlanFile.parse(HOSTS + """
                parallel: true
                tests:
                  - {name: star, star: [a, b], direction: both, duration: 2}
                  - {name: pair, pairs: [[a, b]], direction: bidir, repeat: 2, iperf: iperf3}
                  - {name: mesh, mesh: [tpc, a, b], protocol: udp, args: "-b 10M"}
                """, Path.of("/plans"));
        assertThat(p.parallel()).isTrue();
        assertThat(p.tests()).hasSize(4 + 2 + 6);
        assertThat(p.tests().getFirst()).satisfies(t -> {
            assertThat(t.sender()).isEqualTo("a");
            assertThat(t.receiver()).isEqualTo("tpc");
            assertThat(t.direction()).isEqualTo("up");
            assertThat(t.spec().durationSeconds()).isEqualTo(2.0);
        });
        assertThat(p.tests().get(4).spec().bidir()).isTrue();
        assertThat(p.tests().get(5).repeat()).isEqualTo(2);
        assertThat(p.tests().get(6).spec().extraArgs()).containsExactly("-b", "10M");
        SshConnection ssh = (SshConnection) p.hostsById().get("b").connection();
        assertThat(ssh.settings().identities()).containsExactly(Path.of("/plans/keys/id"));
        assertThat(ssh.settings().hostKeyPolicy()).isEqualTo(HostKeyPolicy.ACCEPT_NEW);
        assertThat(ssh.settings().host()).isEqualTo("10.0.0.3");
        assertThat(ssh.wrapper().commandLine("true")).isEqualTo("adb -s X shell sh -c true");
    }

    @Test
    void mistakesNameWhereTheyAre() {
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[a, b]], direction: sideways}\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("tests[0].direction").hasMessageContaining("sideways");
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[a, b]], durtion: 3}\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("unknown key 'durtion'");
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[a, b]], protocol: sctp}\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("tests[0].protocol");
        assertThatThrownBy(() -> PlanFile.parse("hosts: []\ntests: []\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("plan.hosts");
        assertThatThrownBy(() -> PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[a, b]], duration: -1}\n", Path.of("/")))
                .isInstanceOf(IperfConfigurationError.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> PlanFile.parse("{{{", Path.of("/"))).isInstanceOf(IperfConfigurationError.class);
    }

    @Test
    void bidirWithIperf2IsRefusedBeforeRunning() throws Exception {
        Plan p = PlanFile.parse(HOSTS + "tests:\n  - {pairs: [[b, a]], direction: bidir}\n", Path.of("/"));
        assertThatThrownBy(() -> new PlanRunner(p, Path.of("/tmp"), r -> { })).isInstanceOf(IperfConfigurationError.class)
                .hasMessageContaining("bidir");
    }
}
