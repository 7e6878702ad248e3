package io.iperf3j.session.internal.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.SshSettings;
import io.iperf3j.session.internal.plan.PlanFile;

/**
 * What a plan's SSH host is filled with from a home's {@code ~/.ssh} and the environment
 * (io.iperf3j.session.internal.connect.OpenSshDefaults, through {@link PlanFile}): the order of the
 * sources, and that the plan's own keys win. Real logins are in lab.OpenSshLoginLabTest.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenSshDefaultsTest {
    @TempDir
    Path home;

    private SshSettings settings(String connection, Map<String, String> variables) throws Exception {
        Plan plan = PlanFile.parse("hosts:\n  - {id: a, address: 10.0.0.1, connection: " + connection + "}\n"
                + "  - {id: b, address: 10.0.0.2}\ntests:\n  - {pairs: [[a, b]]}\n", home, Optional.empty(),
                new LoginEnvironment(home, "alice", variables));
        return ((Node.Access.Ssh) plan.hostsById().get("a").access()).settings();
    }

    @Test
    void nothingButTypeSshIsTheLocalUserPort22AndTheDefaultsThatExist() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_rsa"), "x");
        Files.writeString(home.resolve(".ssh/id_ed25519"), "x");
        SshSettings s = settings("{type: ssh}", Map.of("SSH_AUTH_SOCK", "/run/agent.sock"));
        assertThat(s.host()).isEqualTo("10.0.0.1");
        assertThat(s.user()).isEqualTo("alice");
        assertThat(s.port()).isEqualTo(22);
        // OpenSSH's order, only the files that exist; the agent first
        assertThat(s.identities()).containsExactly(home.resolve(".ssh/id_ed25519"), home.resolve(".ssh/id_rsa"));
        assertThat(s.keySources()).containsExactly("agent /run/agent.sock", home.resolve(".ssh/id_ed25519").toString(),
                home.resolve(".ssh/id_rsa").toString());
        assertThat(s.knownHosts()).isEqualTo(home.resolve(".ssh/known_hosts"));
        assertThat(s.hostKeyPolicy()).isEqualTo(SshSettings.HostKeyPolicy.STRICT);
        assertThat(s.proxyJump()).isEmpty();
    }

    @Test
    void theConfigFillsAnAliasAndThePlanWinsOverIt() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/config"), """
                Host gw
                    HostName 192.0.2.9
                    User jumper
                Host lab-*
                    User root
                    Port 2222
                    IdentityFile ~/keys/%r-%h
                    StrictHostKeyChecking accept-new
                    UserKnownHostsFile ~/kh/known_hosts ~/kh/other
                    IdentityAgent none
                    ProxyJump gw,ops@198.51.100.7:2022
                Host lab-one
                    HostName 10.9.9.1
                Host *
                    User nobody
                """);
        SshSettings s = settings("{type: ssh, host: lab-one}", Map.of("SSH_AUTH_SOCK", "/run/agent.sock"));
        assertThat(s.host()).isEqualTo("10.9.9.1");
        assertThat(s.user()).isEqualTo("root");
        assertThat(s.port()).isEqualTo(2222);
        assertThat(s.identities()).containsExactly(home.resolve("keys/root-10.9.9.1"));
        assertThat(s.agent()).isEmpty();
        assertThat(s.knownHosts()).isEqualTo(home.resolve("kh/known_hosts"));
        assertThat(s.hostKeyPolicy()).isEqualTo(SshSettings.HostKeyPolicy.ACCEPT_NEW);
        assertThat(s.proxyJump()).containsExactly("jumper@192.0.2.9:22", "ops@198.51.100.7:2022");

        SshSettings explicit = settings("{type: ssh, host: lab-one, user: bob, port: 22, identity: k/id, known_hosts: kh2,"
                + " accept_new_host_keys: false}", Map.of());
        assertThat(explicit.user()).isEqualTo("bob");
        assertThat(explicit.port()).isEqualTo(22);
        assertThat(explicit.identities()).containsExactly(home.resolve("k/id"));
        assertThat(explicit.knownHosts()).isEqualTo(home.resolve("kh2"));
        assertThat(explicit.hostKeyPolicy()).isEqualTo(SshSettings.HostKeyPolicy.STRICT);
        assertThat(explicit.host()).isEqualTo("10.9.9.1");
    }

    @Test
    void secretsComeOnlyFromTheEnvironmentAndAreNeverPrinted() throws Exception {
        SshSettings s = settings("{type: ssh, identity: ~/k, passphrase_env: PP, password_env: PW}",
                Map.of("PP", "pass phrase", "PW", "pass word"));
        assertThat(s.identities()).containsExactly(home.resolve("k"));
        assertThat(s.passphrase()).contains("pass phrase");
        assertThat(s.password()).contains("pass word");
        assertThat(s.toString()).doesNotContain("pass phrase", "pass word");
        assertThatThrownBy(() -> settings("{type: ssh, passphrase_env: NOPE}", Map.of()))
                .isInstanceOf(IperfConfigurationError.class)
                .hasMessage("line 2, column 72: hosts[0] (a).connection.passphrase_env: environment variable NOPE is not set");
    }

    @Test
    void aBadConfigValueIsAPlanError() throws Exception {
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/config"), "Host *\n    StrictHostKeyChecking maybe\n");
        assertThatThrownBy(() -> settings("{type: ssh}", Map.of())).isInstanceOf(IperfConfigurationError.class)
                .hasMessageContaining("StrictHostKeyChecking maybe");
    }
}
