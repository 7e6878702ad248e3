package io.iperf3j.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The network namespaces and links one test makes, under one tag, and their cleanup: the
 * primitives {@link NetnsPair}, the link and latency tests' topologies and the session lab
 * are built from. Needs root, iproute2 (and nftables for {@link #nft}); every command runs
 * through {@link Shell}, with a deadline.
 *
 * <p>Names: every namespace and interface is the tag followed by a suffix the caller
 * chooses. A tag is the caller's prefix (2-5 of {@code [a-z0-9]}) and six hex digits
 * taken from a counter that starts at a random point in each test JVM, so tags differ
 * within a process and almost surely between processes (other modules' tests, other
 * clones' CI runs on the same machine); {@link #open} also checks that no namespace and
 * no interface of the root namespace starts with it yet, and picks another if one does.
 * An interface name has at most 15 characters: prefix, 6, and a suffix of up to 4.
 *
 * <p>{@link #close()} kills (by PID) whatever still runs in the namespaces, deletes them,
 * which takes their interfaces, qdiscs and nft tables with them, and deletes the
 * interfaces it made in the root namespace.
 */
public final class Netns implements AutoCloseable {
    private static final AtomicInteger NEXT = new AtomicInteger(new SecureRandom().nextInt());
    private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");
    /** The Debian package of each tool {@link #require} may be asked for. */
    private static final Map<String, String> PACKAGES = Map.of("ip", "iproute2", "tc", "iproute2", "nft", "nftables",
            "ping", "iputils-ping", "sshd", "openssh-server", "ssh-keygen", "openssh-client", "unshare", "util-linux");

    private final String tag;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> rootLinks = new ArrayList<>();

    private Netns(String tag) {
        this.tag = tag;
    }

    /** A new tag under {@code prefix}, unused by any namespace or root-namespace interface right now. */
    public static Netns open(String prefix) {
        if (!prefix.matches("[a-z0-9]{2,5}")) {
            throw new IllegalArgumentException("namespace prefix '" + prefix + "' (2-5 of [a-z0-9])");
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            String tag = prefix + String.format("%06x", NEXT.getAndIncrement() & 0xFFFFFF);
            if (!inUse(tag)) {
                return new Netns(tag);
            }
        }
        throw new IllegalStateException("no unused namespace tag under " + prefix);
    }

    private static boolean inUse(String tag) {
        for (String dir : List.of("/run/netns", "/sys/class/net")) {
            try (Stream<Path> names = Files.list(Path.of(dir))) {
                if (names.anyMatch(p -> p.getFileName().toString().startsWith(tag))) {
                    return true;
                }
            } catch (IOException e) {
                // no such directory yet (no namespace made on this machine so far)
            }
        }
        return false;
    }

    /**
     * Fails the test (an {@link AssertionError}, never a skip) unless it runs as root with
     * {@code tools} on the PATH, saying what to install.
     */
    public static void require(String who, String... tools) throws IOException {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (!Shell.sh("command -v " + tool).ok()) {
                missing.add(tool);
            }
        }
        String uid = Shell.run("id", "-u").trim();
        if (!missing.isEmpty() || !uid.equals("0")) {
            List<String> packages = Stream.of(tools).map(t -> PACKAGES.getOrDefault(t, t)).distinct().toList();
            throw new AssertionError(who + " needs root and " + String.join(", ", tools) + " (apt-get install "
                    + String.join(" ", packages) + "; .ci/run installs them). Missing: " + missing + "; uid " + uid);
        }
    }

    /** Every name this test makes starts with it. */
    public String tag() {
        return tag;
    }

    /** Makes namespace {@code tag + suffix}, its loopback up; returns its name. */
    public String add(String suffix) throws IOException {
        String ns = tag + suffix;
        Shell.run("ip", "netns", "add", ns);
        namespaces.add(ns);
        ip(ns, "link", "set", "lo", "up");
        return ns;
    }

    /**
     * A veth pair {@code tag + a} / {@code tag + b}, each end moved into its namespace (null:
     * it stays in the root namespace, and {@link #close()} deletes it), both up; {@code mtu}
     * 0 keeps the default. Returns the two interface names.
     */
    public String[] veth(String a, String nsA, String b, String nsB, int mtu) throws IOException {
        String devA = tag + a;
        String devB = tag + b;
        List<String> add = new ArrayList<>(List.of("ip", "link", "add", devA));
        if (mtu > 0) {
            add.addAll(List.of("mtu", String.valueOf(mtu)));
        }
        add.addAll(List.of("type", "veth", "peer", "name", devB));
        if (mtu > 0) {
            add.addAll(List.of("mtu", String.valueOf(mtu)));
        }
        Shell.run(add.toArray(String[]::new));
        rootLinks.add(devA); // until it has moved: deleting either end deletes the pair
        for (String[] end : new String[][] {{devA, nsA}, {devB, nsB}}) {
            if (end[1] != null) {
                Shell.run("ip", "link", "set", end[0], "netns", end[1]);
            }
        }
        rootLinks.remove(devA);
        for (String[] end : new String[][] {{devA, nsA}, {devB, nsB}}) {
            if (end[1] == null) {
                rootLinks.add(end[0]);
            }
            ip(end[1], "link", "set", end[0], "up");
        }
        return new String[] {devA, devB};
    }

    /** Adds {@code cidr} (address/prefix) to {@code dev} in {@code ns} (null: the root namespace). */
    public void address(String ns, String dev, String cidr) throws IOException {
        ip(ns, "addr", "add", cidr, "dev", dev);
    }

    /** {@code ip -n ns ARGS} ({@code ip ARGS} for null), which must succeed. */
    public String ip(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        if (ns != null) {
            cmd.addAll(List.of("-n", ns));
        }
        cmd.addAll(List.of(args));
        return Shell.run(cmd.toArray(String[]::new));
    }

    /** Runs {@code argv} inside {@code ns}; it must exit 0. Returns its output. */
    public String exec(String ns, String... argv) throws IOException {
        return Shell.run(inside(ns, List.of(argv)).toArray(String[]::new));
    }

    /** Runs {@code argv} inside {@code ns}, whatever its exit status. */
    public Shell.Result tryExec(String ns, String... argv) throws IOException {
        return Shell.exec(Shell.DEADLINE, inside(ns, List.of(argv)));
    }

    /** What a qdisc has let out (bytes and packets, headers included), dropped, and how often it held packets back. */
    public record QdiscCounts(String kind, long bytes, long packets, long drops, long overlimits) {
    }

    /**
     * The counters of {@code dev}'s root qdisc in namespace {@code ns} (any namespace, this object's or not), as
     * {@code tc -s -j qdisc show} reads them: the kernel's own figures, through iproute2 rather than iperf3j's
     * netlink reader ({@code QdiscStats}), so a test can hold that reader and the product to them.
     */
    public static QdiscCounts rootQdisc(String ns, String dev) throws IOException {
        String json = Shell.run(inside(ns, List.of("tc", "-s", "-j", "qdisc", "show", "dev", dev)).toArray(String[]::new));
        for (JsonNode q : new ObjectMapper().readTree(json)) {
            if (q.path("root").asBoolean()) {
                return new QdiscCounts(q.path("kind").asText(), q.path("bytes").asLong(), q.path("packets").asLong(),
                        q.path("drops").asLong(), q.path("overlimits").asLong());
            }
        }
        throw new IOException("no root qdisc on " + dev + " in " + ns + ": " + json);
    }

    /** The prefix that runs a command inside namespace {@code ns}. */
    public static List<String> inside(String ns, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(command);
        return cmd;
    }

    /** Loads an nft ruleset ({@code nft -f}) into namespace {@code ns}. */
    public void nft(String ns, String rules) throws IOException {
        Path f = Files.createTempFile(tag + "-nft", ".conf");
        try {
            Files.writeString(f, rules + "\n");
            exec(ns, "nft", "-f", f.toString());
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** The packets named counter {@code counter} of inet table {@code table} in {@code ns} has counted; reset: restarts it at 0. */
    public long counter(String ns, String table, String counter, boolean reset) throws IOException {
        return packets(exec(ns, "nft", reset ? "reset" : "list", "counter", "inet", table, counter));
    }

    /** The first {@code packets N} in nft's output. */
    private static long packets(String nftOutput) throws IOException {
        Matcher m = PACKETS.matcher(nftOutput);
        if (!m.find()) {
            throw new IOException("no nft counter in: " + nftOutput);
        }
        return Long.parseLong(m.group(1));
    }

    /** The PIDs of the processes running in {@code ns}. */
    public static List<String> pids(String ns) throws IOException {
        return Stream.of(Shell.exec("ip", "netns", "pids", ns).out().split("\\s+")).filter(s -> !s.isBlank()).toList();
    }

    /** Kills what runs in the namespaces (by PID), deletes them (last made first) and the root-namespace links. */
    @Override
    public void close() throws IOException {
        // an interrupted test still cleans up: the flag is put back afterwards
        boolean interrupted = Thread.interrupted();
        try {
            deleteAll();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deleteAll() throws IOException {
        IOException failed = null;
        List<String> all = new ArrayList<>(namespaces);
        Collections.reverse(all);
        for (String ns : all) {
            try {
                for (String pid : pids(ns)) {
                    Shell.exec("kill", "-KILL", pid);
                }
                Shell.exec(Duration.ofSeconds(30), List.of("ip", "netns", "del", ns));
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        for (String dev : rootLinks) {
            try {
                Shell.exec("ip", "link", "del", dev);
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        namespaces.clear();
        rootLinks.clear();
        if (failed != null) {
            throw failed;
        }
    }
}
