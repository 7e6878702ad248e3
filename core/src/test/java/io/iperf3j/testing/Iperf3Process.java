package io.iperf3j.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One run of a command-line program (the real iperf3, or iperf3j's jar) as a child
 * process, with stdout and stderr captured to files. {@link #close()} kills exactly
 * this process (by its handle, never by name) if it is still running, so a test that
 * fails half-way leaves nothing behind.
 *
 * <p>Readiness of a server is checked without talking to it (a probe connection would
 * be taken for a client by iperf3 and, with {@code -1}, end the server): {@link
 * #awaitListening} waits until this very process owns a socket in LISTEN state on the
 * port, as listed by {@code /proc/PID/net/tcp} and {@code tcp6} (the process's own
 * network namespace, so it works for a server started with {@code ip netns exec}) and
 * matched by inode with {@code /proc/PID/fd}.
 */
public final class Iperf3Process implements AutoCloseable {
    private final List<String> command;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Path dir;

    private Iperf3Process(List<String> command, Process process, Path dir, Path stdout, Path stderr) {
        this.command = command;
        this.process = process;
        this.dir = dir;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code /usr/bin/iperf3 args...} (C locale, no password in the environment). */
    public static Iperf3Process iperf3(List<String> args) {
        return iperf3(Iperf3Binary.V3_12, args);
    }

    /** Starts the given real iperf3 with {@code args} (C locale, no password in the environment). */
    public static Iperf3Process iperf3(Iperf3Binary binary, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.path.toString());
        cmd.addAll(args);
        return start(cmd);
    }

    /** Starts any command the same way (used for iperf3j's jar). */
    public static Iperf3Process start(List<String> command) {
        try {
            Path dir = Files.createTempDirectory("iperf3j-proc");
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            // A test that reads a finished process and never closes it still leaves nothing in /tmp:
            // the files go when the test JVM ends (deleted in reverse order: the files, then the folder).
            dir.toFile().deleteOnExit();
            out.toFile().deleteOnExit();
            err.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> env = pb.environment();
            env.put("LC_ALL", "C");
            env.put("LANG", "C");
            env.put("TZ", "UTC");
            env.remove("LANGUAGE");
            env.remove("IPERF3_PASSWORD");
            return new Iperf3Process(List.copyOf(command), pb.start(), dir, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends this process (by its PID, never by name) a signal: {@code "STOP"}, {@code "CONT"},
     * {@code "KILL"}... Fails the test if {@code kill} does not succeed within 5 s.
     */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while signalling " + process.pid(), e);
        }
    }

    /** Waits up to {@code timeout} until stderr contains {@code text}; false if it exited or time ran out first. */
    public boolean awaitStderr(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (stderr().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return stderr().contains(text);
            }
            try {
                Thread.sleep(10); // a poll of the captured file, ended by the text
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Waits up to {@code timeout} for the process to exit, without killing it; true if it did. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until this process listens on TCP {@code port}.
     *
     * @return true once it listens; false if it exited first or did not listen in time
     */
    public boolean awaitListening(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (listensOn(process.pid(), port)) {
                return true;
            }
            if (!process.isAlive()) {
                return false;
            }
            try {
                // A readiness poll, not a guess: the loop ends as soon as the socket is listed.
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * Waits for the process to exit.
     *
     * @return its exit status, or -1 if it was still running after the timeout (it is then killed)
     */
    public int waitFor(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
        return -1;
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    public List<String> command() {
        return command;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void kill() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills the process if it still runs and removes the captured output. */
    @Override
    public void close() {
        kill();
        try {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // temp files only
        }
    }

    @Override
    public String toString() {
        return "pid " + process.pid() + " " + String.join(" ", command);
    }

    // ------------------------------------------------------------------ /proc

    /** Whether process {@code pid} owns a TCP socket listening on {@code port} (IPv4 or IPv6). */
    static boolean listensOn(long pid, int port) {
        Set<Long> listening = new HashSet<>();
        // The process's own view: inside a network namespace it lists that namespace's sockets.
        Path net = Path.of("/proc", Long.toString(pid), "net");
        listeningInodes(net.resolve("tcp"), port, listening);
        listeningInodes(net.resolve("tcp6"), port, listening);
        if (listening.isEmpty()) {
            return false;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // the descriptor closed meanwhile
                }
                if (target.startsWith("socket:[") && target.endsWith("]")) {
                    long inode = Long.parseLong(target.substring(8, target.length() - 1));
                    if (listening.contains(inode)) {
                        return true;
                    }
                }
            }
        } catch (IOException e) {
            return false; // the process is gone
        }
        return false;
    }

    private static void listeningInodes(Path table, int port, Set<Long> into) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            return; // no IPv6, for instance
        }
        String portHex = String.format(":%04X", port);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            // f[1] local address:port (hex), f[3] state (0A = LISTEN), f[9] inode
            if (f.length > 9 && f[1].endsWith(portHex) && f[3].equals("0A")) {
                into.add(Long.parseLong(f[9]));
            }
        }
    }
}
