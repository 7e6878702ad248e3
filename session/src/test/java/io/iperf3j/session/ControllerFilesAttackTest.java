package io.iperf3j.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.iperf3j.session.lab.IperfJar;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 55's attacks on the controller, as a user runs it ({@code iperf3j session} as a process of the built jar,
 * as root) against another local user's files ({@link #ATTACKER}, steps run with {@code setpriv}): a slot folder
 * made first in {@code /tmp} full of links and with a slot's lock held, {@code -o} folders holding a link at
 * {@code summary.txt}, and (issue 64) {@code -o} and {@code --slot-dir} below a folder of the attacker's, where it
 * could swap the run's folder for a link mid-run. Two local hosts with the real iperf3 3.12; no sshd.
 */
@Tag("root")
@Tag("peer")
@Timeout(value = 20, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class ControllerFilesAttackTest {
    /** The unprivileged local user whose steps attack the controller. */
    static final String ATTACKER = "ijattacker";
    /** Where the controller kept its slots without XDG_RUNTIME_DIR before issue 55, as root. */
    private static final Path OLD_SLOTS = Path.of("/tmp/iperf3j-slots-root");
    private static final String SECRET = "root's own file\n";

    @TempDir
    Path dir;

    @BeforeAll
    static void attackerExists() throws Exception {
        run(List.of("sh", "-c", "id " + ATTACKER + " >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin " + ATTACKER));
    }

    private static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, said).isZero();
    }

    /** {@code script} run by {@code sh} as {@link #ATTACKER}. */
    private static void asAttacker(String script) throws Exception {
        run(List.of("setpriv", "--reuid=" + ATTACKER, "--regid=" + ATTACKER, "--clear-groups", "sh", "-c", script));
    }

    /** A root-owned 0600 file a link of the attacker's names. */
    private Path secret() throws Exception {
        Path s = Files.writeString(dir.resolve("secret"), SECRET);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));
        return s;
    }

    private void secretUnchanged(Path secret) throws Exception {
        assertThat(secret).hasContent(SECRET.strip());
        assertThat(Files.getPosixFilePermissions(secret)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getOwner(secret).getName()).isEqualTo("root");
    }

    /** A plan of one 1-s test between two local hosts with iperf3 3.12. */
    private Path plan(int portOffset) throws Exception {
        String t = "x" + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
        return Files.writeString(dir.resolve("plan.yaml"), """
                hosts:
                  - {id: %1$sa, address: 127.0.0.1, iperf: iperf3}
                  - {id: %1$sb, address: 127.0.0.2, iperf: iperf3}
                tests:
                  - {name: attacked, pairs: [[%1$sa, %1$sb]], direction: up, duration: 1, port: %2$d}
                """.formatted(t, 41000 + portOffset + (ProcessHandle.current().pid() + 11) % 8000));
    }

    /**
     * {@code iperf3j session ARGS} as root with {@code user.home} {@code home} and no {@code XDG_RUNTIME_DIR} (as cron,
     * a service or {@code su} run it); it must end within 90 s (a run that waits on a slot forever does not).
     */
    private static ProcessRun session(Path home, String... args) throws Exception {
        return session(List.of(), home, args);
    }

    /** {@link #session(Path, String...)} run by {@code as} ({@code setpriv …}; none: root), with {@code HOME} {@code home}. */
    private static ProcessRun session(List<String> as, Path home, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(as);
        cmd.addAll(List.of(IperfJar.command().split(" ")));
        cmd.add(as.size() + 1, "-Duser.home=" + home);
        cmd.add("session");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("XDG_RUNTIME_DIR");
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        try {
            java.util.concurrent.CompletableFuture<String> said = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("%s did not end within 90 s: %s", cmd, said.get(10, TimeUnit.SECONDS));
            }
            return new ProcessRun(p.exitValue(), said.get(10, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aSlotFolderAnotherUserMadeInTmpIsNotUsedAndTheRunCompletes() throws Exception {
        Path made = dir.resolve("made-by-root"); // where the attacker's links point: root must not make it
        Path plan = plan(0);
        run(List.of("rm", "-rf", OLD_SLOTS.toString()));
        asAttacker("mkdir -m 0755 " + OLD_SLOTS + " && cd " + OLD_SLOTS + " && : > 127.0.0.1.lock"
                + " && ln -s " + made + " 127.0.0.2.lock && for i in 1 2 3 4 5 6 7 8; do ln -s " + made + ".$i 10.0.0.$i.lock; done");
        Process locker = new ProcessBuilder("setpriv", "--reuid=" + ATTACKER, "--regid=" + ATTACKER, "--clear-groups", "/usr/bin/python3",
                "-c", "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(300)",
                OLD_SLOTS.resolve("127.0.0.1.lock").toString()).redirectErrorStream(true).start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(locker.getInputStream(), StandardCharsets.UTF_8)).readLine())
                    .isEqualTo("locked");
            Path home = dir.resolve("home");
            ProcessRun ran = session(home, plan.toString(), "-o", dir.resolve("out").toString());
            assertThat(ran.status()).as(ran.said()).isZero();
            assertThat(ran.said()).contains("[1/1]").contains("1 ok, 0 failed");
            assertThat(made).as("root made a file where the attacker's link pointed").doesNotExist();
            Path slots = home.resolve(".cache/iperf3j-slots");
            assertThat(Files.getPosixFilePermissions(slots, LinkOption.NOFOLLOW_LINKS)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(slots.resolve("127.0.0.1.lock")).isRegularFile();

            // the same folder given on the command line: refused with its path, nothing run
            ProcessRun refused = session(home, plan.toString(), "-o", dir.resolve("out2").toString(), "--slot-dir", OLD_SLOTS.toString());
            assertThat(refused.status()).as(refused.said()).isEqualTo(2);
            assertThat(refused.said()).isEqualTo("iperf3j session: slot folder " + OLD_SLOTS + " is owned by " + ATTACKER
                    + ", not by root (the user running iperf3j): refused (iperf3j writes only in a folder of its own user that no one"
                    + " else can write)\n");
            assertThat(made).doesNotExist();
        } finally {
            locker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            run(List.of("rm", "-rf", OLD_SLOTS.toString()));
        }
    }

    @Test
    void aLinkAtSummaryTxtInASharedOutputFolderIsReplacedAndItsTargetUnchanged() throws Exception {
        Path secret = secret();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // the attacker reaches the drop folder
        Path drop = Files.createDirectory(dir.resolve("drop")); // root's, shared as /tmp is: others write under the sticky bit
        Files.setAttribute(drop, "unix:mode", 01777);
        asAttacker("ln -s " + secret + " " + drop.resolve("summary.txt") + " && ln -s " + secret + " " + drop.resolve("hosts.txt"));
        ProcessRun ran = session(dir.resolve("home"), plan(100).toString(), "-o", drop.toString(), "--slot-dir",
                dir.resolve("slots").toString());
        assertThat(ran.status()).as(ran.said()).isZero();
        secretUnchanged(secret);
        for (String name : List.of("summary.txt", "hosts.txt")) {
            Path f = drop.resolve(name);
            assertThat(Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).as(name + " is the run's own file").isTrue();
            assertThat(Files.getOwner(f, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo("root");
        }
        assertThat(Files.readString(drop.resolve("summary.txt"))).contains("1 ok, 0 failed");
        assertThat(Files.readAllLines(drop.resolve("tests.jsonl"))).hasSize(1);
    }

    @Test
    void anOutputFolderOfAnotherUserHoldingALinkIsRefusedNamingIt() throws Exception {
        Path secret = secret();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path drop = Files.createDirectory(dir.resolve("drop"));
        Files.setAttribute(drop, "unix:mode", 01777);
        Path theirs = drop.resolve("theirs");
        asAttacker("mkdir " + theirs + " && ln -s " + secret + " " + theirs.resolve("summary.txt"));
        ProcessRun ran = session(dir.resolve("home"), plan(200).toString(), "-o", theirs.toString(), "--slot-dir",
                dir.resolve("slots").toString());
        assertThat(ran.status()).as(ran.said()).isEqualTo(2);
        assertThat(ran.said()).isEqualTo("iperf3j session: output folder " + theirs + " is owned by " + ATTACKER + ", not by root"
                + " (the user running iperf3j): refused (iperf3j writes only in a folder of its own user that others cannot write,"
                + " or can only under the sticky bit)\n");
        secretUnchanged(secret);
        assertThat(theirs.resolve("raw")).doesNotExist();
    }

    /**
     * Issue 64: {@code -o /tmp/X/run1} where the attacker owns {@code /tmp/X} (made {@code 0755}, then {@code 1777}): root
     * could make {@code run1} and check it, and the attacker, free to rename what is in its folder, swap it for a link to a
     * folder of root's mid-run, so that {@code tests.jsonl}, {@code raw/} and the summaries went there. Refused before any
     * test runs, naming {@code /tmp/X} and its owner; nothing is made in it. {@code --slot-dir} below it too.
     */
    @Test
    void anOutputFolderBelowAFolderOfAnotherUsersIsRefusedBeforeAnythingRuns() throws Exception {
        Path theirs = Path.of("/tmp", "ij-theirs-" + java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt()));
        Path plan = plan(300);
        Path home = dir.resolve("home");
        try {
            for (String mode : List.of("0755", "1777")) {
                run(List.of("rm", "-rf", theirs.toString()));
                asAttacker("mkdir -m " + mode + " " + theirs);
                Path run1 = theirs.resolve("run1");
                ProcessRun refused = session(home, plan.toString(), "-o", run1.toString(), "--slot-dir", dir.resolve("slots").toString());
                assertThat(refused.status()).as("mode %s: %s", mode, refused.said()).isEqualTo(2);
                assertThat(refused.said()).as("mode %s", mode).isEqualTo("iperf3j session: output folder " + run1 + ": " + theirs
                        + ", above it, is owned by " + ATTACKER + ": another user could swap what is below it; refused (iperf3j writes"
                        + " only below folders of root's that no one else can write, or can only under the sticky bit)\n");
                assertThat(theirs).as("root made nothing in the attacker's folder (mode %s)", mode).isEmptyDirectory();

                Path slots = theirs.resolve("slots");
                ProcessRun slotsRefused = session(home, plan.toString(), "-o", dir.resolve("out-" + mode).toString(), "--slot-dir",
                        slots.toString());
                assertThat(slotsRefused.status()).as(slotsRefused.said()).isEqualTo(2);
                assertThat(slotsRefused.said()).startsWith("iperf3j session: slot folder " + slots + ": " + theirs + ", above it, is owned by "
                        + ATTACKER + ": another user could swap what is below it; refused");
                assertThat(theirs).isEmptyDirectory();
                assertThat(dir.resolve("out-" + mode).resolve("tests.jsonl")).doesNotExist();
            }
        } finally {
            run(List.of("rm", "-rf", theirs.toString()));
        }
    }

    /**
     * What issue 64's walk must keep working: systemd's {@code DynamicUser=} folders, a link of root's in a folder of root's
     * ({@code /run/NAME -> private/NAME}) to a folder of the service's user, as {@code -o} and {@code --slot-dir} of that
     * user (here {@link #ATTACKER}, run as any unprivileged user is).
     */
    @Test
    void aLinkRootMadeToAFolderOfTheUsersServesAsItsOutputAndSlotFolder() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path plan = plan(400);
        Path own = Files.createDirectories(dir.resolve("private/name"));
        Files.setOwner(own, own.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(ATTACKER));
        Path link = Files.createSymbolicLink(dir.resolve("name"), Path.of("private/name"));
        ProcessRun ran = session(List.of("setpriv", "--reuid=" + ATTACKER, "--regid=" + ATTACKER, "--clear-groups"), own, plan.toString(),
                "-o", link.resolve("run1").toString(), "--slot-dir", link.resolve("slots").toString());
        assertThat(ran.status()).as(ran.said()).isZero();
        assertThat(ran.said()).contains("1 ok, 0 failed");
        assertThat(Files.readAllLines(own.resolve("run1/tests.jsonl"))).hasSize(1);
        assertThat(Files.getOwner(own.resolve("run1/tests.jsonl")).getName()).isEqualTo(ATTACKER);
        assertThat(Files.getPosixFilePermissions(own.resolve("slots"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }
}
