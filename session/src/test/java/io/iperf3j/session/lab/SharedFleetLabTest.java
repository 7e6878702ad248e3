package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 45's proof: two controllers on one fleet. Three namespace hosts with real OpenSSH sshd; two
 * {@code iperf3j session} processes, each with a slot directory of its own (as on two machines: a monitoring
 * box and an engineer's laptop), run the same plan over them at once, with the same node ids and with ids of
 * their own for the same hosts. Before the hosts kept their own slots, every test of both failed ("the server
 * has terminated": each side's stale clean-up killed the other's servers) or ran two at once on a host. Shown:
 * every test of both ok, and no host in two iperf3 processes at once by the hosts' own stamps
 * ({@link HostStamps}); a scheduled run that cannot have its host within its slip is skipped saying that the
 * host is in another session's test.
 */
@Tag("tool")
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class SharedFleetLabTest {
    private static final int HOSTS = 3;
    /** Every ordered pair of the three hosts: six tests, each host in four. */
    private static final List<int[]> PAIRS = List.of(new int[] {1, 2}, new int[] {2, 1}, new int[] {1, 3}, new int[] {3, 1},
            new int[] {2, 3}, new int[] {3, 2});
    private final Path work = Path.of("target", "session-lab").toAbsolutePath();
    private NetnsLab lab;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void setUp() throws Exception {
        Files.createDirectories(work);
        lab = NetnsLab.create("ijsh", 248, HOSTS, Files.createTempDirectory(work, "shared"), Set.of(), Map.of(), NetnsLab.Layout.FLAT);
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    /** The plan's hosts, {@code prefix + i}, running {@code iperf3} through {@code stamps}'s wrapper. */
    private String hosts(String prefix, HostStamps stamps) {
        StringBuilder y = new StringBuilder("hosts:\n");
        for (int i = 1; i <= HOSTS; i++) {
            y.append("  - id: ").append(prefix).append(i).append("\n    address: ").append(lab.address(i))
                    .append("\n    iperf: iperf3\n    commands: {iperf3: \"").append(stamps.wrapper()).append("\"}\n    connection:\n")
                    .append("      type: ssh\n      user: root\n      identity: ").append(lab.key()).append("\n      known_hosts: ")
                    .append(lab.knownHosts()).append("\n      accept_new_host_keys: true\n      connect_timeout: 5\n")
                    .append("      auth_timeout: 5\n");
        }
        return y.toString();
    }

    private static String pairs(String prefix, List<int[]> pairs) {
        return String.join(", ", pairs.stream().map(p -> "[" + prefix + p[0] + ", " + prefix + p[1] + "]").toList());
    }

    @ParameterizedTest(name = "same node ids: {0}")
    @ValueSource(booleans = {true, false})
    void twoControllersRunningOnePlanAtOnceShareItsHosts(boolean sameIds) throws Exception {
        Path dir = Files.createTempDirectory(work, "two-controllers");
        HostStamps stamps = HostStamps.in(dir);
        String iperf3j = IperfJar.command();
        List<Process> controllers = new ArrayList<>();
        List<Path> outs = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (String c : List.of("a", "b")) {
            String prefix = sameIds ? "fl" : "fl" + c;
            Path plan = dir.resolve(c + ".yaml");
            Files.writeString(plan, "parallel: true\n" + hosts(prefix, stamps) + "tests:\n  - {name: mesh, pairs: ["
                    + pairs(prefix, PAIRS) + "], direction: up, duration: 1}\n");
            outs.add(dir.resolve("out-" + c));
            logs.add(dir.resolve(c + ".txt"));
            // a slot directory of its own: the two controllers share nothing but the hosts
            controllers.add(start(iperf3j, plan, outs.getLast(), logs.getLast(), "--slot-dir",
                    Files.createDirectories(dir.resolve("slots-" + c)).toString()));
        }
        for (int c = 0; c < 2; c++) {
            Process p = controllers.get(c);
            assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("controller %d ended: %s", c, Files.readString(logs.get(c))).isTrue();
            assertThat(p.exitValue()).as("controller %d: %s", c, Files.readString(logs.get(c))).isZero();
            List<JsonNode> lines = PlanRun.tests(outs.get(c));
            assertThat(lines).as("controller %d: %s", c, Files.readString(logs.get(c))).hasSize(PAIRS.size())
                    .allSatisfy(j -> assertThat(j.path("status").asText()).as("%s", j).isEqualTo("ok"));
        }
        Map<Integer, List<long[]>> spans = stamps.spans(lab, HOSTS);
        HostStamps.assertNoneOverlap(spans);
        // each host is in four tests of each plan, one iperf3 a test
        assertThat(spans).containsOnlyKeys(1, 2, 3).allSatisfy((host, list) -> assertThat(list).as("host %d", host).hasSize(8));
        assertThat(leftOnHosts()).as("state directories left on the hosts").isEmpty();
    }

    /**
     * A scheduled run whose host is in another controller's long test when it is due, with a slip shorter than
     * that test, is skipped, and its line says the host was in another session's test.
     */
    @Test
    void aScheduledRunThatCannotHaveItsHostWithinItsSlipSaysWhy() throws Exception {
        Path dir = Files.createTempDirectory(work, "slip");
        HostStamps stamps = HostStamps.in(dir);
        String iperf3j = IperfJar.command();
        Path planA = dir.resolve("long.yaml");
        Files.writeString(planA, hosts("sa", stamps) + "tests:\n  - {name: long, pairs: [[sa1, sa2]], direction: up, duration: 10}\n");
        Path planB = dir.resolve("scheduled.yaml");
        Files.writeString(planB, hosts("sb", stamps) + "schedule: {every: 1h, slip: 2s, runs: 1}\n"
                + "tests:\n  - {name: short, pairs: [[sb1, sb3]], direction: up, duration: 1}\n");
        Path logA = dir.resolve("a.txt");
        Path logB = dir.resolve("b.txt");
        Process a = start(iperf3j, planA, dir.resolve("out-a"), logA, "--slot-dir",
                Files.createDirectories(dir.resolve("slots-a")).toString());
        try {
            // host 1 runs A's client: its test has begun, with about 10 s to go
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (stamps.spans(lab, HOSTS).getOrDefault(1, List.of()).isEmpty()) {
                assertThat(System.nanoTime()).as("A's client never started: %s", Files.readString(logA)).isLessThan(deadline);
                assertThat(a.isAlive()).as("A ended: %s", Files.readString(logA)).isTrue();
                Thread.sleep(100);
            }
            Process b = start(iperf3j, planB, dir.resolve("out-b"), logB, "--slot-dir",
                    Files.createDirectories(dir.resolve("slots-b")).toString());
            assertThat(b.waitFor(60, TimeUnit.SECONDS)).as("B ended: %s", Files.readString(logB)).isTrue();
            List<JsonNode> lines = PlanRun.tests(dir.resolve("out-b"));
            assertThat(lines).as(Files.readString(logB)).singleElement().satisfies(j -> {
                assertThat(j.path("status").asText()).isEqualTo("skipped");
                assertThat(j.path("error").asText()).contains("sb1 (" + lab.address(1) + ") is in another session's test");
            });
            assertThat(a.waitFor(60, TimeUnit.SECONDS)).as("A ended: %s", Files.readString(logA)).isTrue();
            assertThat(a.exitValue()).as(Files.readString(logA)).isZero();
            assertThat(PlanRun.tests(dir.resolve("out-a"))).singleElement()
                    .satisfies(j -> assertThat(j.path("status").asText()).isEqualTo("ok"));
        } finally {
            a.destroy();
        }
        HostStamps.assertNoneOverlap(stamps.spans(lab, HOSTS));
    }

    /** The session state directories of this class's node ids left in the hosts' (shared) {@code /run/iperf3j-session}. */
    private static List<String> leftOnHosts() throws Exception {
        try (var dirs = Files.list(Path.of(io.iperf3j.session.internal.host.RemoteScripts.ROOT_STATE))) {
            return dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("(fl|sa|sb)[ab]?[0-9]\\+.*")).toList();
        }
    }

    private static Process start(String iperf3j, Path plan, Path out, Path log, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(iperf3j.split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
