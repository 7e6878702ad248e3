package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.SessionException;
import io.iperf3j.session.SshSettings;
import io.iperf3j.session.internal.connect.LoginEnvironment;
import io.iperf3j.session.internal.connect.SshClientGroup;
import io.iperf3j.session.internal.connect.SshConnection;
import io.iperf3j.session.Plan;
import io.iperf3j.session.internal.plan.PlanFile;
import io.iperf3j.session.internal.run.PlanExecution;
import io.iperf3j.session.TestResult;
import io.iperf3j.testing.Shell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import io.iperf3j.session.Connection;

/**
 * Sessions log in as OpenSSH's {@code ssh} does (issue 26), against real sshd with default
 * settings in namespaces ({@link NetnsLab}, tag "ijo"): host 1 has only an ed25519 host key
 * (OpenSSH's default), host 2 only ecdsa, host 3 only rsa. Each way of logging in runs a
 * one-second iperf3 plan test to the end through the session API, with a temporary home
 * ({@link LoginEnvironment}) so that nothing of this machine's {@code ~/.ssh} is read.
 */
@Tag("tool")
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class OpenSshLoginLabTest {
    private final Path work = Path.of("target", "openssh-login-lab").toAbsolutePath();
    private NetnsLab lab;

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void setUp() throws Exception {
        Files.createDirectories(work);
        lab = NetnsLab.create("ijo", 226, 3, Files.createTempDirectory(work, "lab"), java.util.Set.of(),
                Map.of(1, "ed25519", 2, "ecdsa", 3, "rsa"), NetnsLab.Layout.FLAT_DEBUG_LOG);
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    /**
     * Issue 45: the hosts of a plan share one MINA client, and each login still uses its own known_hosts, policy
     * and keys: on one {@link SshClientGroup}, host 1 with an authorised key logs in while host 2 (strict, an empty
     * known_hosts) is refused its host key and host 3 (a key plain {@code ssh-keygen} made, not authorised) is
     * refused the login naming only its own key file; one client served all three, and none runs once they closed.
     */
    @Test
    void loginsOnOneSharedClientKeepTheirOwnKeysAndKnownHosts() throws Exception {
        Path dir = Files.createTempDirectory(work, "shared");
        Path stranger = dir.resolve("id_ed25519");
        Shell.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
        Path emptyKnown = dir.resolve("known_hosts_empty");
        Files.writeString(emptyKnown, "");
        SshClientGroup group = new SshClientGroup();
        java.time.Duration five = java.time.Duration.ofSeconds(5);
        SshConnection good = hostOne(dir, five, group);
        SshConnection strict = new SshConnection(new SshSettings(lab.address(2), 22, "root", List.of(lab.key(lab.hostKeyType(2))),
                Optional.empty(), emptyKnown, SshSettings.HostKeyPolicy.STRICT, five, five, Connection.Wrapper.NONE), group);
        SshConnection unknownKey = new SshConnection(new SshSettings(lab.address(3), 22, "root", List.of(stranger),
                Optional.empty(), dir.resolve("known_hosts"), SshSettings.HostKeyPolicy.ACCEPT_NEW, five, five, Connection.Wrapper.NONE), group);
        try {
            assertThat(good.run("echo hello", five).stdout()).isEqualTo("hello\n");
            assertThatThrownBy(() -> strict.run("echo no", five)).isInstanceOf(SessionException.ConnectionError.class)
                    .hasMessageContaining("Host key verification failed: " + lab.address(2) + " is not in " + emptyKnown);
            assertThatThrownBy(() -> unknownKey.run("echo no", five)).isInstanceOf(SessionException.ConnectionError.class)
                    .hasMessageContaining("tried: " + stranger).hasMessageNotContaining(lab.key(lab.hostKeyType(1)).toString());
            // the good login was not disturbed by the two refused ones on the same client
            assertThat(good.run("echo again", five).stdout()).isEqualTo("again\n");
            assertThat(Files.readString(emptyKnown)).isEmpty();
            assertThat(group.clientsStarted()).isEqualTo(1);
            assertThat(group.running()).isTrue();
        } finally {
            good.close();
            strict.close();
            unknownKey.close();
        }
        assertThat(group.running()).isFalse();
    }

    /**
     * The agent's replies over a real SSH channel are waited for in the channel's read with a time limit
     * ({@code TimedRead}), not by polling: a job silent for longer than one such wait (a second) is still the same
     * agent's when it answers. On the first version, MINA's "Timeout expired" ended the read as if the agent had
     * gone, and each silent second started a new agent (a 48-host mesh forked ten times the processes).
     */
    @Test
    void anAgentsJobSilentForSecondsIsAnsweredByTheSameAgent() throws Exception {
        Path dir = Files.createTempDirectory(work, "agent");
        java.time.Duration five = java.time.Duration.ofSeconds(5);
        SshClientGroup group = new SshClientGroup();
        SshConnection c = hostOne(dir, five, group);
        try (c; io.iperf3j.session.internal.host.HostAgent agent = agentOnHostOne(c, "timed-read", null)) {
            agent.start();
            String shell = agent.job("echo $$\n", java.time.Duration.ofSeconds(20), true).orElseThrow().stdout().strip();
            assertThat(shell).matches("[0-9]+");
            long t0 = System.nanoTime();
            Connection.CommandResult late = agent.job("sleep 2.5; echo late; echo $$\n", java.time.Duration.ofSeconds(20), true)
                    .orElseThrow();
            assertThat(late.exitStatus()).isZero();
            assertThat(late.stdout()).isEqualTo("late\n" + shell + "\n");
            assertThat(System.nanoTime() - t0).as("answered when it ended, not a poll later").isBetween(2_500_000_000L, 4_000_000_000L);
            assertThat(agent.take()).as("the agent still answers").isTrue();
            agent.give();
        }
    }

    /**
     * An agent whose reply deadlines are kept by {@code AgentDeadlines} (as a session's are: its reads wait with no time
     * limit of their own, issue 69), over real SSH: a job silent for 2.5 s is answered by the same agent shell; a job that
     * runs past its deadline is lost with the deadline's words, not as an agent that ended, and the next call has a new
     * agent; the deadlines' thread runs while an agent is watched and ends with the last one.
     */
    @Test
    void anAgentsDeadlinesKeptByOneThreadEndOnlyTheJobsThatPassThem() throws Exception {
        Path dir = Files.createTempDirectory(work, "deadlines");
        java.time.Duration five = java.time.Duration.ofSeconds(5);
        SshClientGroup group = new SshClientGroup();
        SshConnection c = hostOne(dir, five, group);
        io.iperf3j.session.internal.host.AgentDeadlines deadlines = new io.iperf3j.session.internal.host.AgentDeadlines();
        try (c; io.iperf3j.session.internal.host.HostAgent agent = agentOnHostOne(c, "deadlines", deadlines)) {
            agent.start();
            assertThat(deadlines.looking()).as("a watched agent: the thread runs").isTrue();
            String shell = agent.job("echo $$\n", java.time.Duration.ofSeconds(20), true).orElseThrow().stdout().strip();
            assertThat(agent.job("sleep 2.5; echo $$\n", java.time.Duration.ofSeconds(20), true).orElseThrow().stdout())
                    .as("a silent job, the same agent").isEqualTo(shell + "\n");
            long t0 = System.nanoTime();
            io.iperf3j.session.internal.host.HostAgent.JobEnd lost = agent.stream("sleep 8\n", java.time.Duration.ofSeconds(2), true,
                    line -> { }, () -> { });
            long took = System.nanoTime() - t0;
            // its words are the deadline's: a read that waits with no limit of its own ends before the job only when the
            // deadlines' thread closes its stream (the drop of the channel then waits for the host's side, here the sleep)
            assertThat(lost).isInstanceOfSatisfying(io.iperf3j.session.internal.host.HostAgent.JobEnd.Lost.class,
                    l -> assertThat(l.why()).startsWith("no end within 2 s"));
            assertThat(took).as("not before its deadline").isGreaterThanOrEqualTo(2_000_000_000L);
            assertThat(agent.job("echo $$\n", java.time.Duration.ofSeconds(20), true)).as("no agent until the next take").isEmpty();
            // the dropped agent's shell holds its owner's lock until its job ends (its sleep): a take before that is told so
            boolean taken = false;
            long by = System.nanoTime() + 30_000_000_000L;
            while (!taken && System.nanoTime() < by) {
                try {
                    taken = agent.take();
                } catch (io.iperf3j.session.SessionException.IperfCommandError e) {
                    assertThat(e.getMessage()).contains("held by another agent of this owner");
                    Thread.sleep(200);
                }
            }
            assertThat(taken).as("a take starts a new agent once the old one is gone").isTrue();
            String next = agent.job("echo $$\n", java.time.Duration.ofSeconds(20), true).orElseThrow().stdout().strip();
            assertThat(next).as("a new agent").matches("[0-9]+").isNotEqualTo(shell);
            agent.give();
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while (deadlines.looking() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertThat(deadlines.looking()).as("no agent watched: the thread ended").isFalse();
    }

    /**
     * A session's agent on host 1 over {@code c}, with an owner and a slot key ({@code slot} and a tag) of its own, its
     * replies' deadlines kept by {@code deadlines} as a session's are (null: timed reads).
     */
    private static io.iperf3j.session.internal.host.HostAgent agentOnHostOne(SshConnection c, String slot,
            io.iperf3j.session.internal.host.AgentDeadlines deadlines) {
        String tag = Long.toHexString(System.nanoTime());
        return new io.iperf3j.session.internal.host.HostAgent(c, "h1",
                io.iperf3j.session.internal.host.RemoteScripts.owner("t" + tag, tag), slot + "-" + tag, deadlines);
    }

    /**
     * Root's login to host 1 with its own key type, its host key accepted on first use into {@code dir}'s known_hosts, the
     * connect and auth limits both {@code limit}.
     */
    private SshConnection hostOne(Path dir, java.time.Duration limit, SshClientGroup group) {
        return new SshConnection(new SshSettings(lab.address(1), 22, "root", List.of(lab.key(lab.hostKeyType(1))), Optional.empty(),
                dir.resolve("known_hosts"), SshSettings.HostKeyPolicy.ACCEPT_NEW, limit, limit, Connection.Wrapper.NONE), group);
    }

    /**
     * Heartbeats as OpenSSH's {@code ServerAliveInterval} sends them: only while nothing comes from the server (issue 69).
     * MINA's own asked for one every second whatever came, which a busy host answered on top of its agent's lines. Counted
     * where they arrive, in the host sshd's DEBUG1 log (its {@code rtype keepalive@...} line for each global request):
     * none while a command prints every 0.1 s for 4 s, and at least two while one is silent for 4 s, which is how a
     * host whose link went down is still found.
     */
    @Test
    void heartbeatsGoOnlyWhileTheServerIsSilent() throws Exception {
        Path dir = Files.createTempDirectory(work, "heartbeats");
        java.time.Duration ten = java.time.Duration.ofSeconds(10);
        SshClientGroup group = new SshClientGroup();
        try (SshConnection c = hostOne(dir, ten, group)) {
            assertThat(c.run("echo in", ten).stdout()).isEqualTo("in\n");
            long before = keepalives(1);
            Connection.CommandResult talking = c.run("i=0; while [ $i -lt 40 ]; do echo $i; sleep 0.1; i=$((i+1)); done", ten);
            assertThat(talking.stdout().lines()).hasSize(40);
            long during = keepalives(1) - before;
            assertThat(c.run("sleep 4", ten).exitStatus()).isZero();
            long silent = keepalives(1) - before - during;
            assertThat(during).as("heartbeats while the server printed every 0.1 s").isZero();
            assertThat(silent).as("heartbeats while it was silent for 4 s").isBetween(2L, 5L);
        }
    }

    /**
     * Heartbeats only while something waits on the host (issue 69): an idle host of a fleet was asked every silent second,
     * 200 requests a second for a 200-host controller between its runs. Over real SSH with a session's agent, counted in
     * the host sshd's log: none while the agent idles for 4 s, at least two while a test holds the host (a take, then 4
     * silent seconds, as a server's host is while its client runs) and while a job is silent for 3 s, none again once the
     * test has parked the slot and it was given back.
     */
    @Test
    void heartbeatsGoWhileATestHoldsTheHostAndNotBetweenTests() throws Exception {
        Path dir = Files.createTempDirectory(work, "heartbeats-held");
        java.time.Duration five = java.time.Duration.ofSeconds(5);
        SshClientGroup group = new SshClientGroup();
        SshConnection c = hostOne(dir, five, group);
        try (c; io.iperf3j.session.internal.host.HostAgent agent = agentOnHostOne(c, "held",
                new io.iperf3j.session.internal.host.AgentDeadlines())) {
            agent.start();
            long sent0 = c.heartbeatsSent();
            long counted0 = keepalives(1);
            long t = counted0;
            Thread.sleep(4_000);
            long idle = keepalives(1) - t;
            assertThat(agent.take()).isTrue();
            t = keepalives(1);
            Thread.sleep(4_000);
            long held = keepalives(1) - t;
            t = keepalives(1);
            assertThat(agent.job("sleep 3; echo $$\n", java.time.Duration.ofSeconds(20), true).orElseThrow().exitStatus()).isZero();
            long job = keepalives(1) - t;
            agent.park();
            Thread.sleep(1_500); // the parked slot's give-back, 0.5-0.75 s after the park
            t = keepalives(1);
            Thread.sleep(4_000);
            long after = keepalives(1) - t;
            assertThat(idle).as("heartbeats while the agent idled 4 s").isZero();
            assertThat(held).as("heartbeats while a test held the host, silent for 4 s").isBetween(2L, 5L);
            assertThat(job).as("heartbeats while a job was silent for 3 s").isBetween(1L, 4L);
            assertThat(after).as("heartbeats in 4 s after the test's end").isZero();
            assertThat(c.heartbeatsSent() - sent0).as("what the controller sent, against what the host counted")
                    .isEqualTo(keepalives(1) - counted0).isGreaterThanOrEqualTo(held + job);
        }
    }

    /** The heartbeats host i's sshd has answered so far, from its DEBUG1 log. */
    private long keepalives(int i) throws java.io.IOException {
        return lab.sshdLog(i).lines().filter(l -> l.contains("rtype keepalive@")).count();
    }

    @Test
    void everyKeyTypeOfHostAndUserLogsIn() throws Exception {
        Path known = Files.createTempDirectory(work, "kh").resolve("known_hosts");
        StringBuilder hosts = new StringBuilder("hosts:\n");
        for (int i = 1; i <= 3; i++) {
            String type = lab.hostKeyType(i);
            hosts.append(host(i, type, "{type: ssh, user: root, identity: " + lab.key(type) + ", known_hosts: " + known
                    + ", accept_new_host_keys: true}"));
        }
        List<TestResult> results = run(hosts + "tests:\n  - {name: kt, pairs: [[ed25519, ecdsa], [ecdsa, rsa], [rsa, ed25519]],"
                + " duration: 1}\n", environment(home(), Map.of()));
        assertAllCompleted(results, 3);
        // each host's own key type was negotiated and recorded
        assertThat(Files.readString(known)).contains("ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa");
    }

    @Test
    void aDefaultIdentityAndHashedKnownHostsUnderTheHomeAreEnough() throws Exception {
        Path home = home();
        Files.copy(lab.key(), home.resolve(".ssh/id_ed25519"));
        Path known = home.resolve(".ssh/known_hosts");
        Files.writeString(known, lab.address(1) + " " + lab.hostPublicKey(1) + "\n" + lab.address(2) + " "
                + lab.hostPublicKey(2) + "\n");
        Shell.run("ssh-keygen", "-H", "-f", known.toString());
        assertThat(Files.readString(known)).startsWith("|1|").doesNotContain(lab.address(1));
        String yaml = host(1, "a", "{type: ssh}") + host(2, "b", "{type: ssh}");
        LoginEnvironment env = environment(home, Map.of());
        Plan plan = PlanFile.parse("hosts:\n" + yaml + "tests:\n  - {name: dflt, pairs: [[a, b]], duration: 1}\n", work,
                Optional.empty(), env);
        assertThat(dryRun(plan)).anySatisfy(l -> assertThat(l).startsWith("# a [ssh root@" + lab.address(1) + ":22]: login")
                .contains("keys: " + home.resolve(".ssh/id_ed25519")).contains("known_hosts " + known + " (strict)"));
        assertAllCompleted(run(plan), 1);
    }

    @Test
    void aConfigAliasGivesAddressUserKeyAndHostKeyPolicy() throws Exception {
        Path home = home();
        Path key = home.resolve("keys/lab_ecdsa");
        Files.createDirectories(key.getParent());
        Files.copy(lab.key("ecdsa"), key);
        Files.writeString(home.resolve(".ssh/config"), """
                Host other
                    HostName 192.0.2.1
                Host lab?
                    User root
                    IdentityFile ~/keys/lab_ecdsa
                    StrictHostKeyChecking accept-new
                    UserKnownHostsFile ~/kh/%%h
                Host labx
                    HostName %s
                Host laby
                    HostName %s
                """.formatted(lab.address(1), lab.address(3)));
        LoginEnvironment env = environment(home, Map.of());
        Plan plan = PlanFile.parse("hosts:\n" + host(1, "x", "{type: ssh, host: labx}") + host(3, "y", "{type: ssh, host: laby}")
                + "tests:\n  - {name: alias, pairs: [[y, x]], duration: 1}\n", work, Optional.empty(), env);
        assertThat(dryRun(plan)).anySatisfy(l -> assertThat(l).startsWith("# x [ssh root@" + lab.address(1) + ":22]: login")
                .contains("keys: " + key).contains("known_hosts " + home.resolve("kh/" + lab.address(1)) + " (accept new)"));
        Files.createDirectories(home.resolve("kh"));
        assertAllCompleted(run(plan), 1);
        assertThat(Files.readString(home.resolve("kh/" + lab.address(3)))).contains("ssh-rsa");
    }

    @Test
    void theAgentsKeysAloneLogIn() throws Exception {
        Path home = home();
        Path socket = Files.createTempDirectory(work, "agent").resolve("agent.sock");
        // -D: the agent stays in the foreground, a child of this JVM, killed by its PID below
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("ssh-agent.log").toFile()).start();
        try {
            waitFor(socket);
            ProcessBuilder add = new ProcessBuilder("ssh-add", lab.key().toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process p = add.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("ssh-add: %s", out).isTrue();
            String yaml = host(1, "a", "{type: ssh, accept_new_host_keys: true}") + host(2, "b", "{type: ssh, accept_new_host_keys: true}");
            LoginEnvironment env = environment(home, Map.of("SSH_AUTH_SOCK", socket.toString()));
            Plan plan = PlanFile.parse("hosts:\n" + yaml + "tests:\n  - {name: agent, pairs: [[b, a]], duration: 1}\n", work,
                    Optional.empty(), env);
            assertThat(dryRun(plan)).anySatisfy(l -> assertThat(l).contains("keys: agent " + socket + ", known_hosts"));
            assertAllCompleted(run(plan), 1);
        } finally {
            agent.destroy();
            if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
    }

    @Test
    void anEncryptedKeyNeedsItsPassphraseFromTheEnvironment() throws Exception {
        Path dir = Files.createTempDirectory(work, "enc");
        Path key = dir.resolve("id_ed25519_enc");
        Shell.run("ssh-keygen", "-q", "-t", "ed25519", "-N", "lab passphrase", "-f", key.toString());
        lab.authorize(dir.resolve("id_ed25519_enc.pub"));
        String connection = "{type: ssh, user: root, identity: " + key + ", accept_new_host_keys: true, known_hosts: "
                + dir.resolve("known_hosts");
        String tests = "tests:\n  - {name: enc, pairs: [[a, b]], duration: 1}\n";
        LoginEnvironment env = environment(home(), Map.of("KEY_PASSPHRASE", "lab passphrase"));
        assertAllCompleted(run("hosts:\n" + host(1, "a", connection + ", passphrase_env: KEY_PASSPHRASE}")
                + host(3, "b", connection + ", passphrase_env: KEY_PASSPHRASE}") + tests, env), 1);
        // without the passphrase the key is skipped, and the failure says why
        List<TestResult> refused = run("hosts:\n" + host(1, "a", connection + "}") + host(3, "b", connection + "}") + tests, env);
        assertThat(refused).singleElement().satisfies(r -> assertThat(r.outcome()).isInstanceOfSatisfying(TestResult.Outcome.Failed.class,
                f -> assertThat(f.error().getMessage()).contains("ssh login to", "skipped " + key)));
    }

    /** A plan host running the real iperf3 (no jar to build). */
    private String host(int i, String id, String connection) {
        return "  - id: " + id + "\n    address: " + lab.address(i) + "\n    iperf: iperf3\n    connection: " + connection + "\n";
    }

    private Path home() throws Exception {
        Path home = Files.createTempDirectory(work, "home");
        Files.createDirectories(home.resolve(".ssh"));
        return home;
    }

    private static LoginEnvironment environment(Path home, Map<String, String> variables) {
        Map<String, String> env = new HashMap<>(variables);
        env.put("HOME", home.toString());
        return new LoginEnvironment(home, "root", env);
    }

    private List<TestResult> run(String yaml, LoginEnvironment env) throws Exception {
        return run(PlanFile.parse(yaml, work, Optional.empty(), env));
    }

    private List<TestResult> run(Plan plan) throws Exception {
        return new PlanExecution(plan, Files.createTempDirectory(work, "raw"), r -> { }).run();
    }

    private List<String> dryRun(Plan plan) throws Exception {
        return new PlanExecution(plan, Files.createTempDirectory(work, "raw"), r -> { }).dryRun(false);
    }

    private static void assertAllCompleted(List<TestResult> results, int count) {
        assertThat(results).hasSize(count).allSatisfy(r -> assertThat(r.outcome()).as("%s", r)
                .isInstanceOfSatisfying(TestResult.Outcome.Completed.class, c -> assertThat(c.receivedBytes()).isPositive()));
    }

    private static void waitFor(Path socket) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(socket).exists();
    }
}
