package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.Shell;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iperf3j host-slots} as a process of the built jar, as root runs it (issue 64): its socket made 0666 in a folder of
 * root's, each peer named by the kernel (a second account's session, run with {@code setpriv} as {@link #OTHER}, is named
 * truthfully to root and root to it), one account's connections bounded without touching another's, a line too long ending
 * only its own connection, a slot freed the moment its holder goes, SIGTERM ending it with status 0 and its socket
 * removed; and the same service given its socket by socket activation ({@code systemd-socket-activate --inetd}, as
 * systemd's {@code StandardInput=socket}).
 */
@Tag("root")
@Tag("tool")
@Timeout(value = 10, unit = TimeUnit.MINUTES) // the first test of a JVM builds the jar (IperfJar)
class HostSlotsProcessTest {
    /** The second account: Debian's nobody (no login, no home). */
    private static final String OTHER = "nobody";

    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void prerequisites() {
        NetnsLab.requirePrerequisites();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Path socketFolder() throws IOException {
        Path d = dir.resolve("run");
        Files.createDirectories(d);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        return d;
    }

    private Process service(List<String> extra, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(IperfJar.command().split(" ")));
        cmd.add("host-slots");
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    private static void awaitSocket(Path socket, Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) || !Files.readString(log).contains("listening")) {
            assertThat(p.isAlive()).as("the service ended: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("no socket within 60 s: %s", Files.readString(log)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** A peer of this JVM's (root). */
    private static final class Peer implements AutoCloseable {
        final SocketChannel channel;
        final BufferedReader in;
        final OutputStream out;
        final String hello;

        Peer(Path socket) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.US_ASCII));
            out = Channels.newOutputStream(channel);
            hello = in.readLine();
        }

        String ask(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * The other account's peer: python3 run as {@link #OTHER} ({@code setpriv}), connected {@code n} times, sending
     * {@code lines} on the first connection and printing every reply (and the other connections' greetings) on stdout, then
     * holding its connections until its stdin ends.
     */
    private Process other(Path socket, int n, String... lines) throws IOException {
        String script = "import socket, sys\n"
                + "cs = []\n"
                + "for i in range(" + n + "):\n"
                + "    s = socket.socket(socket.AF_UNIX)\n"
                + "    s.connect('" + socket + "')\n"
                + "    f = s.makefile('rw')\n"
                + "    print(f.readline().strip(), flush=True)\n"
                + "    cs.append((s, f))\n"
                + "for l in " + toPython(lines) + ":\n"
                + "    cs[0][1].write(l + '\\n'); cs[0][1].flush()\n"
                + "    print(cs[0][1].readline().strip(), flush=True)\n"
                + "print('held', flush=True)\n"
                + "sys.stdin.read()\n";
        Process p = new ProcessBuilder("setpriv", "--reuid=" + OTHER, "--regid=nogroup", "--clear-groups", "/usr/bin/python3", "-c", script)
                .redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private static String toPython(String[] lines) {
        StringBuilder sb = new StringBuilder("[");
        for (String l : lines) {
            sb.append(sb.length() > 1 ? ", " : "").append("'").append(l).append("'");
        }
        return sb.append("]").toString();
    }

    /** The lines {@code p} prints up to and with "held". */
    private static List<String> linesUntilHeld(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String l; (l = r.readLine()) != null; ) {
            lines.add(l);
            if (l.equals("held")) {
                break;
            }
        }
        return lines;
    }

    @Test
    void accountsAreNamedByTheKernelBoundedApartAndFreedWhenTheyGo() throws Exception {
        Path socket = socketFolder().resolve("host-slots.sock");
        Path log = dir.resolve("service.log");
        Process service = service(List.of("--socket", socket.toString(), "--max-per-user", "4"), log);
        awaitSocket(socket, service, log);
        assertThat(Shell.run("stat", "-c", "%a %U %F", socket.toString()).strip()).isEqualTo("666 root socket");

        try (Peer root1 = new Peer(socket); Peer root2 = new Peer(socket)) {
            assertThat(root1.hello).isEqualTo("iperf3j-host-slots 1 root");
            assertThat(root1.ask("take 10.0.0.2")).isEqualTo("taken");
            assertThat(root2.ask("take 10.0.0.2")).as("root's other session: a turn, no name").isEqualTo("busy");

            // the other account: named by the kernel, whatever it would claim; four connections, the fifth refused
            Process nobody = other(socket, 5, "take 10.0.0.2", "take 10.0.0.3", "give 10.0.0.3", "take " + "x".repeat(300));
            List<String> said = linesUntilHeld(nobody);
            assertThat(said.subList(0, 4)).containsOnly("iperf3j-host-slots 1 nobody");
            assertThat(said.get(4)).isEqualTo("error user nobody has 4 connections to the service, the most one account may");
            assertThat(said.subList(5, 9)).containsExactly("busy root", "taken", "given",
                    "error a line of more than 256 bytes");
            try (Peer root3 = new Peer(socket)) {
                assertThat(root3.hello).as("root's own share is untouched").isEqualTo("iperf3j-host-slots 1 root");
                assertThat(root3.ask("take 10.0.0.3")).isEqualTo("taken");
                assertThat(root3.ask("give 10.0.0.3")).isEqualTo("given");
            }
            // nobody's first connection was ended by its long line; its other three still count: one more is refused
            Process more = other(socket, 2);
            List<String> again = linesUntilHeld(more);
            assertThat(again).startsWith("iperf3j-host-slots 1 nobody");
            assertThat(again.get(1)).startsWith("error user nobody has 4 connections");
            nobody.getOutputStream().close();
            more.getOutputStream().close();
            assertThat(nobody.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(root1.ask("park 10.0.0.2")).as("root2 waits: given at the test's end").isEqualTo("given");
            assertThat(root2.ask("take 10.0.0.2")).isEqualTo("taken");
            Process holder = other(socket, 1, "take 10.0.0.9");
            assertThat(linesUntilHeld(holder)).contains("taken");
            assertThat(root1.ask("take 10.0.0.9")).isEqualTo("busy nobody");
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            assertThat(root1.ask("take 10.0.0.9")).as("freed the moment its holder went").isEqualTo("taken");
        }
        long t0 = System.nanoTime();
        service.destroy();
        assertThat(service.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(service.exitValue()).as(Files.readString(log)).isZero();
        assertThat((System.nanoTime() - t0) / 1e9).as("SIGTERM ends it at once").isLessThan(5.0);
        assertThat(socket).as("its socket removed").doesNotExist();
    }

    @Test
    void aSocketFolderOthersMayWriteIsRefused() throws Exception {
        Path open = dir.resolve("open");
        Files.createDirectories(open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path log = dir.resolve("service.log");
        Process service = service(List.of("--socket", open.resolve("s.sock").toString()), log);
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(service.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log)).contains("iperf3j host-slots: error - unable to listen on " + open.resolve("s.sock"))
                .contains(open + " may be written by others (mode 0777)");
        assertThat(open.resolve("s.sock")).doesNotExist();
    }

    /** systemd's way: the socket made by the manager and given on standard input ({@code StandardInput=socket}). */
    @Test
    void theSocketSystemdMakesIsServed() throws Exception {
        Path socket = socketFolder().resolve("activated.sock");
        Path log = dir.resolve("activated.log");
        List<String> cmd = new ArrayList<>(List.of("systemd-socket-activate", "--inetd", "-l", socket.toString()));
        cmd.addAll(List.of(IperfJar.command().split(" ")));
        cmd.add("host-slots");
        Process activator = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(activator);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
            Thread.sleep(20);
        }
        // the socket unit's SocketMode=0666
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        try (Peer root = new Peer(socket)) {
            assertThat(root.hello).as(Files.readString(log)).isEqualTo("iperf3j-host-slots 1 root");
            assertThat(root.ask("take h1")).isEqualTo("taken");
            Process nobody = other(socket, 1, "take h1");
            assertThat(linesUntilHeld(nobody)).containsExactly("iperf3j-host-slots 1 nobody", "busy root", "held");
            nobody.getOutputStream().close();
        }
        activator.destroy();
        assertThat(activator.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(activator.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("iperf3j host-slots listening on " + socket);
    }
}
