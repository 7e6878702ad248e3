package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.run.PlanExecution;
import io.iperf3j.session.TestSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 37: plans over hosts whose sshd runs with OpenSSH's default settings ({@code MaxSessions 10})
 * and logs at DEBUG1, so each sshd's logins and open channels can be counted from its own log
 * ({@link NetnsLab#sshdChannels}). Eight hosts; node ids carry a random tag so that no other test's
 * stale clean-up on a shared {@code /run/iperf3j-session/<id>} meets this one's.
 */
@Tag("tool")
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class FleetLabTest {
    private static final int HOSTS = 8;
    private final Path work = Path.of("target", "session-lab").toAbsolutePath();
    private final String tag = "f" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(1 << 16));
    private NetnsLab lab;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void setUp() throws Exception {
        Files.createDirectories(work);
        lab = NetnsLab.create("ijf", 242, HOSTS, Files.createTempDirectory(work, "fleet"), java.util.Set.of(), Map.of(),
                NetnsLab.Layout.FLAT_DEBUG_LOG);
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    private String id(int i) {
        return tag + "h" + i;
    }

    private String hostYaml(int i) {
        return "  - id: " + id(i) + "\n    address: " + lab.address(i) + "\n    iperf: iperf3\n    connection:\n      type: ssh\n"
                + "      user: root\n      identity: " + lab.key() + "\n      known_hosts: " + lab.knownHosts()
                + "\n      accept_new_host_keys: true\n      connect_timeout: 5\n      auth_timeout: 5\n";
    }

    private PlanRun session(String yaml, String... extra) throws Exception {
        return PlanRun.of(work, "fleet-run", yaml, extra);
    }

    private static List<JsonNode> tests(Path outDir) throws Exception {
        return PlanRun.tests(outDir);
    }

    /** Files left in the session folders of this test's nodes (server outputs, PID files). */
    private List<String> leftOnHosts() throws Exception {
        List<String> left = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            left.addAll(NetnsLab.leftInStateRoot(id(i)));
        }
        return left;
    }

    @Test
    @Order(1)
    void oneLoginPerHostAndAtMostFourChannelsOnDefaultSshd() throws Exception {
        // 2 hosts, 25 repeats, one test at a time: before, each test left sshd channels half closed and the
        // eleventh-or-so test on a host was refused ("no more sessions"), then logged in again
        PlanRun pair = session("hosts:\n" + hostYaml(1) + hostYaml(2) + "tests:\n  - name: rep\n    pairs: [[" + id(1) + ", "
                + id(2) + "]]\n    direction: up\n    duration: 1\n    repeat: 25\n");
        assertThat(pair.status()).as(pair.out() + pair.err()).isZero();
        assertThat(pair.tests()).hasSize(25).allSatisfy(t -> assertThat(t.get("status").asText()).as("%s", t).isEqualTo("ok"));
        assertThat(pair.out()).doesNotContain("logging in again");
        for (int i = 1; i <= 2; i++) {
            NetnsLab.SshdChannels c = lab.sshdChannels(i);
            assertThat(c.logins()).as("logins on host %d", i).isEqualTo(1);
            // every job of a test (the server's start, the client, the server's output and kill) goes through the host's
            // agent, on its one channel: 25 tests opened no channel of their own (each opened 2 to 4 before stop 53)
            assertThat(c.opened()).as("channels host %d opened: %s", i, c).isBetween(1, 2);
            // the MAX_CHANNELS (3) commands, and the session's host agent on a channel of its own
            assertThat(c.peak()).as("most channels open at once on host %d: %s", i, c).isBetween(1, 4);
        }
        // a mesh of all eight in parallel rounds: 28 tests, 7 rounds of 4
        StringBuilder hosts = new StringBuilder("hosts:\n");
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            hosts.append(hostYaml(i));
            ids.add(id(i));
        }
        PlanRun mesh;
        try (SshClientThreads threads = SshClientThreads.sample()) {
            mesh = session(hosts + "tests:\n  - name: mesh\n    mesh: [" + String.join(", ", ids) + "]\n    direction: up\n"
                    + "    duration: 1\n", "--parallel");
            // issue 45: the plan's hosts share one MINA client, so its threads do not grow with the hosts
            // (before: a client per host, 8 at once here, about 5 threads each)
            assertThat(threads.samples()).isGreaterThan(10);
            assertThat(threads.mostClients()).as("MINA clients alive at once for %d hosts", HOSTS).isEqualTo(1);
            assertThat(threads.mostThreads()).as("MINA client threads for %d hosts", HOSTS)
                    .isLessThanOrEqualTo(2 * Runtime.getRuntime().availableProcessors() + 3);
        }
        assertThat(mesh.status()).as(mesh.out() + mesh.err()).isZero();
        assertThat(mesh.out()).contains("in parallel (at least 7 rounds of disjoint pairs)").doesNotContain("logging in again");
        assertThat(mesh.tests()).hasSize(28).allSatisfy(t -> assertThat(t.get("status").asText()).as("%s", t).isEqualTo("ok"));
        for (int i = 1; i <= HOSTS; i++) {
            NetnsLab.SshdChannels c = lab.sshdChannels(i);
            // hosts 1 and 2 also served the first plan: one login per plan
            assertThat(c.logins()).as("logins on host %d", i).isEqualTo(i <= 2 ? 2 : 1);
            // the MAX_CHANNELS (3) commands, and the session's host agent on a channel of its own
            assertThat(c.peak()).as("most channels open at once on host %d: %s", i, c).isBetween(1, 4);
            assertThat(lab.iperfProcesses(i)).as("iperf left on host %d", i).isEmpty();
        }
        assertThat(leftOnHosts()).as("files left in the hosts' session folders").isEmpty();
    }

    @Test
    @Order(2)
    void sigintStopsEveryRemoteIperfAndWritesTheSummary() throws Exception {
        String iperf3j = IperfJar.command();
        Path dir = Files.createTempDirectory(work, "fleet-sigint");
        Path plan = dir.resolve("plan.yaml");
        StringBuilder yaml = new StringBuilder("hosts:\n");
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            yaml.append(hostYaml(i));
            ids.add(id(i));
        }
        // 4 hosts, mesh up: 6 tests in 3 parallel rounds of 2, 4 s each
        yaml.append("tests:\n  - name: mesh\n    mesh: [").append(String.join(", ", ids)).append("]\n    direction: up\n    duration: 4\n");
        Files.writeString(plan, yaml);
        Path outDir = dir.resolve("out");
        Path stdout = dir.resolve("stdout.txt");
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", outDir.toString(), "--parallel"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stdout.toFile()).start();
        try {
            // round 2 running: both of round 1's results are in, and round 2's servers are up
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (!(Files.exists(stdout) && Files.readString(stdout).contains("[2/6]") && iperfCount(4, "-s") == 2)) {
                assertThat(System.nanoTime()).as("round 2 did not start: %s", Files.readString(stdout)).isLessThan(deadline);
                assertThat(p.isAlive()).as("the session ended early: %s", Files.readString(stdout)).isTrue();
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            long signalled = System.nanoTime();
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
            // how long until no iperf runs on any host: measured, written down, not asserted (the machine is shared)
            long gone = -1;
            while (p.isAlive() || gone < 0) {
                if (gone < 0 && iperfCount(4, "") == 0) {
                    gone = System.nanoTime() - signalled;
                }
                assertThat(System.nanoTime() - signalled).as("the session exits after SIGINT").isLessThan(TimeUnit.SECONDS.toNanos(90));
                Thread.sleep(50);
            }
            Files.writeString(work.resolve("fleet-sigint.txt"), "no iperf on any host " + TimeUnit.NANOSECONDS.toMillis(gone)
                    + " ms after SIGINT; the session exited after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled)
                    + " ms\n");
            assertThat(iperfCount(4, "")).as("iperf left after the session exited").isZero();
        } finally {
            p.destroyForcibly();
        }
        String said = Files.readString(stdout);
        assertThat(said).contains("stopped: 2 of 6 test(s) completed");
        assertThat(outDir.resolve("summary.txt")).exists();
        assertThat(Files.readString(outDir.resolve("summary.txt"))).as(said).contains(id(1));
        List<JsonNode> tests = tests(outDir);
        assertThat(tests).as(said).hasSize(2).allSatisfy(t -> assertThat(t.get("status").asText()).isEqualTo("ok"));
        Thread.sleep(500);
        assertThat(iperfCount(HOSTS, "")).isZero();
        assertThat(leftOnHosts().stream().filter(f -> f.toString().endsWith(".pid")).toList()).as("PID files left").isEmpty();

        // a rerun into the same directory is refused; --resume runs the four tests that did not complete
        List<String> rerun = new ArrayList<>(List.of(iperf3j.split(" ")));
        rerun.addAll(List.of("session", plan.toString(), "-o", outDir.toString(), "--parallel"));
        Process refused = new ProcessBuilder(rerun).redirectErrorStream(true).start();
        String refusal = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).as(refusal).isEqualTo(2);
        assertThat(refusal).contains(outDir + " already holds 2 test result(s)", "--resume " + outDir);
        List<String> resume = new ArrayList<>(List.of(iperf3j.split(" ")));
        resume.addAll(List.of("session", plan.toString(), "--resume", outDir.toString(), "--parallel"));
        Process resumed = new ProcessBuilder(resume).redirectErrorStream(true).redirectOutput(dir.resolve("resume.txt").toFile()).start();
        assertThat(resumed.waitFor(400, TimeUnit.SECONDS)).as("--resume ends").isTrue();
        String resumeSaid = Files.readString(dir.resolve("resume.txt"));
        assertThat(resumed.exitValue()).as(resumeSaid).isZero();
        assertThat(resumeSaid).contains("2 of 6 test(s) already ok in tests.jsonl; running 4 not in it", "running 4 test(s)");
        List<JsonNode> all = tests(outDir);
        assertThat(all).hasSize(6).allSatisfy(t -> assertThat(t.get("status").asText()).isEqualTo("ok"));
        assertThat(all.stream().map(t -> t.get("id").asText()).distinct()).hasSize(6);
        String summary = Files.readString(outDir.resolve("summary.txt"));
        assertThat(summary).as(summary).contains("6 ok, 0 failed");
        assertThat(leftOnHosts()).as("files left in the hosts' session folders").isEmpty();
    }

    /** iperf processes (whose command line contains {@code with}) in hosts 1..n. */
    private int iperfCount(int n, String with) throws Exception {
        int count = 0;
        for (int i = 1; i <= n; i++) {
            count += (int) lab.iperfProcesses(i).stream().filter(c -> c.contains(with)).count();
        }
        return count;
    }

    /** A thread that, 1 s after an iperf client runs on host {@code client}, kills every sshd of host {@code victim}. */
    private Thread killSshdOnceClientRuns(int client, int victim) {
        return Thread.ofVirtual().start(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (lab.iperfProcesses(client).stream().noneMatch(c -> c.contains(" -c ")) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(1000);
                lab.killSshd(victim);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    @Order(3)
    void aLostConnectionIsAConnectionErrorAndACompleteReceiverOutputCounts() throws Exception {
        // host 5 sends to 6, host 7 to 8, both 6 s; 1 s after each client started, the sshd of host 5 (the
        // sender) and of host 8 (the receiver) are killed, with their connections
        List<Node> nodes = new ArrayList<>();
        for (int i = 5; i <= 8; i++) {
            nodes.add(lab.node(i, id(i), Node.Role.NODE, IperfKind.IPERF3, Map.of(), lab.key()));
        }
        Plan plan = Plan.builder(nodes).parallel(true).pairs("lost", List.of(List.of(id(5), id(6)), List.of(id(7), id(8))),
                Plan.Direction.UP, TestSpec.tcp(6), 1).build();
        List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
        PlanExecution runner = new PlanExecution(plan, Files.createTempDirectory(work, "fleet-lost"), r -> { }, notes::add);
        Thread killer5 = killSshdOnceClientRuns(5, 5);
        Thread killer8 = killSshdOnceClientRuns(7, 8);
        List<TestResult> results = runner.run();
        killer5.join(java.time.Duration.ofSeconds(30));
        killer8.join(java.time.Duration.ofSeconds(30));
        assertThat(results).hasSize(2);
        TestResult senderLost = results.stream().filter(r -> r.sender().equals(id(5))).findFirst().orElseThrow();
        TestResult receiverLost = results.stream().filter(r -> r.sender().equals(id(7))).findFirst().orElseThrow();
        // the receiver's output is a whole test: that is the result, and the lost connection a warning
        assertThat(senderLost.outcome()).as("%s", senderLost).isInstanceOf(TestResult.Outcome.Completed.class);
        assertThat(String.join("\n", senderLost.warnings())).contains("'iperf3 -c " + lab.address(6), "on " + id(5),
                "the ssh connection ssh root@" + lab.address(5) + ":22 was lost", "judged by " + id(6));
        // the receiver's host is gone: a connection error naming it and its server, not an iperf exit
        assertThat(receiverLost.outcome()).isInstanceOf(TestResult.Outcome.Failed.class);
        TestResult.Outcome.Failed f = (TestResult.Outcome.Failed) receiverLost.outcome();
        assertThat(f.error()).isInstanceOf(ConnectionError.class);
        assertThat(f.error().getMessage()).contains("'iperf3 -s -p 5201 -1 -J' on " + id(8), "was lost")
                .doesNotContain("exited with status");
        // each lost connection was logged into once more, and the notes say why it was lost
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith(id(5) + ": the ssh connection").contains("was lost", "logging in again"));
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith(id(8) + ": the ssh connection").contains("was lost", "logging in again"));
        for (int i = 5; i <= 8; i++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!lab.iperfProcesses(i).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(lab.iperfProcesses(i)).as("iperf left on host %d", i).isEmpty();
        }
    }
}
