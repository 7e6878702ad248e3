package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.Connection;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.command.SessionCommand;
import io.iperf3j.session.lab.NetnsLab;
import io.iperf3j.testing.Iperf3Process;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code iperf3j session} with {@code install: {image: TARBALL}} on hosts that have nothing
 * but sshd (issue 17): two bare network-namespace hosts ({@link NetnsLab}, namespaces
 * {@code ijs2<hex>…}, 10.223.R.0/24; their sshd sees an empty {@code /usr/lib/jvm}, and
 * {@code java} and {@code iperf3j} are checked to be unreachable over SSH first). The plan copies
 * this build's tarball to both over SFTP, runs iperf3j from it both ways, and each test's
 * received bytes equal the receiver's own output. A second run reuses the images (same inode
 * of the launcher, "reused" said) and goes on past a third host whose install directory cannot
 * be made (a ConnectionError for that test only). The session itself runs as a process of the
 * same tarball, unpacked here and run with no JDK reachable ({@link Installation#IMAGE}).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class SessionInstallIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bareHostsRunTheCopiedImageAndASecondRunReusesIt() throws Exception {
        Path tarball = Dist.tarball();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
        // root's state folder on the host, private to root (a bare host's own: NetnsLab)
        String imageDir = "/run/iperf3j-session/image-" + sha.substring(0, 16);
        Path work = Dist.dir().resolve("session-install-it");
        Installation.deleteTree(work);
        Files.createDirectories(work);
        try (NetnsLab lab = NetnsLab.create("ijs2", 223, 3, work.resolve("lab"), Set.of(1, 2))) {
            lab.requireBare(1);
            lab.requireBare(2);
            // the check can fail: host 3 is an ordinary lab host, where the JDK is reachable
            assertThatThrownBy(() -> lab.requireBare(3)).isInstanceOf(AssertionError.class).hasMessageContaining("not bare");
            int port = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            String ssh = "connection: {type: ssh, user: root, identity: " + lab.key() + ", known_hosts: " + lab.knownHosts()
                    + ", accept_new_host_keys: true}";
            String hosts = """
                    install: {image: %s}
                    hosts:
                      - {id: b1, address: %s, %s}
                      - {id: b2, address: %s, %s}
                      - {id: h3, address: %s, %s, install: {image: %s, directory: /proc/iperf3j-cannot-be-made}}
                    """.formatted(tarball, lab.address(1), ssh, lab.address(2), ssh, lab.address(3), ssh, tarball);

            // 1: both images copied, iperf3j from them both ways
            Path plan1 = work.resolve("plan1.yaml");
            Files.writeString(plan1, hosts + "tests:\n  - {name: img, pairs: [[b1, b2]], direction: both, duration: 2, port: "
                    + port + "}\n");
            Run first = session(plan1, work.resolve("out1"));
            Files.writeString(work.resolve("run1.txt"), first.printed);
            assertThat(first.status).as(first.printed).isEqualTo(SessionCommand.OK);
            assertThat(first.printed).contains("b1: iperf3j image copied to " + imageDir)
                    .contains("b2: iperf3j image copied to " + imageDir).doesNotContain("reused");
            List<JsonNode> tests = first.tests();
            assertThat(tests).hasSize(2);
            assertThat(tests).extracting(t -> t.path("sender").asText() + ">" + t.path("receiver").asText())
                    .containsExactly("b1>b2", "b2>b1");
            for (JsonNode t : tests) {
                assertThat(t.path("status").asText()).as("%s", t).isEqualTo("ok");
                JsonNode server = JSON.readTree(work.resolve("out1").resolve(t.path("server_output").asText()).toFile());
                JsonNode client = JSON.readTree(work.resolve("out1").resolve(t.path("client_output").asText()).toFile());
                long receiverBytes = server.path("end").path("sum_received").path("bytes").asLong();
                assertThat(t.path("received_bytes").asLong()).isEqualTo(receiverBytes).isPositive();
                assertThat(client.path("start").path("version").asText()).startsWith("iperf3j " + Dist.version());
                assertThat(server.path("start").path("version").asText()).startsWith("iperf3j " + Dist.version());
            }
            String inode1 = remote(lab, 1, "stat -c '%a %U' /run/iperf3j-session " + imageDir + "; stat -c %i " + imageDir + "/bin/iperf3j");
            assertThat(inode1).as("private to root").startsWith("700 root\n");

            // 2: reused (no copy), and a host whose install cannot be made fails alone
            Path plan2 = work.resolve("plan2.yaml");
            Files.writeString(plan2, hosts + "tests:\n  - {name: again, pairs: [[b1, h3], [b1, b2]], duration: 1, port: "
                    + port + "}\n");
            Run second = session(plan2, work.resolve("out2"));
            Files.writeString(work.resolve("run2.txt"), second.printed);
            assertThat(second.status).as(second.printed).isEqualTo(SessionCommand.TEST_FAILED);
            assertThat(second.printed).contains("b1: iperf3j image reused in " + imageDir)
                    .contains("b2: iperf3j image reused in " + imageDir).doesNotContain("copied to");
            List<JsonNode> again = second.tests();
            assertThat(again.get(0).path("status").asText()).isEqualTo("failed");
            assertThat(again.get(0).path("error").asText()).startsWith("ConnectionError: h3 (ssh root@" + lab.address(3))
                    .contains("cannot create /proc/iperf3j-cannot-be-made");
            assertThat(again.get(1).path("status").asText()).as("%s", again.get(1)).isEqualTo("ok");
            assertThat(remote(lab, 1, "stat -c '%a %U' /run/iperf3j-session " + imageDir + "; stat -c %i " + imageDir + "/bin/iperf3j"))
                    .as("reused: the same files").isEqualTo(inode1);
            // nothing but the image and the host's slot lock (a lock file is kept: removing it while another session
            // waits on it would let two hold it) is left in the directory: the session's own folder went with its agent
            assertThat(remote(lab, 1, "ls -A /run/iperf3j-session").split("\\s+"))
                    .allSatisfy(n -> assertThat(n).matches("image-" + sha.substring(0, 16) + "|slots"));
        }
    }

    private record Run(int status, String printed, Path out) {
        List<JsonNode> tests() throws Exception {
            List<JsonNode> list = new ArrayList<>();
            for (String line : Files.readAllLines(out.resolve("tests.jsonl"))) {
                list.add(JSON.readTree(line));
            }
            return list;
        }
    }

    /**
     * {@code iperf3j session PLAN -o OUT} as a process of the unpacked image, run with no JDK
     * reachable (as a user runs it; in the test's JVM it would have every library the jar lacks).
     */
    private static Run session(Path plan, Path out) {
        try (Iperf3Process p = Installation.IMAGE.start(List.of("session", plan.toString(), "-o", out.toString()))) {
            int status = p.waitFor(Duration.ofSeconds(240));
            assertThat(status).as("%s still running after 240 s: %s", p, p.stdout()).isNotEqualTo(-1);
            return new Run(status, p.stdout() + p.stderr(), out);
        }
    }

    /** A short command on lab host i over SSH (the bare hosts' own view of /run/iperf3j-session). */
    private static String remote(NetnsLab lab, int i, String script) throws Exception {
        try (Connection c = lab.connect(lab.node(i, "look" + i, Node.Role.NODE, IperfKind.IPERF3, Map.of(), lab.key()))) {
            Connection.CommandResult r = c.run(script, Duration.ofSeconds(30));
            assertThat(r.exitStatus()).as("%s: %s", script, r).isZero();
            return r.stdout();
        }
    }
}
