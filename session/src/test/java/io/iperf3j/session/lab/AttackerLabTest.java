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
 * The session's hosts as an attacker finds them (issues 55 and 64; docs/design/threat-model.md): four real OpenSSH hosts, each a
 * machine of its own for what a session keeps there ({@link NetnsLab#createPrivate}: its own /tmp, /run and /home), hosts 1
 * and 2 with Debian's dash as {@code sh}, 3 and 4 with bash (as RHEL, Fedora and Arch have it), and on each an unprivileged
 * local user, {@link NetnsLab#ATTACKER}, who prepares what it can before and during the sessions. The kernel's
 * {@code fs.protected_symlinks}, {@code protected_fifos} and {@code protected_regular} are 0 for the whole class (as on hosts
 * without systemd's defaults; they are global, not per namespace, so they are set and put back by the class). Each attack
 * worked on efa9ff2 (issue 55's) or on 0af9c0f (issue 64's: a race and a link into the image install, the shared slot folder
 * filled, squatted and lied through); here each session either runs its test right, or fails it saying why, and nothing
 * outside the session's own folders is created or changed.
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
        for (String name : PROTECTED) {
            Path f = Path.of("/proc/sys/fs", name);
            sysctls.put(name, Files.readString(f).strip());
            Files.writeString(f, "0");
        }
        Files.createDirectories(work);
        dir = Files.createTempDirectory(work, "attacker");
        lab = NetnsLab.createPrivate("ija", 251, dir, Map.of(1, "dash", 2, "dash", 3, "bash", 4, "bash"));
        victim = dir.resolve("victim");
        Files.writeString(victim, SECRET);
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    void tearDown() throws Exception {
        if (lab != null) {
            lab.close();
        }
        for (Map.Entry<String, String> e : sysctls.entrySet()) {
            Files.writeString(Path.of("/proc/sys/fs", e.getKey()), e.getValue());
        }
    }

    /** The kernel's protections against links and files planted in sticky folders: 0 for the class, as hosts without systemd's defaults. */
    private static final List<String> PROTECTED = List.of("protected_symlinks", "protected_fifos", "protected_regular");
    /** Their values before the class, put back after it. */
    private final Map<String, String> sysctls = new java.util.LinkedHashMap<>();

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
        Path tarball = image(shell);
        String sha = sha256(tarball);
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

    /** The host's slot name at the host-slots service for host i: its address as the session keys it ({@code HostSlots}). */
    private String slotName(int i) {
        String file = HostSlots.fileName(lab.address(i).toLowerCase(java.util.Locale.ROOT));
        return file.substring(0, file.length() - ".lock".length());
    }

    /** Copies {@code text} to {@code path} on host i (root's, mode 0644: the attacker's scripts are read from there). */
    private void put(int i, String path, String text) throws Exception {
        Path f = Files.createTempFile(dir, "put", ".txt");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        as(i, "root", "cp " + f + " " + path + " && chmod 644 " + path);
    }

    /**
     * Starts the attacker's python {@code script} on host i in the background (copied to {@code /tmp/NAME.py}), and waits until
     * it wrote {@code text} to {@code marker}; returns its PID.
     */
    private long attacker(int i, String name, String script, String marker, String text) throws Exception {
        put(i, "/tmp/" + name + ".py", script);
        long pid = Long.parseLong(as(i, NetnsLab.ATTACKER, "python3 /tmp/" + name + ".py >/dev/null 2>&1 </dev/null & echo $!").strip());
        await(i, marker, text);
        return pid;
    }

    /** Waits up to 30 s for {@code file} on host i to exist and hold {@code text}. */
    private void await(int i, String file, String text) throws Exception {
        for (int k = 0; k < 600; k++) {
            Shell.Result r = lab.asUser(i, "root", "cat " + file + " 2>/dev/null");
            if (r.out().contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(file + " on host " + i + " never held '" + text + "': " + lab.asUser(i, "root", "cat " + file).out());
    }

    /**
     * Another account's hold on a host's slot, at the host's host-slots service (a connection of the attacker's own that took
     * the slot and keeps it): a test waits, then fails saying "host busy, held by user ijhostattacker" (the kernel's name for
     * the holder, not one it could claim) within its bound, and once the attacker lets go the next test runs. What the
     * attacker lays out in the folders others used to read (issue 55's shared slot folder) is read by no one.
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void anotherAccountsHoldIsWaitedForBoundedAndNamedByTheKernel(String shell) throws Exception {
        int[] p = pair(shell);
        for (int i : p) {
            lab.startSlotService(i);
        }
        try {
            int port = FreePorts.next();
            long holder = attacker(p[1], "ij-hold", "import socket, time\n"
                    + "s = socket.socket(socket.AF_UNIX)\n"
                    + "s.connect('/run/iperf3j/host-slots.sock')\n"
                    + "f = s.makefile('rw')\n"
                    + "f.readline()\n"
                    + "f.write('take " + slotName(p[1]) + "\\n'); f.flush()\n"
                    + "open('/tmp/ij-held', 'w').write(f.readline())\n"
                    + "time.sleep(600)\n", "/tmp/ij-held", "taken");
            try {
                long t0 = System.nanoTime();
                PlanRun busy = session("slot1", plan(p, "root", "", port));
                double waited = (System.nanoTime() - t0) / 1e9;
                assertThat(busy.status()).as(busy.out()).isEqualTo(SessionCommand.TEST_FAILED);
                assertThat(busy.tests()).hasSize(1);
                assertThat(busy.tests().getFirst().path("error").asText()).as(busy.out())
                        .contains("r" + p[1]).contains("host busy, held by user " + NetnsLab.ATTACKER);
                assertThat(busy.out()).doesNotContain("no host-slots service");
                // 30 s and twice the test's 1 s: the bound of a wait for another account (PairSession.anotherAccountWait)
                assertThat(waited).as("waited, within its bound").isBetween(31.0, 90.0);
            } finally {
                as(p[1], "root", "kill " + holder + "; rm -f /tmp/ij-held");
            }
            PlanRun after = session("slot2", plan(p, "root", "", port));
            assertThat(after.status()).as("the attacker let go: %s", after.out()).isEqualTo(SessionCommand.OK);
            assertVictimUnchanged();
        } finally {
            for (int i : p) {
                lab.stopSlotService(i);
            }
        }
    }

    /**
     * The shared slot folder of issue 55 ({@code /run/iperf3j-host-slots}, 1777), left on a host by a session of 0af9c0f, with
     * what an attacker put in it: in its own uid's folder, a link whose target's newlines forge a line of {@code ls}'s naming
     * root's own lock as the attacker's hold, and 10 000 more digit-named folders each with a lock file (on 0af9c0f the first
     * made every other account's take answer "busy" and fail after 32 s, the second made a take last 74-99 s). No agent reads
     * that folder now: the test runs at once (its take well under a second: the whole one-second test within 15 s), no
     * holder is named, and, with no host-slots service on the hosts, the session says once per host that it takes turns
     * with its own account's sessions only.
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void anOldSharedSlotFolderFullOfAnAttackersFilesIsReadByNoOne(String shell) throws Exception {
        int[] p = pair(shell);
        String slot = HostSlots.fileName(lab.address(p[1]).toLowerCase(java.util.Locale.ROOT));
        String uid = as(p[1], NetnsLab.ATTACKER, "id -u").strip();
        as(p[1], "root", "mkdir -p -m 1777 /run/iperf3j-host-slots && chmod 1777 /run/iperf3j-host-slots && mkdir -p -m 755 /run/iperf3j-host-slots/0"
                + " && : > /run/iperf3j-host-slots/0/" + slot);
        put(p[1], "/tmp/ij-fill.py", "import os\n"
                + "base = '/run/iperf3j-host-slots'\n"
                + "ino = os.stat(base + '/0/" + slot + "').st_ino\n"
                + "mine = base + '/" + uid + "'\n"
                + "os.mkdir(mine)\n"
                + "os.symlink('x\\n%d -rw-r--r-- 1 " + uid + " 0 0 Jan  1 00:00 %s/" + slot + "' % (ino, mine), mine + '/" + slot + "')\n"
                + "for n in range(100000, 110000):\n"
                + "    os.mkdir('%s/%d' % (base, n))\n"
                + "    open('%s/%d/" + slot + "' % (base, n), 'w').close()\n");
        as(p[1], NetnsLab.ATTACKER, "python3 /tmp/ij-fill.py");
        assertThat(as(p[1], "root", "ls /run/iperf3j-host-slots | wc -l").strip()).isEqualTo("10002");
        try {
            long t0 = System.nanoTime();
            PlanRun run = session("oldslots", plan(p, "root", "", FreePorts.next()).replace("duration: 1,", "duration: 1, repeat: 2,"));
            double took = (System.nanoTime() - t0) / 1e9;
            assertThat(run.status()).as(run.out() + run.err()).isEqualTo(SessionCommand.OK);
            assertThat(run.tests()).hasSize(2);
            assertThat(run.out()).doesNotContain("held by user").doesNotContain("waiting for host");
            assertThat(took).as("two 1-second tests, their takes at once: " + run.out()).isLessThan(30.0);
            // the take itself, as the session's agent makes it there: a request to its own lock, whatever the folder holds
            io.iperf3j.session.Node node = lab.node(p[1], "take", io.iperf3j.session.Node.Role.NODE, io.iperf3j.session.IperfKind.IPERF3,
                    Map.of(), lab.key());
            try (io.iperf3j.session.Connection c = lab.connect(node);
                    io.iperf3j.session.internal.host.HostAgent agent = new io.iperf3j.session.internal.host.HostAgent(c, "take",
                            io.iperf3j.session.internal.host.RemoteScripts.owner("take", "t" + ProcessHandle.current().pid()),
                            lab.address(p[1]).toLowerCase(java.util.Locale.ROOT))) {
                agent.start();
                long t1 = System.nanoTime();
                assertThat(agent.take()).isTrue();
                double take = (System.nanoTime() - t1) / 1e9;
                System.out.printf("take on a host with 10 000 of another user's folders in the old slot folder: %.3f s%n", take);
                // the agent's reply limit is 15 s; on 0af9c0f the take walked the 10 000 folders for 74-99 s
                assertThat(take).as("a take").isLessThan(5.0);
                agent.give();
            }
            assertThat(run.out().lines().filter(l -> l.contains("no host-slots service here")).toList()).as(run.out())
                    .hasSize(2).anySatisfy(l -> assertThat(l).startsWith("s" + p[0] + ": "))
                    .anySatisfy(l -> assertThat(l).startsWith("r" + p[1] + ": "))
                    .allSatisfy(l -> assertThat(l).contains("takes turns on the host with the other sessions of its own account only"));
            assertVictimUnchanged();
        } finally {
            as(p[1], "root", "rm -rf /run/iperf3j-host-slots");
        }
    }

    /**
     * An image's folder the plan puts in {@code /tmp} (issue 64's first finding: an attacker who won a race to make
     * {@code /tmp/image-HASH16} had root move its verified tree inside the attacker's folder, and root then ran the attacker's
     * launcher at every test; and the unpack's error file, a guessable name there, truncated any file a link of the attacker's
     * named). The attacker races for the folder and plants links at every error file name the unpack could open: the install
     * is refused before anything is copied (a folder others may write holds no name of the session's), the test fails saying
     * so, the attacker's launcher never runs and the file its links name is unchanged.
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void anImageFolderInTmpIsRefusedAndTheAttackersRaceWinsNothing(String shell) throws Exception {
        int[] p = pair(shell);
        Path tarball = image("tmp-" + shell);
        String hash = sha256(tarball).substring(0, 16);
        long racer = attacker(p[0], "ij-race", "import glob, os, time\n"
                + "d = '/tmp/image-" + hash + "'\n"
                + "for pid in range(300, 32768):\n"
                + "    try:\n"
                + "        os.symlink('" + victim + "', '%s.part.%d.err' % (d, pid))\n"
                + "    except FileExistsError:\n"
                + "        pass\n"
                + "os.makedirs('/tmp/ij-own/bin', exist_ok=True)\n"
                + "open('/tmp/ij-own/bin/iperf3j', 'w').write('#!/bin/sh\\ntouch /tmp/pwned-$(id -u)\\necho iperf3j 0.0.1\\n')\n"
                + "os.chmod('/tmp/ij-own/bin/iperf3j', 0o755)\n"
                + "open('/tmp/ij-racing', 'w').write('racing')\n"
                + "end = time.time() + 120\n"
                + "while time.time() < end:\n"
                + "    if glob.glob('/tmp/.upload-" + hash + "-*'):\n"
                + "        try:\n"
                + "            os.mkdir(d)\n"
                + "            os.chmod(d, 0o777)\n"
                + "            os.rename('/tmp/ij-own/bin', d + '/bin')\n"
                + "        except OSError:\n"
                + "            pass\n"
                + "    time.sleep(0.001)\n", "/tmp/ij-racing", "racing");
        try {
            PlanRun run = session("tmpimage", plan(p, "root", ", install: {image: " + tarball + ", directory: /tmp}", FreePorts.next())
                    .replace("iperf: iperf3, install", "iperf: iperf3j, install"));
            assertThat(run.status()).as(run.out() + run.err()).isEqualTo(SessionCommand.TEST_FAILED);
            assertThat(run.tests().getFirst().path("error").asText()).as(run.out())
                    .contains("cannot install the iperf3j image").contains("/tmp may be written by a user other than root")
                    .contains("no name in it is safe to use");
            assertThat(as(p[0], "root", "ls -A /tmp")).as("nothing of the session's in /tmp; the attacker's launcher never ran")
                    .doesNotContain("pwned").doesNotContain(".upload-");
            assertVictimUnchanged();
        } finally {
            as(p[0], "root", "kill " + racer + " 2>/dev/null; rm -rf /tmp/image-" + hash + "* /tmp/ij-own /tmp/ij-racing /tmp/pwned-*");
        }
    }

    /**
     * An image's folder reached through a link of the attacker's (issue 64's second finding: {@code /tmp/ijimg -> /run/ijlab},
     * a folder of root's, passed the check that followed it, and the attacker re-pointed the link at a folder of its own with
     * the same image name before the next start of the launcher). The link is refused, naming it and its owner; nothing is
     * copied through it and the attacker's launcher never runs.
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void anImageFolderThroughAnotherUsersLinkIsRefused(String shell) throws Exception {
        int[] p = pair(shell);
        Path tarball = image("link-" + shell);
        String hash = sha256(tarball).substring(0, 16);
        String uid = as(p[0], NetnsLab.ATTACKER, "id -u").strip();
        long attacker = attacker(p[0], "ij-repoint", "import os, time\n"
                + "home = '/home/" + NetnsLab.ATTACKER + "/fake'\n"
                + "os.makedirs(home + '/image-" + hash + "/bin', exist_ok=True)\n"
                + "open(home + '/image-" + hash + "/bin/iperf3j', 'w').write('#!/bin/sh\\ntouch /tmp/pwned-$(id -u)\\necho iperf3j 0.0.1\\n')\n"
                + "os.chmod(home + '/image-" + hash + "/bin/iperf3j', 0o755)\n"
                + "os.chmod('/home/" + NetnsLab.ATTACKER + "', 0o755)\n"
                + "os.symlink('/run/ijlab', '/tmp/ijimg')\n"
                + "open('/tmp/ij-linked', 'w').write('linked')\n"
                + "end = time.time() + 120\n"
                + "while time.time() < end:\n"
                + "    if os.path.exists('/run/ijlab/image-" + hash + "'):\n"
                + "        os.symlink(home, '/tmp/ijimg.new')\n"
                + "        os.rename('/tmp/ijimg.new', '/tmp/ijimg')\n"
                + "        break\n"
                + "    time.sleep(0.001)\n", "/tmp/ij-linked", "linked");
        try {
            PlanRun run = session("linkimage", plan(p, "root", ", install: {image: " + tarball + ", directory: /tmp/ijimg}", FreePorts.next())
                    .replace("iperf: iperf3, install", "iperf: iperf3j, install").replace("duration: 1,", "duration: 1, repeat: 2,"));
            assertThat(run.status()).as(run.out() + run.err()).isEqualTo(SessionCommand.TEST_FAILED);
            assertThat(run.tests()).hasSize(2).allSatisfy(t -> assertThat(t.path("error").asText()).as(run.out())
                    .contains("/tmp/ijimg is owned by uid " + uid + ", not by root"));
            assertThat(as(p[0], "root", "ls -A /tmp /run/ijlab")).as("the attacker's launcher never ran; nothing copied through the link")
                    .doesNotContain("pwned").doesNotContain("image-" + hash);
        } finally {
            as(p[0], "root", "kill " + attacker + " 2>/dev/null; rm -rf /tmp/ijimg /tmp/ijimg.new /tmp/ij-linked /tmp/pwned-* /home/"
                    + NetnsLab.ATTACKER + "/fake");
        }
    }

    /** A runtime image tarball whose launcher runs the lab's jar (iperf3j-0.0.1/bin/iperf3j), named {@code name}. */
    private Path image(String name) throws Exception {
        Path src = dir.resolve("image-" + name + "/iperf3j-0.0.1/bin");
        Files.createDirectories(src);
        Files.writeString(src.resolve("iperf3j"), "#!/bin/sh\nexec " + IperfJar.command() + " \"$@\"\n");
        Files.setPosixFilePermissions(src.resolve("iperf3j"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tarball = dir.resolve("image-" + name + ".tar.gz");
        Shell.run("tar", "-czf", tarball.toString(), "-C", dir.resolve("image-" + name).toString(), "iperf3j-0.0.1");
        return tarball;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /**
     * A state folder of the old, shared kind made by another user first (/tmp/iperf3j-session with a folder of links where
     * a run's folder would be, and /tmp/iperf3j-slots-root): the session uses none of them (root's state is in /run, its slot
     * lock in its own state folder), runs its test right, and writes nothing through them.
     */
    @ParameterizedTest(name = "sh is {0}")
    @ValueSource(strings = {"dash", "bash"})
    void foldersAnotherUserMadeFirstAreNotUsed(String shell) throws Exception {
        int[] p = pair(shell);
        for (int i : p) {
            as(i, NetnsLab.ATTACKER, "mkdir -p /tmp/iperf3j-session/s" + p[0] + "+x /tmp/iperf3j-slots-root"
                    + " && for f in live.lock server.pid client.pid server-5201.out slots; do ln -sf " + victim
                    + " /tmp/iperf3j-session/$f; ln -sf " + victim + " /tmp/iperf3j-session/s" + p[0] + "+x/$f; done"
                    + " && chmod -R a+rwx /tmp/iperf3j-session");
        }
        PlanRun run = session("premade", plan(p, "root", "", FreePorts.next()));
        assertThat(run.status()).as(run.out() + run.err()).isEqualTo(SessionCommand.OK);
        assertVictimUnchanged();
        for (int i : p) {
            assertThat(as(i, "root", "ls -A /tmp/iperf3j-session/s" + p[0] + "+x")).as("the attacker's folder, untouched")
                    .isEqualTo("client.pid\nlive.lock\nserver-5201.out\nserver.pid\nslots\n");
            assertThat(as(i, "root", "stat -c '%a %U' /run/iperf3j-session /run/iperf3j-session/slots")).isEqualTo("700 root\n700 root\n");
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
            // the attacker's listener listens before the session starts, or the test says so (it went on after 100 looks
            // without it, and then tested a port nobody held yet)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lab.asUser(p[1], "root", "test -e /tmp/ij-listening").exit() != 0) {
                assertThat(System.nanoTime()).as("the attacker's listener on port %d listens within 60 s", port).isLessThan(deadline);
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
     * Three controllers whose sessions log in to the same hosts, two as root and one as {@link NetnsLab#SECOND_ACCOUNT} (each
     * account with its own state folder), take turns through the hosts' host-slots service: every test of each ends ok, and no
     * host is in two tests at once (the hosts' own stamps of every iperf3's start and end, written by a wrapper on each host).
     * Before them a root session ran and the attacker tried to squat the second account's place (issue 64's ninth finding: on
     * 0af9c0f it made the folder named by that account's uid in root's shared slot folder first, and that account then kept its
     * slots to itself, in tests at the same time as root's); no folder in the hosts' /run may be written by any user but root
     * (its seventh: the shared slot folder let any user fill /run).
     */
    @Test
    void twoAccountsAndTwoControllersTakeTurnsOnTheSameHosts() throws Exception {
        int[] p = pair("dash");
        // a time read again when date printed none (HostStamps says why)
        String wrapper = "#!/bin/sh\n"
                + "now() { t=; n=0; while [ -z \"$t\" ] && [ $n -lt 50 ]; do t=$(date +%s%N); n=$((n + 1)); done; }\n"
                + "now; s=$t\n"
                + "/usr/bin/iperf3 \"$@\" & c=$!\n"
                + "trap 'kill $c; wait $c; now; echo \"$s $t\" >> /tmp/ijstamps/$(id -un); exit 143' TERM INT\n"
                + "wait $c; rc=$?\n"
                + "now; echo \"$s $t\" >> /tmp/ijstamps/$(id -un)\n"
                + "exit $rc\n";
        Files.writeString(dir.resolve("stamp-iperf3"), wrapper);
        for (int i : p) {
            as(i, "root", "rm -rf /tmp/ijstamps; mkdir -m 1777 /tmp/ijstamps && cp " + dir.resolve("stamp-iperf3")
                    + " /tmp/ij-iperf3 && chmod 755 /tmp/ij-iperf3");
            lab.startSlotService(i);
        }
        try {
            PlanRun first = session("first", plan(p, "root", "", FreePorts.next()));
            assertThat(first.status()).as(first.out()).isEqualTo(SessionCommand.OK);
            String bob = as(p[1], "root", "id -u " + NetnsLab.SECOND_ACCOUNT).strip();
            for (int i : p) {
                Shell.Result squat = lab.asUser(i, NetnsLab.ATTACKER, "mkdir -p /run/iperf3j-host-slots/" + bob + " /run/iperf3j/" + bob
                        + " || mkdir /run/ij-fill");
                assertThat(squat.exit()).as("the attacker can make nothing in /run: %s", squat.out()).isNotZero();
            }
            int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
            List<CompletableFuture<PlanRun>> runs = new ArrayList<>();
            String[] users = {"root", "root", NetnsLab.SECOND_ACCOUNT};
            for (int k = 0; k < 3; k++) {
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
                PlanRun r = f.get(5, TimeUnit.MINUTES);
                assertThat(r.status()).as(r.out() + r.err()).isEqualTo(SessionCommand.OK);
                assertThat(r.tests()).hasSize(3).allSatisfy(t -> assertThat(t.path("status").asText()).as("%s", t).isEqualTo("ok"));
                assertThat(r.out()).doesNotContain("no host-slots service");
            }
            for (int i : p) {
                List<long[]> spans = new ArrayList<>();
                for (String user : List.of("root", NetnsLab.SECOND_ACCOUNT)) {
                    for (String line : as(i, "root", "cat /tmp/ijstamps/" + user).lines().toList()) {
                        String[] w = line.split(" ");
                        spans.add(new long[] {Long.parseLong(w[0]), Long.parseLong(w[1])});
                    }
                }
                assertThat(spans).as("host %d: three iperf3 of each controller", i).hasSize(9);
                spans.sort(java.util.Comparator.comparingLong(s -> s[0]));
                for (int k = 1; k < spans.size(); k++) {
                    assertThat(spans.get(k)[0]).as("host %d: an iperf3 started while another ran", i).isGreaterThanOrEqualTo(spans.get(k - 1)[1]);
                }
                assertThat(as(i, "root", "find /run -xdev -perm -0002 ! -type l ! -type s")).as("host %d: nothing in /run others may write", i)
                        .isEmpty();
                assertThat(lab.asUser(i, "root", "test -e /run/iperf3j-host-slots").exit()).as("no shared slot folder").isNotZero();
            }
            assertThat(as(p[1], "root", "stat -c '%a %U' /home/" + NetnsLab.SECOND_ACCOUNT + "/.cache/iperf3j-session"))
                    .as("the second account's own state folder").isEqualTo("700 " + NetnsLab.SECOND_ACCOUNT + "\n");
        } finally {
            for (int i : p) {
                lab.stopSlotService(i);
            }
        }
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
