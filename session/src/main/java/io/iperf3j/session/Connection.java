package io.iperf3j.session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How commands reach a host. Pluggable: {@link LocalConnection} runs them on this
 * machine, {@link SshConnection} over one reused SSH session; a {@link CommandWrapper}
 * adapts either to wrappers such as {@code adb shell}. Implementations are thread-safe;
 * {@link #lock()} is held while a command is being started (the seed's per-connection lock).
 */
public interface Connection extends AutoCloseable {
    /** Longest output {@link #run} keeps per stream. */
    int MAX_CAPTURED_BYTES = 1 << 20;

    /** A name for messages, e.g. {@code ssh root@10.0.0.2:22} or {@code local}. */
    String describe();

    /** The lock held while a command is started on this connection. */
    ReentrantLock lock();

    /** What is put around every command. */
    CommandWrapper wrapper();

    /** Starts {@code script} (a POSIX sh script) and returns at once. */
    RemoteProcess start(String script) throws ConnectionError;

    /**
     * Starts {@code script} with a standard input this side writes ({@link RemoteProcess#stdin()}), for
     * as long as the connection lives: the host agent that holds a controller's locks on the host. Its
     * end of input comes when it is closed, or when the connection or this process dies. Not counted
     * among a connection's command channels.
     *
     * @throws UnsupportedOperationException if this connection cannot (the default): the session then
     *         keeps its host slots on the controller alone
     */
    default RemoteProcess startWithInput(String script) throws ConnectionError {
        throw new UnsupportedOperationException(describe() + " runs no command with an input");
    }

    /** Copies a file from the host to {@code local}. */
    void fetch(String remotePath, Path local) throws ConnectionError;

    /**
     * Copies a file from the host to {@code local}, then removes the host's copy. Each command
     * on a host costs a login shell (with whatever its rc files run: measured 0.55 s with a
     * {@code pyenv init} in root's {@code .bashrc}), so implementations do both in one exchange
     * where they can. A failed removal is not an error: the copy is what counts.
     */
    default void take(String remotePath, Path local) throws ConnectionError, InterruptedException {
        fetch(remotePath, local);
        run("rm -f " + Shell.quote(remotePath), Duration.ofSeconds(15));
    }

    /**
     * Copies a local file to {@code remotePath} on the host (SFTP over SSH), replacing it.
     * Not possible behind a {@link CommandWrapper#prefix()} (the file would not reach the
     * device behind it): that is a {@link ConnectionError}.
     *
     * @throws ConnectionError if the copy fails or does not end within {@code timeout}
     */
    void upload(Path local, String remotePath, Duration timeout) throws ConnectionError, InterruptedException;

    /**
     * What the connection has to tell once, for the log and the test's warnings (an SSH host without
     * an SFTP subsystem, whose files now come over exec): each notice is returned by one call only.
     * None by default.
     */
    default java.util.List<String> takeNotices() {
        return java.util.List.of();
    }

    /** Closes the connection (an SSH session); it reconnects on the next use. */
    @Override
    void close();

    /**
     * Runs a short script to its end and returns its status and output.
     *
     * @throws ConnectionError if it cannot start, or does not end within {@code timeout}
     */
    default CommandResult run(String script, Duration timeout) throws ConnectionError, InterruptedException {
        try (RemoteProcess p = start(script)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = Thread.ofVirtual().start(() -> drain(p.stderr(), err));
            Thread outReader = Thread.ofVirtual().start(() -> drain(p.stdout(), out));
            long deadline = System.nanoTime() + timeout.toNanos();
            outReader.join(timeout);
            errReader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            OptionalInt status = outReader.isAlive() ? OptionalInt.empty()
                    : p.waitFor(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (status.isEmpty()) {
                // leaving the try closes (kills) the process before the error reaches the caller
                throw new ConnectionError("'" + abbreviate(script) + "' on " + describe() + " did not end within " + timeout);
            }
            synchronized (out) {
                synchronized (err) {
                    return new CommandResult(status.getAsInt(), out.toString(StandardCharsets.UTF_8),
                            err.toString(StandardCharsets.UTF_8));
                }
            }
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (sink) {
                    if (sink.size() < MAX_CAPTURED_BYTES) {
                        sink.write(buf, 0, Math.min(n, MAX_CAPTURED_BYTES - sink.size()));
                    }
                }
            }
        } catch (IOException e) {
            // the stream ended with the channel; what was read is kept
        }
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 120 ? one : one.substring(0, 120) + "...";
    }

    /**
     * A finished short command.
     *
     * @param exitStatus its exit status
     * @param stdout its standard output (at most {@link #MAX_CAPTURED_BYTES})
     * @param stderr its standard error (at most {@link #MAX_CAPTURED_BYTES})
     */
    record CommandResult(int exitStatus, String stdout, String stderr) {
    }
}
