package io.iperf3j.session;

import io.iperf3j.session.SessionException.ConnectionError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.lab.NetnsLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.iperf3j.session.internal.connect.SshConnection;

/**
 * A lost SSH connection whose login again failed (sshd killed by its PIDs): later uses fail at once with that
 * failure, also once sshd is back (a single plan's fail-fast), until {@link SshConnection#forgetFailedLogin()},
 * which a schedule calls before each run of a test: then the next use logs in. One namespace host, real sshd.
 */
@Tag("tool")
@Tag("root")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class SshLoginAgainLabTest {
    @Test
    void aFailedLoginAgainIsTriedAgainOnlyOnceForgotten() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "session-lab").toAbsolutePath());
        try (NetnsLab lab = NetnsLab.create("ijsr", 246, 1, Files.createTempDirectory(work, "relogin"), Set.of())) {
            SshConnection ssh = (SshConnection) lab.connect(lab.node(1, "relogin", Node.Role.NODE, IperfKind.IPERF3, Map.of(), lab.key()));
            try {
                assertThat(ssh.run("echo up", Duration.ofSeconds(30)).stdout()).isEqualTo("up\n");
                lab.killSshd(1);
                assertThatThrownBy(() -> ssh.run("echo up", Duration.ofSeconds(30))).isInstanceOf(ConnectionError.class);
                String failed = "the ssh connection ssh root@" + lab.address(1) + ":22 was lost";
                assertThatThrownBy(() -> ssh.run("echo up", Duration.ofSeconds(30))).isInstanceOf(ConnectionError.class)
                        .hasMessageContaining(failed).hasMessageContaining("logging in again failed")
                        .hasMessageContaining("Connection refused");
                lab.startSshdAgain(1);
                // sshd is back, the connection still fails at once: no login is tried
                assertThatThrownBy(() -> ssh.run("echo up", Duration.ofSeconds(30))).isInstanceOf(ConnectionError.class)
                        .hasMessageContaining(failed).hasMessageContaining("logging in again failed");
                ssh.forgetFailedLogin();
                assertThat(ssh.run("echo up", Duration.ofSeconds(30)).stdout()).isEqualTo("up\n");
            } finally {
                ssh.close();
            }
        }
    }
}
