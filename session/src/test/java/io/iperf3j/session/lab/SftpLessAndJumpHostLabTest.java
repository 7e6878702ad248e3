package io.iperf3j.session.lab;

import io.iperf3j.session.internal.output.RunRecord;
import io.iperf3j.session.internal.output.TestsFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.internal.connect.LoginEnvironment;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.plan.PlanFile;
import io.iperf3j.session.internal.output.PlanOutputDirectory;
import io.iperf3j.session.internal.run.PlanExecution;
import io.iperf3j.session.TestResult;
import io.iperf3j.session.internal.host.RemoteScripts;
import io.iperf3j.testing.Shell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Two host layouts of issue 26 against real OpenSSH sshd in namespaces ({@link NetnsLab}, tag
 * "ijx"): host 2's sshd has no {@code Subsystem sftp} line, as dropbear, BusyBox and Android hosts
 * have none: a test's results come back through its agent all the same, and a copy of a file goes over exec
 * ({@code cat}); host 3 is on a second bridge that only
 * host 1 (the jump host) also sits on, so the test JVM reaches it only through {@code ProxyJump}.
 * Every sshd has the lab's settings (OpenSSH's defaults, ed25519 keys) but for that one line. Node
 * ids start with "ijx" so that the state directories on the shared file system are this test's own.
 */
@Tag("tool")
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class SftpLessAndJumpHostLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOTICE = "no SFTP subsystem on ";
    private final Path work = Path.of("target", "sftp-less-jump-lab").toAbsolutePath();
    private NetnsLab lab;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void setUp() throws Exception {
        Files.createDirectories(work);
        lab = NetnsLab.create("ijx", 237, 3, Files.createTempDirectory(work, "lab"), Set.of(), Map.of(),
                new NetnsLab.Layout(Set.of(2), Set.of(1), Set.of(3)));
    }

    @AfterAll
    void tearDown() throws IOException {
        if (lab != null) {
            lab.close();
        }
        // the (empty) state directories of this test's node ids on the shared file system
        for (String id : List.of("ijxsftp", "ijxnosftp", "ijxjump", "ijxtarget")) {
            Files.deleteIfExists(Path.of(RemoteScripts.stateDir(id)));
        }
    }

    /**
     * A test's results come back through the hosts' agents (the server's output as a job of its agent), so a host
     * without SFTP runs its tests as one with it, and nothing asks its sshd for SFTP; copies that still go over SFTP
     * (an image's upload, a copy where the agent cannot run) fall back to exec, tested below.
     */
    @Test
    void resultsOfAHostWithoutSftpComeBackThroughItsAgent() throws Exception {
        Path home = home();
        String connection = "{type: ssh, user: root, identity: " + lab.key() + ", accept_new_host_keys: true}";
        String yaml = "hosts:\n" + host("ijxsftp", lab.address(1), connection) + host("ijxnosftp", lab.address(2), connection)
                + "tests:\n  - {name: nosftp, pairs: [[ijxsftp, ijxnosftp]], duration: 1, repeat: 2}\n";
        Run run = run(PlanFile.parse(yaml, work, Optional.empty(), environment(home)));

        assertThat(run.tests()).hasSize(2).allSatisfy(t -> {
            assertThat(t.get("status").asText()).as("%s", t).isEqualTo("ok");
            // the server output came through the agent, whole: its own byte count is the test's
            JsonNode server = JSON.readTree(run.dir().resolve(t.get("server_output").asText()).toFile());
            assertThat(server.at("/end/sum_received/bytes").asLong()).isPositive()
                    .isEqualTo(t.get("received_bytes").asLong());
        });
        assertThat(run.notes()).noneMatch(n -> n.contains(NOTICE));
        assertThat(run.results()).allSatisfy(r -> assertThat(r.warnings()).noneSatisfy(w -> assertThat(w).contains(NOTICE)));
        assertThat(lab.sshdLog(2)).doesNotContain("subsystem request for sftp");
        // the agent's copy removed the output on the host
        assertThat(lab.exec(2, "sh", "-c", "ls " + RemoteScripts.stateDir("ijxnosftp") + "+*/*.out 2>/dev/null; true")).isBlank();
    }

    @Test
    void aFileGoesUpAndComesBackByteExactOverExec() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(26).nextBytes(data);
        Path dir = Files.createTempDirectory(work, "copy");
        Path local = Files.write(dir.resolve("up.bin"), data);
        String remote = "/tmp/ijx-" + ProcessHandle.current().pid() + " copy's.bin";
        try (Connection c = lab.connect(lab.node(2, "ijxcopy", Node.Role.NODE, IperfKind.IPERF3, Map.of(), lab.key()))) {
            c.upload(local, remote, Duration.ofSeconds(60));
            assertThat(c.takeNotices()).singleElement().asString().contains(NOTICE);
            c.take(remote, dir.resolve("back.bin"));
            assertThat(Files.readAllBytes(dir.resolve("back.bin"))).isEqualTo(data);
            assertThat(c.takeNotices()).isEmpty();
            // take removed the host's copy, so a second fetch is cat's own error
            assertThatThrownBy(() -> c.fetch(remote, dir.resolve("again.bin"))).isInstanceOf(ConnectionError.class)
                    .hasMessageContaining("over exec").hasMessageContaining("cat exited with status 1")
                    .hasMessageContaining("No such file");
        }
    }

    @Test
    void aHostBehindAJumpHostRunsAPlanTestThroughProxyJump() throws Exception {
        // the test JVM has no way to host 3 of its own: no route through the lab, no SSH login without the jump
        // (the root namespace's default route may lead to something that accepts any TCP connection: no sshd of the lab)
        assertThat(Shell.exec("ip", "route", "get", lab.address(3)).out()).doesNotContain(lab.rootLeg());
        try (Connection direct = lab.connect(lab.node(3, "ijxdirect", Node.Role.NODE, IperfKind.IPERF3, Map.of(), lab.key()))) {
            assertThatThrownBy(() -> direct.run("true", Duration.ofSeconds(10))).isInstanceOf(ConnectionError.class)
                    .hasMessageContaining("ssh root@" + lab.address(3) + ":22");
        }
        Path home = home();
        Files.copy(lab.key(), home.resolve(".ssh/id_ed25519"));
        Files.writeString(home.resolve(".ssh/config"), """
                Host jump
                    HostName %s
                Host target
                    HostName %s
                    ProxyJump jump
                Host *
                    User root
                    StrictHostKeyChecking accept-new
                """.formatted(lab.address(1), lab.address(3)));
        // the jump host's own address for iperf traffic is the one on the target's bridge
        String yaml = "hosts:\n" + host("ijxjump", lab.innerAddress(1), "{type: ssh, host: jump}")
                + host("ijxtarget", lab.address(3), "{type: ssh, host: target}")
                + "tests:\n  - {name: jump, pairs: [[ijxjump, ijxtarget], [ijxtarget, ijxjump]], duration: 1}\n";
        Plan plan = PlanFile.parse(yaml, work, Optional.empty(), environment(home));
        assertThat(new PlanExecution(plan, Files.createTempDirectory(work, "raw"), r -> { }).dryRun(false))
                .anySatisfy(l -> assertThat(l).startsWith("# ijxtarget [ssh root@" + lab.address(3) + ":22 via root@"
                        + lab.address(1) + ":22]: login"));
        Run run = run(plan);
        assertThat(run.tests()).hasSize(2).allSatisfy(t -> {
            assertThat(t.get("status").asText()).as("%s", t).isEqualTo("ok");
            assertThat(t.get("received_bytes").asLong()).isPositive();
        });
        // both host keys were checked and recorded: the jump host's and, through it, the target's
        assertThat(Files.readString(home.resolve(".ssh/known_hosts"))).contains(lab.address(1), lab.address(3));
    }

    /** A plan host running the real iperf3 (no jar to build). */
    private static String host(String id, String address, String connection) {
        return "  - id: " + id + "\n    address: " + address + "\n    iperf: iperf3\n    connection: " + connection + "\n";
    }

    /** A home of its own, so nothing of this machine's {@code ~/.ssh} is read. */
    private Path home() throws IOException {
        Path home = Files.createTempDirectory(work, "home");
        Files.createDirectories(home.resolve(".ssh"));
        return home;
    }

    private static LoginEnvironment environment(Path home) {
        return new LoginEnvironment(home, "root", Map.of("HOME", home.toString()));
    }

    private record Run(Path dir, List<TestResult> results, List<JsonNode> tests, List<String> notes) {
    }

    /** Runs the plan as {@code iperf3j session} does: an output directory with tests.jsonl, the notes logged. */
    private Run run(Plan plan) throws Exception {
        PlanOutputDirectory out = new PlanOutputDirectory(Files.createTempDirectory(work, "out"));
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        PlanExecution execution = new PlanExecution(plan, out.rawDirectory(), r -> { }, notes::add);
        TestsFile file = TestsFile.once(out.directory());
        List<TestResult> ran = Collections.synchronizedList(new ArrayList<>());
        execution.execute(execution.once(), false, rec -> {
            file.accept(rec);
            if (rec instanceof RunRecord.Ran r) {
                ran.add(r.result());
            }
        });
        List<TestResult> results = execution.inPlanOrder(ran);
        List<JsonNode> tests = new ArrayList<>();
        for (String line : Files.readAllLines(out.directory().resolve("tests.jsonl"))) {
            tests.add(JSON.readTree(line));
        }
        return new Run(out.directory(), results, tests, notes);
    }
}
