package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Transport;
import io.iperf3j.session.Connection;
import io.iperf3j.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RemoteScripts#awaitOwnListener} run by the real {@code sh} against a "server" whose
 * descriptors churn, as a starting JVM's do. CI run on 2026-11-26 failed because of this: the
 * server could not bind (another server held the port), and while the JVM was still opening and
 * closing jars, {@code ls -l /proc/PID/fd} lost a descriptor between its {@code readdir} and its
 * {@code lstat}. That counted as "unreadable", so the check took the other server's listener as
 * the planned one's, and the client ran against the wrong server. The churner is a
 * {@code python3} loop (.ci/run installs python3) that opens and closes 200 descriptors over and
 * over. Without the fix, 4 of these 5 checks took the foreign listener as the server's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenCheckScriptTest {
    @TempDir
    Path dir;

    /**
     * Opens and closes 200 descriptors in a loop, after creating the file its first argument names
     * (so that the check starts only once it churns); with a second argument, it first listens on
     * that TCP port.
     */
    private static final String CHURNER = "python3 -c '\n"
            + "import os, socket, sys\n"
            + "if len(sys.argv) > 2:\n"
            + "    s = socket.socket(); s.bind((\"127.0.0.1\", int(sys.argv[2]))); s.listen()\n"
            + "open(sys.argv[1], \"w\").close()\n"
            + "while True:\n"
            + "    fds = [os.open(\"/dev/null\", os.O_RDONLY) for _ in range(200)]\n"
            + "    for f in fds: os.close(f)\n"
            + "'";

    private record Run(int status, String stdout) {
    }

    private static Run run(String script) throws IOException, InterruptedException {
        return run(script, null);
    }

    /** Runs the script with {@code path} as its PATH when given. */
    private static Run run(String script, String path) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        if (path != null) {
            b.environment().put("PATH", path);
        }
        Process sh = b.start();
        try {
            assertThat(sh.waitFor(30, TimeUnit.SECONDS)).as("the check ends").isTrue();
            String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Run(sh.exitValue(), out);
        } finally {
            sh.destroyForcibly();
        }
    }

    /** Starts the churner as {@code $p} (a child of the script's shell, as RemoteScripts.background does) and runs the check. */
    private Run check(int port, boolean churnerListens) throws IOException, InterruptedException {
        return check(port, churnerListens, false);
    }

    /**
     * As {@link #check(int, boolean)}; with {@code forked}, {@code $p} is a shell that runs the
     * churner as its child (a launcher that forks rather than execs), killed with it.
     */
    private Run check(int port, boolean churnerListens, boolean forked) throws IOException, InterruptedException {
        return check(port, churnerListens, forked, null);
    }

    /**
     * A PATH of every program this machine has but {@code ss}, as on a BusyBox or toybox host: the check then reads
     * the port from /proc/net's tables.
     */
    private String pathWithoutSs() throws IOException {
        Path bin = dir.resolve("bin-without-ss");
        Files.createDirectories(bin);
        for (String d : System.getenv("PATH").split(":")) {
            Path from = Path.of(d);
            if (!Files.isDirectory(from)) {
                continue;
            }
            try (var files = Files.list(from)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path link = bin.resolve(f.getFileName());
                    if (!f.getFileName().toString().equals("ss") && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, f);
                    }
                }
            }
        }
        return bin.toString();
    }

    private Run check(int port, boolean churnerListens, boolean forked, String path) throws IOException, InterruptedException {
        Path ready = dir.resolve("ready");
        String churner = CHURNER + " " + ready + (churnerListens ? " " + port : "");
        String start = forked ? "sh -c " + Connection.Shell.quote("trap 'kill $c' TERM; " + churner + " & c=$!; wait $c") : churner;
        String script = "trap 'kill $p 2>/dev/null' EXIT; " + start + " & p=$!; echo @@churner $p; i=0; while [ ! -e " + ready + " ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; "
                + RemoteScripts.awaitOwnListener(port, Transport.TCP, 1000, 200);
        return run(script, path);
    }

    /** Another process listens; the churning server never does: the port is taken, whatever ls said on the way. */
    @RepeatedTest(5)
    void aForeignListenerIsTakenWhileTheServersDescriptorsChurn() throws Exception {
        int port = FreePorts.next();
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Run r = check(port, false);
            assertThat(r.status()).as(r.stdout()).isEqualTo(RemoteScripts.TAKEN);
            assertThat(r.stdout()).doesNotContain("@@listening").doesNotContain(RemoteScripts.UNVERIFIED_MARK)
                    .contains(RemoteScripts.HOLDER_MARK + ProcessHandle.current().pid() + " ");
        }
    }

    /** The churning server listens itself: that is proven from its descriptors, not taken on trust. */
    @RepeatedTest(3)
    void theServersOwnListenerIsProvenWhileItsDescriptorsChurn() throws Exception {
        int port = FreePorts.next();
        Run r = check(port, true);
        assertThat(r.status()).as(r.stdout()).isEqualTo(RemoteScripts.LISTENING);
        assertThat(r.stdout()).contains("@@listening").doesNotContain(RemoteScripts.UNVERIFIED_MARK);
    }

    /** On a host without ss the tables tell the same: another process's listener, then the server's own. */
    @RepeatedTest(2)
    void withoutSsTheTablesTellTheListenersAlike() throws Exception {
        String path = pathWithoutSs();
        assertThat(run("command -v ss || echo none", path).stdout().strip()).isEqualTo("none");
        int port = FreePorts.next();
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Run r = check(port, false, false, path);
            assertThat(r.status()).as(r.stdout()).isEqualTo(RemoteScripts.TAKEN);
            assertThat(r.stdout()).contains(RemoteScripts.HOLDER_MARK + ProcessHandle.current().pid() + " ");
        }
        Run own = check(FreePorts.next(), true, false, path);
        assertThat(own.status()).as(own.stdout()).isEqualTo(RemoteScripts.LISTENING);
        assertThat(own.stdout()).contains("@@listening").doesNotContain(RemoteScripts.UNVERIFIED_MARK);
    }

    /**
     * A server that has no socket yet (here one that never gets one, so the check runs to its 2 s deadline) is looked at in
     * full (ss or the tables, then {@code ls} and awk: three processes) at most every 500 ms, not at every 100 ms: a host
     * busy enough that its server took over 100 ms to listen paid three processes each 100 ms of that start (stop 86).
     * The full looks are counted by an {@code ls} put first on the PATH, which logs its calls on {@code /proc} and runs the real
     * one.
     */
    @Test
    void aServerWithoutASocketIsLookedAtInFullEveryHalfSecondAtMost() throws Exception {
        String realLs = onPath("ls");
        Path bin = Files.createDirectories(dir.resolve("bin-counting-ls"));
        Path calls = dir.resolve("ls-calls");
        Path ls = bin.resolve("ls");
        // the full look's ls is the one of the server's descriptors (the state folder's checks list it too)
        Files.writeString(ls, "#!/bin/sh\ncase \"$*\" in *' /proc/'*) echo ls >>" + Connection.Shell.quote(calls.toString())
                + " ;; esac\nexec " + Connection.Shell.quote(realLs) + " \"$@\"\n");
        assertThat(ls.toFile().setExecutable(true)).isTrue();
        int port = FreePorts.next();
        Run r = run(checkOf("sleep 30", port, 200, 100), bin + ":" + System.getenv("PATH"));
        assertThat(r.status()).as(r.stdout()).isEqualTo(RemoteScripts.NOT_LISTENING);
        long looks = Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
        assertThat(looks).as("full looks in the check's 2 s").isBetween(1L, 4L);
    }

    /**
     * A script that starts {@code server} as {@code $p} (killed when the script ends) and runs the check on TCP
     * {@code port}: its deadline, and its wait for a foreign listener, in hundredths of a second.
     */
    private static String checkOf(String server, int port, int deadlineCentis, int takenCentis) {
        return "trap 'kill $p 2>/dev/null' EXIT; " + server + " & p=$!; "
                + RemoteScripts.awaitOwnListener(port, Transport.TCP, deadlineCentis, takenCentis);
    }

    /** The first program of that name on the PATH. */
    private static String onPath(String name) {
        for (String d : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        throw new AssertionError(name + " is not on the PATH");
    }

    /**
     * A look that runs late (here each {@code ss} takes 1.5 s, as on a host so busy that its processes wait seconds for a
     * core) passes the deadline while the server ends, saying "address already in use": the check tells it as ended, with
     * the port's holder, not as "not listening". CI, 2026-12-02: AttackerLabTest's server on a port the attacker held was
     * "not listening after 30 s" (status 4), the server's own words "address already in use", so the test did not move to
     * the next port.
     */
    @Test
    void aServerThatEndsWhileALateLookPassesTheDeadlineIsToldAsEnded() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin-slow-ss"));
        Path ss = bin.resolve("ss");
        Files.writeString(ss, "#!/bin/sh\nsleep 1.5\nexec " + Connection.Shell.quote(onPath("ss")) + " \"$@\"\n");
        assertThat(ss.toFile().setExecutable(true)).isTrue();
        int port = FreePorts.next();
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            // the server ends 0.7 s after its start, while the first full look (at 0.5 s) still runs; deadline 1 s
            Run r = run(checkOf("sh -c 'sleep 0.7; echo address already in use; exit 1'", port, 100, 1000),
                    bin + ":" + System.getenv("PATH"));
            assertThat(r.status()).as(r.stdout()).isEqualTo(RemoteScripts.EXITED);
            assertThat(r.stdout()).contains(RemoteScripts.EXITED_MARK + "1")
                    .contains(RemoteScripts.HOLDER_MARK + ProcessHandle.current().pid() + " ");
        }
    }

    /**
     * A server that still neither listens nor ends at the deadline, on a port another process listens on: the port is
     * taken (with its holder), though the wait for a foreign listener (here 10 s) had not run out; "not listening" is
     * for a port nobody holds.
     */
    @Test
    void aForeignListenerAtTheDeadlineIsTheHolder() throws Exception {
        int port = FreePorts.next();
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            Run r = run(checkOf("sleep 30", port, 100, 1000));
            assertThat(r.status()).as(r.stdout()).isEqualTo(RemoteScripts.TAKEN);
            assertThat(r.stdout()).contains(RemoteScripts.HOLDER_MARK + ProcessHandle.current().pid() + " ");
        }
        Run free = run(checkOf("sleep 30", FreePorts.next(), 100, 1000));
        assertThat(free.status()).as(free.stdout()).isEqualTo(RemoteScripts.NOT_LISTENING);
    }

    /** A launcher that forks: the listener is its child's, found by the process family scan. */
    @Test
    void aListenerOfTheServersChildIsTheServers() throws Exception {
        int port = FreePorts.next();
        Run r = check(port, true, true);
        assertThat(r.status()).as(r.stdout()).isEqualTo(RemoteScripts.LISTENING);
        assertThat(r.stdout()).contains("@@listening").doesNotContain(RemoteScripts.UNVERIFIED_MARK);
    }

    /**
     * A server this user may not look into (here iperf3 3.12 as {@code nobody}, checked by a root
     * shell without {@code CAP_SYS_PTRACE}: {@code ls -l} lists the descriptors but may not read
     * their links) is taken as the listener on trust, and the check says so.
     */
    @Tag("peer")
    @Tag("root")
    @Test
    void aServerWhoseDescriptorsMayNotBeReadIsTakenOnTrustAndSaidSo() throws Exception {
        int port = FreePorts.next();
        String check = checkOf("setpriv --reuid=65534 --regid=65534 --clear-groups iperf3 -s -p " + port + " >/dev/null 2>&1",
                port, 1000, 200);
        Run r = run("exec setpriv --bounding-set=-sys_ptrace --inh-caps=-sys_ptrace sh -c " + Connection.Shell.quote(check));
        assertThat(r.status()).as(r.stdout()).isEqualTo(RemoteScripts.LISTENING);
        assertThat(r.stdout()).contains("@@listening").contains(RemoteScripts.UNVERIFIED_MARK);
    }
}
