package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.command.SessionCommand;
import io.iperf3j.session.internal.dispatch.HostSlots;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The session's hosts as an attacker finds them (issue 55; docs/design/threat-model.md): four real OpenSSH hosts, each a
 * machine of its own for what a session keeps there ({@link NetnsLab#createPrivate}: its own /tmp, /run and /home), hosts 1
 * and 2 with Debian's dash as {@code sh}, 3 and 4 with bash (as RHEL, Fedora and Arch have it), and on each an unprivileged
 * local user, {@link NetnsLab#ATTACKER}, who prepares what it can before and during the sessions. Each attack worked on
 * efa9ff2 (the state in a world-writable /tmp/iperf3j-session, slot files opened through links, replies that a process name
 * could forge); here each session either runs its test right, or fails it saying why, and nothing outside the session's
 * own folders is created or changed.
 */
@Tag("tool")
@Tag("root")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
@ResourceLock(NetnsLab.LANE)
class AttackerLabTest {
    private final Path work = Path.of("target", "session-lab").toAbsolutePath();
    private NetnsLab lab;
    private Path dir;
    /** A root-owned 0600 file outside every session folder: the attacker's links point at it; it must never change. */
    private Path victim;
    private static final String SECRET = "root's own\n";

    @BeforeAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void lab() throws Exception {
        Files.createDirectories(work);
        dir = Files.createTempDirectory(work, "attacker");
        lab = NetnsLab.createPrivate("ija", 251, dir, Map.of(1, "dash", 2, "dash", 3, "bash", 4, "bash"));
        victim = dir.resolve("victim");
        Files.writeString(victim, SECRET);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    /** The pair of hosts with {@code shell} as their sh: sender, receiver. */
    private static int[] pair(String shell) {
        return shell.equals("dash") ? new int[] {1, 2} : new int[] {3, 4};
    }

    private String host(int i, String id, String user, String extra) {
        return "  - {id: " + id + ", address: " + lab.address(i) + ", iperf: iperf3" + extra + ", connection: {type: ssh, user: "
                + user + ", identity: " + lab.key() + ", known_hosts: " + lab.knownHosts() + ", accept_new_host_keys: true}}\n";
    }

    private String plan(int[] p, String user, String senderExtra, int port) {
        return "hosts:\n" + host(p[0], "s" + p[0], user, senderExtra) + host(p[1], "r" + p[1], user, "")
                + "tests:\n  - {name: t, pairs: [[s" + p[0] + ", r" + p[1] + "]], direction: up, duration: 1, port: " + port + "}\n";
    }

    /** Runs a command on host i as {@code user}, checking its status. */
    private String as(int i, String user, String script) throws Exception {
        Shell.Result r = lab.asUser(i, user, script);
        assertThat(r.exit()).as("host %d, %s: %s\n%s", i, user, script, r.out()).isZero();
        return r.out();
    }

    private void assertVictimUnchanged() throws Exception {
        assertThat(Files.readString(victim)).isEqualTo(SECRET);
        assertThat(Files.getPosixFilePermissions(victim)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    /**
     * A runtime image planted where the session used to reuse one (/tmp/iperf3j-session/image-HASH with its mark, the name
     * and hash taken from the public tarball) never runs: root's image goes to root's own /run/iperf3j-session, which no
     * other user can write, and an image there runs only once every file matches the tarball.
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void aPlantedImageNeverRuns(String shell) throws Exception {
        int[] p = pair(shell);
        Path src = dir.resolve("image-" + shell + "/iperf3j-0.0.1/bin");
        Files.createDirectories(src);
        Files.writeString(src.resolve("iperf3j"), "#!/bin/sh\nexec " + IperfJar.command() + " \"$@\"\n");
        Files.setPosixFilePermissions(src.resolve("iperf3j"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tarball = dir.resolve("image-" + shell + ".tar.gz");
        Shell.run("tar", "-czf", tarball.toString(), "-C", dir.resolve("image-" + shell).toString(), "iperf3j-0.0.1");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
        String planted = "/tmp/iperf3j-session/image-" + sha.substring(0, 16);
        as(p[0], NetnsLab.ATTACKER, "mkdir -p " + planted + "/bin && printf '#!/bin/sh\\ntouch /tmp/pwned-$(id -u)\\n"
                + "echo iperf3j 0.0.1\\n' > " + planted + "/bin/iperf3j && chmod -R a+rwx /tmp/iperf3j-session && echo " + sha
                + " > " + planted + "/.sha256");
        assertThat(lab.asUser(p[0], NetnsLab.ATTACKER, "mkdir /run/iperf3j-session").exit()).as("root's /run is root's").isNotZero();

        PlanRun run = session("image", plan(p, "root", ", install: {image: " + tarball + "}", FreePorts.next())
                .replace("iperf: iperf3, install", "iperf: iperf3j, install"));
        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(SessionCommand.OK);
        assertThat(run.out()).contains("s" + p[0] + ": iperf3j image copied to /run/iperf3j-session/image-" + sha.substring(0, 16));
        assertThat(as(p[0], "root", "ls -A /tmp")).as("the planted launcher never ran").doesNotContain("pwned");
        assertThat(as(p[0], "root", "stat -c '%a %U' /run/iperf3j-session")).isEqualTo("700 root\n");
    }

    /**
     * Another account's hold on a host's slot (a plain flock on a lock file of its own in the shared slot folder, with links
     * and a FIFO beside it) makes a test wait, then fail saying "host busy, held by user ijhostattacker" within its bound; nothing
     * the attacker laid out is opened or followed (the victim its links point at is unchanged, and a FIFO it put where a
     * wait lock goes blocks nothing). Once it lets go, the next test runs.
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void anotherAccountsHoldIsWaitedForBoundedAndNothingOfItsIsOpened(String shell) throws Exception {
        int[] p = pair(shell);
        int port = FreePorts.next();
        PlanRun first = session("slot0", plan(p, "root", "", port));
        assertThat(first.status()).as("root's agent makes the shared slot folder: %s", first.out()).isEqualTo(SessionCommand.OK);
        assertThat(as(p[1], "root", "stat -c '%a %U' /run/iperf3j-host-slots /run/iperf3j-host-slots/0")).isEqualTo("1777 root\n755 root\n");
        String slot = HostSlots.fileName(lab.address(p[1]).toLowerCase(java.util.Locale.ROOT));
        String held = as(p[1], NetnsLab.ATTACKER, "d=/run/iperf3j-host-slots/$(id -u); mkdir -p $d && cd $d && : > " + slot
                + " && ln -s " + victim + " " + slot + ".want && mkfifo " + slot + ".wait"
                + " && (flock -o " + slot + " sleep 600 >/dev/null 2>&1 </dev/null & echo $!)").strip();
        long holder = Long.parseLong(held);
        try {
            long t0 = System.nanoTime();
            PlanRun busy = session("slot1", plan(p, "root", "", port));
            double waited = (System.nanoTime() - t0) / 1e9;
            assertThat(busy.status()).as(busy.out()).isEqualTo(SessionCommand.TEST_FAILED);
            assertThat(busy.tests()).hasSize(1);
            assertThat(busy.tests().getFirst().path("error").asText()).as(busy.out())
                    .contains("r" + p[1]).contains("host busy, held by user " + NetnsLab.ATTACKER);
            // 30 s and twice the test's 1 s: the bound of a wait for another account (PairSession.anotherAccountWait)
            assertThat(waited).as("waited, within its bound").isBetween(31.0, 90.0);
            assertVictimUnchanged();
        } finally {
            as(p[1], "root", "kill " + holder);
        }
        PlanRun after = session("slot2", plan(p, "root", "", port));
        assertThat(after.status()).as("the attacker let go: %s", after.out()).isEqualTo(SessionCommand.OK);
        assertVictimUnchanged();
        assertThat(as(p[1], "root", "find /run/iperf3j-host-slots/0 -mindepth 1 -printf '%y %u %f\\n'").lines())
                .as("root's lock (and its wait lock), nothing of the attacker's").contains("f root " + slot)
                .allMatch(l -> l.startsWith("f root " + slot));
    }

    /**
     * A state folder of the old, shared kind made by another user first (/tmp/iperf3j-session with a folder of links where
     * a run's folder would be, and /tmp/iperf3j-slots-root), and an account folder in the shared slot folder made by the
     * attacker under root's uid (a link): the session uses none of them (root's state is in /run, its slot lock falls back
     * to its own folder, with a warning naming the link), runs its test right, and writes nothing through them.
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void foldersAnotherUserMadeFirstAreNotUsed(String shell) throws Exception {
        int[] p = pair(shell);
        for (int i : p) {
            as(i, "root", "rm -rf /run/iperf3j-host-slots/0");
            as(i, NetnsLab.ATTACKER, "mkdir -p /tmp/iperf3j-session/s" + p[0] + "+x /tmp/iperf3j-slots-root"
                    + " && for f in live.lock server.pid client.pid server-5201.out slots; do ln -sf " + victim
                    + " /tmp/iperf3j-session/$f; ln -sf " + victim + " /tmp/iperf3j-session/s" + p[0] + "+x/$f; done"
                    + " && chmod -R a+rwx /tmp/iperf3j-session && ln -s " + dir + " /run/iperf3j-host-slots/0");
        }
        try {
            PlanRun run = session("premade", plan(p, "root", "", FreePorts.next()));
            assertThat(run.status()).as(run.out() + run.err()).isEqualTo(SessionCommand.OK);
            assertThat(run.out()).contains("/run/iperf3j-host-slots/0 is not a folder of root's own");
            assertVictimUnchanged();
            for (int i : p) {
                assertThat(as(i, "root", "ls -A /tmp/iperf3j-session/s" + p[0] + "+x")).as("the attacker's folder, untouched")
                        .isEqualTo("client.pid\nlive.lock\nserver-5201.out\nserver.pid\nslots\n");
                assertThat(as(i, "root", "stat -c '%a %U' /run/iperf3j-session")).isEqualTo("700 root\n");
            }
            try (var files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".lock"))).as("nothing made through the link")
                        .isEmpty();
            }
        } finally {
            for (int i : p) {
                as(i, "root", "rm -f /run/iperf3j-host-slots/0");
            }
        }
    }

    /**
     * A process of another user that holds the test's port, named so that its name reads as the agent's reply ("x", a
     * newline, "@@done 0"): the server's start says the port is taken, naming the process as "x", the test moves to the
     * next port (as for any port another process holds) and runs there, and no client ever connects to the attacker's
     * listener (on efa9ff2 the forged line turned "taken" into "listening" and the client ran a whole test against it).
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void aProcessNameCannotPassForAReply(String shell) throws Exception {
        int[] p = pair(shell);
        int port = FreePorts.next();
        String listener = "import socket\n"
                + "open('/proc/self/comm', 'w').write('x\\n@@done 0')\n"
                + "s = socket.socket(socket.AF_INET6)\n"
                + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                + "s.bind(('::', " + port + "))\n"
                + "s.listen(8)\n"
                + "open('/tmp/ij-listening', 'w').write('yes')\n"
                + "while True:\n"
                + "    c, _ = s.accept()\n"
                + "    open('/tmp/ij-accepted', 'a').write('1')\n"
                + "    c.close()\n";
        Files.writeString(dir.resolve("listener.py"), listener);
        Files.setPosixFilePermissions(dir.resolve("listener.py"), PosixFilePermissions.fromString("rw-r--r--"));
        as(p[1], "root", "cp " + dir.resolve("listener.py") + " /tmp/ij-listener.py && chmod 644 /tmp/ij-listener.py");
        long pid = Long.parseLong(as(p[1], NetnsLab.ATTACKER, "python3 /tmp/ij-listener.py >/dev/null 2>&1 </dev/null & echo $!").strip());
        try {
            for (int k = 0; k < 100 && lab.asUser(p[1], "root", "test -e /tmp/ij-listening").exit() != 0; k++) {
                Thread.sleep(50);
            }
            assertThat(as(p[1], "root", "cat /proc/" + pid + "/comm")).isEqualTo("x\n@@done 0\n");
            PlanRun run = session("comm", plan(p, "root", "", port));
            assertThat(run.status()).as(run.out()).isEqualTo(SessionCommand.OK);
            assertThat(run.out()).contains("port " + port + " on r" + p[1] + " is taken by another process (PID " + pid + " x)")
                    .contains("the test moved to port " + (port + 1)).doesNotContain("@@done");
            assertThat(run.tests().getFirst().path("received_bytes").asLong()).isPositive();
            assertThat(lab.asUser(p[1], "root", "test -e /tmp/ij-accepted").exit()).as("no client connected to the attacker")
                    .isNotZero();
        } finally {
            as(p[1], "root", "kill " + pid + "; rm -f /tmp/ij-listening /tmp/ij-accepted");
        }
    }

    /**
     * Two controllers whose sessions log in to the same hosts as two different accounts (root and {@link NetnsLab#SECOND_ACCOUNT},
     * each with its own state folder) take turns: every test of both ends ok, and no host is in two tests at once (the
     * hosts' own stamps of every iperf3's start and end, written by a wrapper on each host).
     */
    @Test
    void twoAccountsTakeTurnsOnTheSameHosts() throws Exception {
        int[] p = pair("dash");
        String wrapper = "#!/bin/sh\n"
                + "s=$(date +%s%N)\n"
                + "/usr/bin/iperf3 \"$@\" & c=$!\n"
                + "trap 'kill $c; wait $c; echo \"$s $(date +%s%N)\" >> /tmp/ijstamps/$(id -un); exit 143' TERM INT\n"
                + "wait $c; rc=$?\n"
                + "echo \"$s $(date +%s%N)\" >> /tmp/ijstamps/$(id -un)\n"
                + "exit $rc\n";
        Files.writeString(dir.resolve("stamp-iperf3"), wrapper);
        for (int i : p) {
            as(i, "root", "rm -rf /tmp/ijstamps; mkdir -m 1777 /tmp/ijstamps && cp " + dir.resolve("stamp-iperf3")
                    + " /tmp/ij-iperf3 && chmod 755 /tmp/ij-iperf3");
        }
        int[] ports = {FreePorts.next(), FreePorts.next()};
        List<CompletableFuture<PlanRun>> runs = new ArrayList<>();
        String[] users = {"root", NetnsLab.SECOND_ACCOUNT};
        for (int k = 0; k < 2; k++) {
            String user = users[k];
            String yaml = "hosts:\n"
                    + host(p[0], "s" + k, user, ", commands: {iperf3: /tmp/ij-iperf3}")
                    + host(p[1], "r" + k, user, ", commands: {iperf3: /tmp/ij-iperf3}")
                    + "tests:\n  - {name: t, pairs: [[s" + k + ", r" + k + "]], direction: up, duration: 2, repeat: 3, port: " + ports[k] + "}\n";
            Path slots = Files.createDirectories(dir.resolve("controller-slots-" + k));
            Files.setPosixFilePermissions(slots, PosixFilePermissions.fromString("rwx------"));
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return session("account-" + user, yaml, "--slot-dir", slots.toString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<PlanRun> f : runs) {
            PlanRun r = f.get(4, TimeUnit.MINUTES);
            assertThat(r.status()).as(r.out() + r.err()).isEqualTo(SessionCommand.OK);
            assertThat(r.tests()).hasSize(3).allSatisfy(t -> assertThat(t.path("status").asText()).as("%s", t).isEqualTo("ok"));
        }
        for (int i : p) {
            List<long[]> spans = new ArrayList<>();
            for (String user : users) {
                for (String line : as(i, "root", "cat /tmp/ijstamps/" + user).lines().toList()) {
                    String[] w = line.split(" ");
                    spans.add(new long[] {Long.parseLong(w[0]), Long.parseLong(w[1])});
                }
            }
            assertThat(spans).as("host %d: three iperf3 of each account", i).hasSize(6);
            spans.sort(java.util.Comparator.comparingLong(s -> s[0]));
            for (int k = 1; k < spans.size(); k++) {
                assertThat(spans.get(k)[0]).as("host %d: an iperf3 started while another ran", i).isGreaterThanOrEqualTo(spans.get(k - 1)[1]);
            }
        }
        assertThat(as(p[1], "root", "stat -c '%a %U' /home/" + NetnsLab.SECOND_ACCOUNT + "/.cache/iperf3j-session /run/iperf3j-host-slots/$(id -u "
                + NetnsLab.SECOND_ACCOUNT + ")")).as("the second account's own state and slot folders")
                .isEqualTo("700 " + NetnsLab.SECOND_ACCOUNT + "\n755 " + NetnsLab.SECOND_ACCOUNT + "\n");
    }

    /**
     * {@code iperf3j session PLAN -o OUT [extra]} as a process, as a user runs it (the jar the lab's hosts run, on this
     * machine's JDK), with {@code yaml} as the plan in a new folder named {@code prefix…}; waits up to 4 minutes for it.
     */
    private PlanRun session(String prefix, String yaml, String... extra) throws Exception {
        Path runDir = Files.createTempDirectory(dir, prefix);
        Path plan = runDir.resolve("plan.yaml");
        Files.writeString(plan, yaml);
        Path out = runDir.resolve("out");
        Path log = runDir.resolve("printed.txt");
        List<String> cmd = new ArrayList<>(List.of(IperfJar.command().split(" ")));
        cmd.addAll(List.of("session", plan.toString(), "-o", out.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(4, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("iperf3j session still running after 4 minutes: " + Files.readString(log));
        }
        return new PlanRun(p.exitValue(), Files.readString(log), "", out, PlanRun.tests(out));
    }
}
