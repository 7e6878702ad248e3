package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.fail;

import io.iperf3j.session.SshSettings;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.Node;
import io.iperf3j.testing.Netns;
import io.iperf3j.testing.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import io.iperf3j.session.Connection;

/**
 * Real hosts for the session tests: N network namespaces joined by a bridge in a hub
 * namespace (subnet 10.222.R.0/24, R random per run, names {@code ijss<hex>…}; other modules
 * pass their own tag and second octet to {@link #create(String, int, int, Path, Set)}), the
 * test JVM reaching them through one more veth from the root namespace (10.222.R.254). Each host runs Debian's OpenSSH
 * {@code sshd -D -f CONFIG} on its own address, with a host key and authorized keys made
 * for the run, of the types current OpenSSH makes by default: an ed25519 host key (another type per
 * host through {@link #create(String, int, int, Path, Set, Map)}) and root's ed25519 key
 * ({@link #key()}); root's ecdsa and rsa keys ({@link #key(String)}) are authorized too. {@link #addPasswordUser()} adds the one ordinary
 * user the lab knows ({@value #PASSWORD_USER}, a random password, no PAM), who may log in with
 * that password only; {@link #close()} deletes the user again.
 * The real {@code iperf3}, {@code iperf} and the iperf3j jar are reachable on every host
 * (the namespaces share the file system). {@link #close()} kills every process left in the
 * namespaces by PID and deletes them. root's SSH sessions on the hosts get {@code HOME} set to an empty
 * directory of the lab's (sshd's {@code SetEnv}), so no rc file of this machine's root runs with
 * each command (here: a {@code pyenv init} that serialises every shell on a lock).
 *
 * <p>A <em>bare</em> host ({@link #create(String, int, int, Path, Set)}) is one with nothing
 * but sshd: its sshd runs in a private mount namespace where {@code /usr/lib/jvm} (every JDK,
 * and what {@code /usr/bin/java} points to) is an empty tmpfs and {@code /run/iperf3j-session} (root's state folder)
 * is an empty directory of the lab's own (so nothing a session left there before is seen);
 * every SSH session on it inherits that view. {@link #requireBare(int)} checks it over SSH.
 *
 * <p>A {@link Layout} ({@link #create(String, int, int, Path, Set, Map, Layout)}) adds hosts whose
 * sshd has no SFTP subsystem, and a second bridge (subnet 10.octet.R'.0/24, no leg of the test
 * JVM on it) with jump hosts on both bridges and hosts behind them on the second one only.
 */
public final class NetnsLab implements AutoCloseable {
    /**
     * The resource lock of the labs' lane (session/src/test/resources/junit-platform.properties): the lab test classes run
     * beside the module's other tests, one lab at a time, so that two labs never pick their subnets at once.
     */
    public static final String LANE = "netns-lab";

    /** The one MINA client the lab's nodes share, as a plan's hosts do. */
    private final io.iperf3j.session.internal.connect.SshClientGroup clients = new io.iperf3j.session.internal.connect.SshClientGroup();
    /** The ordinary user {@link #addPasswordUser()} makes (sshd lets it in by password only). */
    public static final String PASSWORD_USER = "iperf3jlab";
    private boolean passwordUserAdded;
    /** JDK the iperf3j jar runs on in the hosts. */
    public static final String JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";
    private final Netns net;
    private final String tag;
    private final int octet;
    private final int subnet;
    private final Set<Integer> bare;
    private final int hosts;
    private final Path dir;
    private final List<Process> sshd = new ArrayList<>();
    private final Map<Integer, String> hostKeyTypes;
    private final Path key;
    private final Path wrongKey;
    private final Path knownHosts;
    private final int innerSubnet;
    private Layout layout = Layout.FLAT;
    /** Private hosts ({@link #createPrivate}) and the shell each has as {@code sh}. */
    private Map<Integer, String> privateHosts = Map.of();
    private boolean localUsersAdded;
    /** An ordinary account of the private hosts that runs sessions of its own ({@link #createPrivate}: key login, a home). */
    public static final String SECOND_ACCOUNT = "ijbob";
    /**
     * An unprivileged local user of the private hosts who attacks the sessions ({@link #asUser}); it never logs in. Not
     * {@code ControllerFilesAttackTest}'s {@code ijattacker}: that test runs beside the labs and keeps its user, which this
     * lab deletes at its start and end.
     */
    public static final String ATTACKER = "ijhostattacker";

    /** The key types the lab makes for root, and that a host key may have. */
    public static final List<String> KEY_TYPES = List.of("ed25519", "ecdsa", "rsa");
    /** OpenSSH's default key type (ssh-keygen's default since OpenSSH 9.5). */
    public static final String DEFAULT_KEY_TYPE = "ed25519";

    private NetnsLab(String tagPrefix, int octet, int hosts, Path dir, Set<Integer> bare, Map<Integer, String> hostKeyTypes) {
        this.net = Netns.open(tagPrefix);
        this.tag = net.tag();
        this.octet = octet;
        this.bare = Set.copyOf(bare);
        this.subnet = ThreadLocalRandom.current().nextInt(1, 254);
        this.hosts = hosts;
        this.dir = dir;
        this.hostKeyTypes = Map.copyOf(hostKeyTypes);
        this.key = dir.resolve("id_" + DEFAULT_KEY_TYPE);
        this.wrongKey = dir.resolve("wrong_ecdsa");
        this.knownHosts = dir.resolve("known_hosts");
        this.innerSubnet = subnet % 253 + 1;
    }

    /**
     * How hosts differ from the flat lab (one bridge, sshd with an SFTP subsystem).
     *
     * @param withoutSftp hosts whose sshd_config has no {@code Subsystem sftp} line (as dropbear,
     *        BusyBox or Android hosts: exec works, an SFTP channel is refused)
     * @param jumpHosts hosts on both bridges (sshd listens on the first only: the test JVM's way in)
     * @param behindJump hosts on the second bridge only: the test JVM has no leg there and the root
     *        namespace no route to that subnet, so only an SSH jump through a jump host reaches them
     * @param debugLog every sshd logs at {@code LogLevel DEBUG1} (each channel's opening and freeing,
     *        read by {@link #sshdChannels(int)})
     */
    public record Layout(Set<Integer> withoutSftp, Set<Integer> jumpHosts, Set<Integer> behindJump, boolean debugLog) {
        /** Every host on one bridge, every sshd with SFTP. */
        public static final Layout FLAT = new Layout(Set.of(), Set.of(), Set.of());
        /** As {@link #FLAT}, every sshd logging at DEBUG1. */
        public static final Layout FLAT_DEBUG_LOG = new Layout(Set.of(), Set.of(), Set.of(), true);

        /** Without the debug log. */
        public Layout(Set<Integer> withoutSftp, Set<Integer> jumpHosts, Set<Integer> behindJump) {
            this(withoutSftp, jumpHosts, behindJump, false);
        }

        public Layout {
            withoutSftp = Set.copyOf(withoutSftp);
            jumpHosts = Set.copyOf(jumpHosts);
            behindJump = Set.copyOf(behindJump);
            if (jumpHosts.stream().anyMatch(behindJump::contains)) {
                throw new IllegalArgumentException("a host is a jump host or behind one, not both: " + jumpHosts + " " + behindJump);
            }
        }

        boolean secondBridge() {
            return !jumpHosts.isEmpty() || !behindJump.isEmpty();
        }
    }

    /** Fails (never skips) when something the lab needs is missing. */
    public static void requirePrerequisites() {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("the session lab tests need root (network namespaces, sshd); CI runs them as root");
        }
        for (String[] need : new String[][] {{"/usr/sbin/sshd", "openssh-server"}, {"/usr/bin/ssh-keygen", "openssh-client"},
                {"/usr/bin/iperf3", "iperf3"}, {"/usr/bin/iperf", "iperf"}, {"/usr/sbin/ip", "iproute2"},
                {"/usr/sbin/tc", "iproute2"}, {JAVA, "a JDK 25 at /usr/lib/jvm/temurin-25-jdk-amd64"}}) {
            if (!Files.isExecutable(Path.of(need[0]))) {
                fail(need[0] + " is missing: install " + need[1] + " (apt-get install " + need[1] + "; .ci/run does this)");
            }
        }
    }

    /** Builds the lab: namespaces, bridge, addresses, keys, one sshd per host. */
    public static NetnsLab create(int hosts, Path dir) throws Exception {
        return create("ijss", 222, hosts, dir, Set.of());
    }

    /**
     * Builds a lab with its own names and subnet: namespaces {@code <tagPrefix><hex>n1…},
     * addresses {@code 10.<octet>.R.i}; the hosts in {@code bare} (1-based) have nothing but sshd.
     */
    public static NetnsLab create(String tagPrefix, int octet, int hosts, Path dir, Set<Integer> bare) throws Exception {
        return create(tagPrefix, octet, hosts, dir, bare, Map.of());
    }

    /**
     * As {@link #create(String, int, int, Path, Set)}, host i's sshd having only a host key of type
     * {@code hostKeyTypes.get(i)} (one of {@link #KEY_TYPES}; {@value #DEFAULT_KEY_TYPE} for hosts not named).
     */
    public static NetnsLab create(String tagPrefix, int octet, int hosts, Path dir, Set<Integer> bare,
            Map<Integer, String> hostKeyTypes) throws Exception {
        return create(tagPrefix, octet, hosts, dir, bare, hostKeyTypes, Layout.FLAT);
    }

    /** As {@link #create(String, int, int, Path, Set, Map)}, the hosts laid out as {@code layout} says. */
    public static NetnsLab create(String tagPrefix, int octet, int hosts, Path dir, Set<Integer> bare,
            Map<Integer, String> hostKeyTypes, Layout layout) throws Exception {
        if (!tagPrefix.matches("[a-z0-9]{2,5}") || octet < 0 || octet > 255) {
            throw new IllegalArgumentException("tag prefix '" + tagPrefix + "' (2-5 of [a-z0-9]) or octet " + octet);
        }
        if (!KEY_TYPES.containsAll(hostKeyTypes.values())) {
            throw new IllegalArgumentException("host key types " + hostKeyTypes.values() + " (known: " + KEY_TYPES + ")");
        }
        requirePrerequisites();
        if (!bare.isEmpty() && !Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            fail("/usr/bin/unshare is missing: install util-linux (apt-get install util-linux)");
        }
        NetnsLab lab = new NetnsLab(tagPrefix, octet, hosts, dir, bare, hostKeyTypes);
        lab.layout = layout;
        try {
            lab.build();
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /**
     * A lab whose hosts are each a machine of their own for what a session keeps on them: each sshd runs in a private mount
     * namespace with an empty {@code /tmp} (1777), {@code /run} and {@code /home} of its own, so a host's state and slot
     * folders, and its users' homes, are its own; {@code shells} says, by host (1-based), whether its {@code sh} is
     * {@code dash} (Debian's) or {@code bash} (as on RHEL, Fedora and Arch: {@code /usr/bin/bash} mounted over
     * {@code /usr/bin/dash}, which {@code sh} links to). Two local accounts are added (and deleted by {@link #close()}):
     * {@link #SECOND_ACCOUNT}, who logs in with root's lab key and has a home (700) on every host, and {@link #ATTACKER},
     * who never logs in: {@link #asUser} runs its commands on a host.
     */
    public static NetnsLab createPrivate(String tagPrefix, int octet, Path dir, Map<Integer, String> shells) throws Exception {
        requirePrerequisites();
        if (!Files.isExecutable(Path.of("/usr/bin/unshare")) || !Files.isExecutable(Path.of("/usr/bin/nsenter"))) {
            fail("/usr/bin/unshare or nsenter is missing: install util-linux (apt-get install util-linux)");
        }
        if (!shells.values().stream().allMatch(sh -> sh.equals("dash") || sh.equals("bash"))) {
            throw new IllegalArgumentException("shells are dash or bash: " + shells);
        }
        NetnsLab lab = new NetnsLab(tagPrefix, octet, shells.size(), dir, Set.of(), Map.of());
        lab.privateHosts = Map.copyOf(shells);
        try {
            lab.addLocalUsers();
            lab.build();
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void addLocalUsers() throws Exception {
        deleteLocalUsers();
        localUsersAdded = true;
        for (String user : List.of(SECOND_ACCOUNT, ATTACKER)) {
            Shell.run("useradd", "--no-create-home", "--home-dir", "/home/" + user, "--shell", "/bin/sh", user);
            // not locked ("!"): sshd without PAM refuses a key login to a locked account
            Shell.run("usermod", "-p", "*", user);
        }
    }

    private static void deleteLocalUsers() throws Exception {
        for (String user : List.of(SECOND_ACCOUNT, ATTACKER)) {
            if (Shell.exec("getent", "passwd", user).out().startsWith(user + ":")) {
                Shell.run("userdel", user);
            }
        }
    }

    /** The PID of host i's sshd: its mount namespace is the host's view of the file system. */
    private long sshdPid(int i) {
        return sshd.get(i - 1).pid();
    }

    /**
     * Runs {@code script} with {@code sh -c} on private host i as local user {@code user} (root for "root"), in the host's own
     * namespaces, and returns its output and exit status; an attacker's background process goes on after it (the lab kills it
     * at its close, as it kills everything in its namespaces).
     */
    public Shell.Result asUser(int i, String user, String script) throws IOException {
        if (!privateHosts.containsKey(i)) {
            throw new IllegalStateException("host " + i + " is not a private host (createPrivate)");
        }
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--target", Long.toString(sshdPid(i)), "--mount", "--net"));
        if (!user.equals("root")) {
            cmd.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--reset-env"));
        }
        cmd.addAll(List.of("sh", "-c", script));
        return Shell.exec(cmd.toArray(String[]::new));
    }

    /** The host-slots services {@link #startSlotService} started, by host. */
    private final Map<Integer, Process> slotServices = new java.util.HashMap<>();

    /**
     * Starts the host-slots service on private host i as root, as systemd would ({@code iperf3j host-slots}, from the jar the
     * hosts run: it makes {@code /run/iperf3j/host-slots.sock} in the host's own /run), and waits until it listens. Stopped
     * by {@link #stopSlotService} or {@link #close()}.
     */
    public void startSlotService(int i) throws Exception {
        if (!privateHosts.containsKey(i)) {
            throw new IllegalStateException("host " + i + " is not a private host (createPrivate)");
        }
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--target", Long.toString(sshdPid(i)), "--mount", "--net"));
        cmd.addAll(List.of(IperfJar.command().split(" ")));
        cmd.add("host-slots");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("host-slots_" + i + ".log").toFile()).start();
        slotServices.put(i, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (asUser(i, "root", "test -S /run/iperf3j/host-slots.sock").exit() != 0) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                fail("the host-slots service on host " + i + " did not listen: " + Files.readString(dir.resolve("host-slots_" + i + ".log")));
            }
            Thread.sleep(50);
        }
    }

    /** Stops host i's host-slots service (SIGTERM: it exits 0 and removes its socket); returns its exit status. */
    public int stopSlotService(int i) throws Exception {
        Process p = slotServices.remove(i);
        if (p == null) {
            return -1;
        }
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        return p.exitValue();
    }

    /** The namespace of host i (1-based). */
    public String ns(int i) {
        return tag + "n" + i;
    }

    private String hub() {
        return tag + "hub";
    }

    /** Host i's address (on the second bridge for a host behind a jump host). */
    public String address(int i) {
        return layout.behindJump().contains(i) ? innerAddress(i) : "10." + octet + "." + subnet + "." + i;
    }

    /** Host i's address on the second bridge ({@link Layout}: jump hosts and the hosts behind them). */
    public String innerAddress(int i) {
        return "10." + octet + "." + innerSubnet + "." + i;
    }

    /** The test JVM's own interface into the first bridge (the one route into the lab from the root namespace). */
    public String rootLeg() {
        return tag + "c0";
    }

    /** The host-side interface of host i's link (in its namespace; egress from host i). */
    public String hostPort(int i) {
        return tag + "h" + i;
    }

    /** The hub-side interface of host i's link (egress towards host i). */
    public String hubPort(int i) {
        return tag + "b" + i;
    }

    /** root's authorized {@value #DEFAULT_KEY_TYPE} key, as plain {@code ssh-keygen} makes it (no passphrase). */
    public Path key() {
        return key;
    }

    /** root's authorized key of a type in {@link #KEY_TYPES}. */
    public Path key(String type) {
        if (!KEY_TYPES.contains(type)) {
            throw new IllegalArgumentException("key type " + type + " (known: " + KEY_TYPES + ")");
        }
        return dir.resolve("id_" + type);
    }

    /** Adds a public key ({@code .pub} file) to root's authorized keys on every host (sshd reads them at each login). */
    public void authorize(Path publicKey) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), Files.readString(publicKey), java.nio.file.StandardOpenOption.APPEND);
    }

    /** Host i's public host key ({@code .pub} line: type, key, comment). */
    public String hostPublicKey(int i) throws IOException {
        return Files.readString(dir.resolve("host_key_" + hostKeyType(i) + ".pub")).trim();
    }

    /** The key type of host i's sshd host key. */
    public String hostKeyType(int i) {
        return hostKeyTypes.getOrDefault(i, DEFAULT_KEY_TYPE);
    }

    /** What host i's sshd logged so far ({@code -e}: its log lines, e.g. a refused subsystem). */
    public String sshdLog(int i) throws IOException {
        return Files.readString(dir.resolve("sshd_" + i + ".log"));
    }

    /**
     * What host i's sshd (logging at DEBUG1, {@link Layout#debugLog()}) says of its SSH logins and
     * channels so far: logins accepted, and the most channels it held open at once, counted from its
     * {@code channel N: new} and {@code channel N: free} lines (sshd logs both for every channel).
     */
    public SshdChannels sshdChannels(int i) throws IOException {
        if (!layout.debugLog()) {
            throw new IllegalStateException("the lab's sshds do not log at DEBUG1 (Layout.debugLog)");
        }
        int logins = 0;
        int open = 0;
        int peak = 0;
        int opened = 0;
        for (String line : Files.readAllLines(dir.resolve("sshd_" + i + ".log"), StandardCharsets.UTF_8)) {
            if (line.contains("Accepted publickey for ") || line.contains("Accepted password for ")) {
                logins++;
            } else if (line.matches(".*debug1: channel \\d+: new .*")) {
                open++;
                opened++;
                peak = Math.max(peak, open);
            } else if (line.matches(".*debug1: channel \\d+: free: .*")) {
                open--;
            }
        }
        return new SshdChannels(logins, opened, peak, open);
    }

    /**
     * One sshd's logins and channels ({@link #sshdChannels(int)}).
     *
     * @param logins logins it accepted
     * @param opened channels it opened in all
     * @param peak the most it held open at once
     * @param open those open now
     */
    public record SshdChannels(int logins, int opened, int peak, int open) {
    }

    /** Kills every sshd process in host i's namespace (the listener and each connection's), by PID: SSH to it is down, its connections lost. */
    public void killSshd(int i) throws Exception {
        stopSshd(i);
        for (String pid : Netns.pids(ns(i))) {
            try {
                if (Files.readString(Path.of("/proc", pid, "cmdline")).startsWith("sshd")) {
                    Shell.exec("kill", "-KILL", pid);
                }
            } catch (IOException e) {
                // ended meanwhile
            }
        }
    }

    /** A key sshd does not accept. */
    public Path wrongKey() {
        return wrongKey;
    }

    /** The known_hosts file the lab's nodes use (filled by accept-new). */
    public Path knownHosts() {
        return knownHosts;
    }

    private void build() throws Exception {
        Files.createDirectories(dir);
        StringBuilder authorized = new StringBuilder();
        for (String type : KEY_TYPES) {
            // ssh-keygen's own default size per type (OpenSSH 9.2 here defaults to rsa, so -t is given)
            Shell.run("ssh-keygen", "-q", "-t", type, "-N", "", "-f", key(type).toString());
            authorized.append(Files.readString(key(type).resolveSibling("id_" + type + ".pub")));
        }
        Set<String> hostTypes = new java.util.TreeSet<>(hostKeyTypes.values());
        hostTypes.add(DEFAULT_KEY_TYPE);
        for (String type : hostTypes) {
            Shell.run("ssh-keygen", "-q", "-t", type, "-N", "", "-f", dir.resolve("host_key_" + type).toString());
        }
        // an ecdsa key sshd does not accept (SessionLabTest also uses its .pub as a changed host key)
        Shell.run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", wrongKey.toString());
        Files.writeString(dir.resolve("authorized_keys"), authorized);
        Files.createDirectories(Path.of("/run/sshd"));
        Files.createDirectories(dir.resolve("home"));
        net.add("hub");
        net.ip(hub(), "link", "add", "br0", "type", "bridge");
        net.ip(hub(), "link", "set", "br0", "mtu", "9000", "up");
        // the test JVM's own leg into the bridge
        net.veth("c0", null, "bc", hub(), 9000);
        net.ip(hub(), "link", "set", tag + "bc", "master", "br0");
        net.address(null, rootLeg(), "10." + octet + "." + subnet + ".254/24");
        if (layout.secondBridge()) {
            net.ip(hub(), "link", "add", "br1", "type", "bridge");
            net.ip(hub(), "link", "set", "br1", "mtu", "9000", "up");
        }
        for (int i = 1; i <= hosts; i++) {
            net.add("n" + i);
            plugIn(i, "h" + i, "b" + i, layout.behindJump().contains(i) ? "br1" : "br0", address(i));
            if (layout.jumpHosts().contains(i)) {
                plugIn(i, "g" + i, "bg" + i, "br1", innerAddress(i));
            }
            startSshd(i);
        }
        for (int i = 1; i <= hosts; i++) {
            awaitSshd(i);
        }
    }

    /** A veth from host i's namespace (tag + {@code hostSide}, with {@code address}/24) into {@code bridge} of the hub. */
    private void plugIn(int i, String hostSide, String hubSide, String bridge, String address) throws IOException {
        String[] devs = net.veth(hostSide, ns(i), hubSide, hub(), 9000);
        net.ip(hub(), "link", "set", devs[1], "master", bridge);
        net.address(ns(i), devs[0], address + "/24");
    }

    private void startSshd(int i) throws IOException {
        Path conf = dir.resolve("sshd_" + i + ".conf");
        Files.writeString(conf, String.join("\n",
                "ListenAddress " + address(i) + ":22",
                "HostKey " + dir.resolve("host_key_" + hostKeyType(i)),
                // a private host's users read their keys from its own /run (sshd reads them as the user, who may not enter the lab's folder)
                "AuthorizedKeysFile " + (privateHosts.containsKey(i) ? "/run/ijlab/authorized_keys" : dir.resolve("authorized_keys")),
                "PidFile none",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                // an empty home: this machine's root .bashrc (which bash reads for every ssh command) runs `pyenv
                // init`, whose rehash serialises every shell on one lock file with a 60 s timeout; a Debian
                // host's root has no such rc file, and the lab measures the session, not that lock
                "# HOME: root's below (another user's is its own, where its session state goes)",
                // MaxSessions is OpenSSH's default (10): a session must close its channels on both sides
                "MaxStartups 50",
                layout.debugLog() ? "LogLevel DEBUG1" : "# LogLevel INFO (the default)",
                layout.withoutSftp().contains(i) ? "# no SFTP subsystem on this host" : "Subsystem sftp internal-sftp",
                "Match User root\n    SetEnv HOME=" + dir.resolve("home"),
                "Match User " + PASSWORD_USER,
                "    PasswordAuthentication yes",
                "    PubkeyAuthentication no",
                ""));
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(i)));
        if (privateHosts.containsKey(i)) {
            // a machine of its own for the session's state: /tmp, /run (root's state and the slot folder) and /home, and its sh
            // The module's build folder ($0: the lab's folder with sshd's configuration, host key and root's home, and
            // the jar IperfJar built, which the hosts run) is under the checkout, which may itself be under /tmp or /home
            // (a clone in /tmp, or in a user's home): it is bound to a stash point before those are covered, and bound
            // back at its own path after, so the host still sees it there.
            Path build = Path.of("target").toAbsolutePath();
            Path seen = dir.startsWith(build) ? build : dir;
            String stash = stashPoint(seen) + "/";
            cmd.addAll(List.of("unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                    "mount -t tmpfs -o size=1m,mode=700 ijstash " + stash + " && mkdir " + stash + "lab"
                            + " && mount --bind \"$0\" " + stash + "lab || exit 94; "
                            + "mount -t tmpfs -o size=16m,mode=1777 ijtmp /tmp || exit 95; "
                            + "mount -t tmpfs -o size=16m,mode=755 ijrun /run && mkdir -m 755 /run/sshd /run/ijlab && cp "
                            + stash + "lab/" + seen.relativize(dir.resolve("authorized_keys")) + " /run/ijlab/ && chmod 644 /run/ijlab/authorized_keys || exit 96; "
                            + "mount -t tmpfs -o size=16m,mode=755 ijhome /home && mkdir -m 700 /home/" + SECOND_ACCOUNT + " /home/" + ATTACKER
                            + " && chown " + SECOND_ACCOUNT + ": /home/" + SECOND_ACCOUNT + " && chown " + ATTACKER + ": /home/" + ATTACKER
                            + " || exit 97; "
                            + "mkdir -p \"$0\" && mount --bind " + stash + "lab \"$0\" || exit 93; "
                            + (privateHosts.get(i).equals("bash") ? "mount --bind /usr/bin/bash /usr/bin/dash || exit 98; " : "")
                            + "exec \"$@\"", seen.toString()));
        } else if (bare.contains(i)) {
            // a private mount namespace: no JDK, and a /run/iperf3j-session (root's state folder, private: 700) of this lab's own
            Path state = dir.resolve("host" + i + "-state");
            Files.createDirectories(state);
            Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Path stateRoot = Path.of(io.iperf3j.session.internal.host.RemoteScripts.ROOT_STATE);
            if (!Files.isDirectory(stateRoot)) {
                Files.createDirectories(stateRoot, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
            cmd.addAll(List.of("unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                    "mount -t tmpfs -o size=1m,mode=755 iperf3j-nojdk /usr/lib/jvm || exit 97; "
                            + "mount --bind \"$0\" " + stateRoot + " || exit 98; exec \"$@\"", state.toString()));
        }
        cmd.addAll(List.of("/usr/sbin/sshd", "-D", "-e", "-f", conf.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd_" + i + ".log").toFile()).start();
        while (sshd.size() < i) {
            sshd.add(null);
        }
        sshd.set(i - 1, p);
    }

    /**
     * Where a private host keeps the lab's folder while it covers /tmp, /run and /home with its own: an existing folder
     * outside those and outside {@code dir} (its private mount namespace covers it with a tmpfs; nothing changes outside).
     */
    private static String stashPoint(Path dir) {
        for (String candidate : List.of("/mnt", "/media", "/srv", "/opt")) {
            if (Files.isDirectory(Path.of(candidate)) && !dir.startsWith(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no folder to stash the lab's folder in: /mnt, /media, /srv or /opt");
    }

    private void awaitSshd(int i) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (net.tryExec(ns(i), "ss", "-Hltn", "sport = :22").out().contains(":22")) {
                return;
            }
            if (!sshd.get(i - 1).isAlive()) {
                fail("sshd in " + ns(i) + " exited: " + Files.readString(dir.resolve("sshd_" + i + ".log")));
            }
            Thread.sleep(50);
        }
        fail("sshd in " + ns(i) + " did not listen within 15 s");
    }

    /**
     * Fails unless bare host i, seen over SSH, has no Java that runs, an empty
     * {@code /usr/lib/jvm}, no {@code iperf3j} on its PATH and no {@code JAVA_HOME}.
     */
    public void requireBare(int i) throws Exception {
        Node probe = node(i, "probe" + i, io.iperf3j.session.Node.Role.NODE, IperfKind.IPERF3, Map.of(), key);
        try (io.iperf3j.session.Connection c = connect(probe)) {
            io.iperf3j.session.Connection.CommandResult r = c.run(
                    "if command -v java >/dev/null 2>&1 && java -version >/dev/null 2>&1; then echo JAVA-RUNS; fi; "
                            + "command -v iperf3j >/dev/null 2>&1 && echo IPERF3J-FOUND; "
                            + "echo \"jvm=$(ls -A /usr/lib/jvm | wc -l) JAVA_HOME=${JAVA_HOME:-} PATH=$PATH\"", Duration.ofSeconds(30));
            if (r.exitStatus() != 0 || r.stdout().contains("JAVA-RUNS") || r.stdout().contains("IPERF3J-FOUND")
                    || !r.stdout().contains("jvm=0 JAVA_HOME= ")) {
                fail("host " + i + " is not bare (a Java or an iperf3j is reachable over SSH): " + r);
            }
        }
    }

    /**
     * Adds {@value #PASSWORD_USER} to this machine's user database (the namespaces share it)
     * with a random password, which it returns; a user of that name left by an earlier run
     * that died is deleted first. A home of its own (/home/NAME), shell {@code /bin/sh}.
     */
    public String addPasswordUser() throws Exception {
        deletePasswordUser();
        // a home of its own (700), as an ordinary user has: its session state goes there
        Shell.run("useradd", "--create-home", "--home-dir", "/home/" + PASSWORD_USER, "--shell", "/bin/sh", PASSWORD_USER);
        passwordUserAdded = true;
        String password = HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(12));
        Process p = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
        p.getOutputStream().write((PASSWORD_USER + ":" + password + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("chpasswd failed: " + out);
        }
        return password;
    }

    private static void deletePasswordUser() throws Exception {
        if (Shell.exec("getent", "passwd", PASSWORD_USER).out().startsWith(PASSWORD_USER + ":")) {
            Shell.run("userdel", "--remove", PASSWORD_USER);
        }
    }

    /** An SSH node for host i, logging in as {@value #PASSWORD_USER} with a password (no key). */
    public Node passwordNode(int i, String id, Node.Role role, IperfKind kind, String password) {
        SshSettings s = new SshSettings(address(i), 22, PASSWORD_USER, List.of(), Optional.of(password), knownHosts,
                SshSettings.HostKeyPolicy.ACCEPT_NEW, Duration.ofSeconds(5), Duration.ofSeconds(5), io.iperf3j.session.Connection.Wrapper.NONE);
        return new Node(id, address(i), role, Node.Access.ssh(s), kind, Map.of());
    }

    /** Stops host i's sshd (the host stays up, its SSH is down). */
    public void stopSshd(int i) throws InterruptedException {
        Process p = sshd.get(i - 1);
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** Starts host i's sshd again after {@link #stopSshd} or {@link #killSshd} (same keys and settings); waits until it listens. */
    public void startSshdAgain(int i) throws Exception {
        startSshd(i);
        awaitSshd(i);
    }

    /**
     * Host i's network namespace as its processes see it: the inode {@code /proc/self/ns/net} names
     * ({@code net:[INODE]}), so a process on a host can say by itself which host it runs on.
     */
    public long netnsInode(int i) throws IOException {
        return ((Number) Files.getAttribute(Path.of("/run/netns", ns(i)), "unix:ino")).longValue();
    }

    /**
     * A connection to {@code node} of the test's own (not a run's), on the lab's SSH client; not yet logged in.
     * The caller closes it.
     */
    public io.iperf3j.session.Connection connect(Node node) {
        return io.iperf3j.session.internal.connect.HostConnections.connect(node.access(), clients);
    }

    /** An SSH node for host i, logging in as root with the given key. */
    public Node node(int i, String id, Node.Role role, IperfKind kind, Map<IperfKind, Node.Command> commands, Path identity) {
        SshSettings s = new SshSettings(address(i), 22, "root", List.of(identity), Optional.empty(), knownHosts,
                SshSettings.HostKeyPolicy.ACCEPT_NEW, Duration.ofSeconds(5), Duration.ofSeconds(5), io.iperf3j.session.Connection.Wrapper.NONE);
        return new Node(id, address(i), role, Node.Access.ssh(s), kind, commands);
    }

    /** The command lines of the iperf processes (iperf, iperf3, iperf3j) running in host i's namespace. */
    public List<String> iperfProcesses(int i) throws Exception {
        List<String> found = new ArrayList<>();
        for (String pid : Netns.pids(ns(i))) {
            try {
                String raw = Files.readString(Path.of("/proc", pid, "cmdline"));
                String[] argv = raw.split("\0");
                String cmd = raw.replace('\0', ' ');
                // an iperf (or a java running iperf3j, or a wrapper script around one), not a shell running a -c
                // script (an iperf's own -c, a client, counts)
                boolean shellScript = argv.length > 1 && argv[1].equals("-c") && argv[0].matches("(.*/)?(ba|da|a|z|k)?sh");
                // sshd names its session processes after the user ("sshd: iperf3jlab [priv]"), and one
                // may outlive a refused login by a moment: not an iperf
                boolean sshd = argv[0].startsWith("sshd");
                if (cmd.contains("iperf") && !shellScript && !sshd) {
                    found.add(pid + ": " + cmd);
                }
            } catch (IOException e) {
                // ended meanwhile
            }
        }
        return found;
    }

    /** Runs a command in host i's namespace and returns its output (whatever its exit status). */
    public String exec(int i, String... command) throws IOException {
        return net.tryExec(ns(i), command).out();
    }

    /** Runs a command in the hub namespace and returns its output (whatever its exit status). */
    public String execHub(String... command) throws IOException {
        return net.tryExec(hub(), command).out();
    }

    @Override
    public void close() {
        try {
            tearDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("tearing the lab down failed", e);
        }
    }

    private void tearDown() throws Exception {
        for (int i : List.copyOf(slotServices.keySet())) {
            stopSlotService(i);
        }
        for (Process p : sshd) {
            if (p != null) {
                p.destroy();
                p.waitFor(5, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
        }
        // anything still running in a namespace (an iperf a failed test left) is killed by its PID
        net.close();
        if (localUsersAdded) {
            deleteLocalUsers();
        }
        if (passwordUserAdded) {
            deletePasswordUser();
        }
    }

    /**
     * What the sessions of node {@code nodeId} left in the hosts' state root (root's, {@code /run/iperf3j-session/<id>+<tag>},
     * one folder per session; the lab's namespaces share the file system): each folder as {@code "name/"}, each file as
     * {@code "name/file"}. A session's host agent removes its folder at its end, so a clean run leaves nothing.
     */
    public static List<String> leftInStateRoot(String nodeId) throws IOException {
        List<String> left = new java.util.ArrayList<>();
        Path root = Path.of(io.iperf3j.session.internal.host.RemoteScripts.ROOT_STATE);
        if (!Files.isDirectory(root)) {
            return left;
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(d -> d.getFileName().toString().startsWith(nodeId + "+")).sorted().toList()) {
                left.add(d.getFileName() + "/");
                try (java.util.stream.Stream<Path> files = Files.list(d)) {
                    files.sorted().forEach(f -> left.add(d.getFileName() + "/" + f.getFileName()));
                }
            }
        }
        return left;
    }

    /** Removes what {@link #leftInStateRoot} lists for {@code nodeId} (a test's tear-down: a killed host's folder). */
    public static void removeStateFolders(String nodeId) throws IOException {
        Path root = Path.of(io.iperf3j.session.internal.host.RemoteScripts.ROOT_STATE);
        for (String left : leftInStateRoot(nodeId).reversed()) {
            Files.deleteIfExists(root.resolve(left));
        }
    }
}
