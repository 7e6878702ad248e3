package io.iperf3j.session;

import io.iperf3j.session.SessionException.ConnectionError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * How commands reach a host. Pluggable: {@link LocalConnection} runs them on this
 * machine, {@link SshConnection} over one reused SSH session; a {@link Connection.Wrapper}
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
    Connection.Wrapper wrapper();

    /** Starts {@code script} (a POSIX sh script) and returns at once. */
    Connection.RemoteProcess start(String script) throws ConnectionError;

    /**
     * Starts {@code script} with a standard input this side writes ({@link Connection.RemoteProcess#stdin()}), for
     * as long as the connection lives: the host agent that holds a controller's locks on the host. Its
     * end of input comes when it is closed, or when the connection or this process dies. Not counted
     * among a connection's command channels.
     *
     * @throws UnsupportedOperationException if this connection cannot (the default): the session then
     *         keeps its host slots on the controller alone
     */
    default Connection.RemoteProcess startWithInput(String script) throws ConnectionError {
        throw new UnsupportedOperationException(describe() + " runs no command with an input");
    }

    /**
     * A byte stream to the UNIX socket {@code path} on the host, as the user this connection logs in as (the host-slots
     * service's: docs/design/session.md, "Slots on the hosts"): over SSH, OpenSSH's {@code direct-streamlocal} channel,
     * which the host's sshd connects; locally, a socket of this process's.
     *
     * @throws UnsupportedOperationException if this connection cannot reach a host's sockets (the default, and a
     *         connection behind a {@link Connection.Wrapper#prefix()}: the device behind it is not the host)
     * @throws ConnectionError if the host refused it or nothing listens there (its words), or it did not open within
     *         {@code timeout}
     */
    default Connection.HostSocket openSocket(String path, Duration timeout) throws ConnectionError, InterruptedException {
        throw new UnsupportedOperationException(describe() + " opens no socket on its host");
    }

    /**
     * A stream to a socket on a host ({@link #openSocket}). Its input's {@link InputStream#available()} says what can be read
     * without blocking, and -1 once the other end closed where the connection can tell (an SSH channel).
     */
    interface HostSocket extends AutoCloseable {
        /** What the socket's server sends. */
        InputStream in();

        /** What goes to the socket's server. */
        OutputStream out();

        /** Closes the stream (the server sees its end). */
        @Override
        void close();
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
     * Not possible behind a {@link Connection.Wrapper#prefix()} (the file would not reach the
     * device behind it): that is a {@link ConnectionError}.
     *
     * @throws ConnectionError if the copy fails or does not end within {@code timeout}
     */
    void upload(Path local, String remotePath, Duration timeout) throws ConnectionError, InterruptedException;

    /**
     * Why the host does not answer, while this connection takes it not to (an SSH host whose connect, channel open or
     * heartbeats timed out, until a login succeeds): {@code no SSH reply within 5 s}. Empty for a host that answers or
     * refuses, and for a local one.
     */
    default java.util.Optional<String> unanswered() {
        return java.util.Optional.empty();
    }

    /**
     * Says that something waits on this host until the returned mark is closed: a test that holds it (its server's or
     * client's side), a reply awaited. A connection that checks that its host answers (SSH's heartbeats) checks it every
     * second while a mark is open or a command's channel is, so that a host that falls silent under a test is found in
     * seconds ({@link #unanswered}), and only seldom while nothing waits on it (an idle host of a scheduled fleet).
     * Closing a mark twice closes it once. A mark that does nothing by default.
     */
    default Waiting waitOn() {
        return () -> { };
    }

    /** A mark of {@link #waitOn}: closed when nothing waits on the host for its holder any more. */
    interface Waiting extends AutoCloseable {
        @Override
        void close();
    }

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
        try (Connection.RemoteProcess p = start(script)) {
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

    /**
     * What a connection puts around every command: PATH and LD_LIBRARY_PATH additions
     * (the seed's {@code path} and {@code library_path}) and a command prefix such as
     * {@code adb -s SERIAL shell} or {@code kubectl exec POD --}, so those hosts need
     * no new connection code. The command runs as {@code PREFIX sh -c 'SCRIPT'}.
     *
     * @param prefix words put before {@code sh -c}; empty for none
     * @param pathAdditions directories put before {@code $PATH}
     * @param libraryPathAdditions directories put before {@code $LD_LIBRARY_PATH}
     */
    public record Wrapper(List<String> prefix, List<String> pathAdditions, List<String> libraryPathAdditions) {
        private static final Pattern SAFE_DIR = Pattern.compile("[A-Za-z0-9_./+@%=,-]+");

        /** No prefix, no additions. */
        public static final Wrapper NONE = new Wrapper(List.of(), List.of(), List.of());

        /** Copies the lists and checks the directories are plain paths (they go into a shell line). */
        public Wrapper {
            prefix = List.copyOf(prefix);
            PlanValue.TEXT.requireEach("prefix", prefix);
            pathAdditions = List.copyOf(pathAdditions);
            libraryPathAdditions = List.copyOf(libraryPathAdditions);
            for (String dir : pathAdditions) {
                requireSafe(dir);
            }
            for (String dir : libraryPathAdditions) {
                requireSafe(dir);
            }
        }

        private static void requireSafe(String dir) {
            Objects.requireNonNull(dir, "directory");
            if (!SAFE_DIR.matcher(dir).matches()) {
                throw new IllegalArgumentException("path addition '" + dir + "' has characters a shell would read");
            }
        }

        /** The script with the environment additions in front (no prefix yet). */
        public String withEnvironment(String script) {
            StringBuilder sb = new StringBuilder();
            if (!pathAdditions.isEmpty()) {
                sb.append("PATH=").append(String.join(":", pathAdditions)).append(":$PATH; export PATH; ");
            }
            if (!libraryPathAdditions.isEmpty()) {
                sb.append("LD_LIBRARY_PATH=").append(String.join(":", libraryPathAdditions))
                        .append("${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; export LD_LIBRARY_PATH; ");
            }
            return sb.append(script).toString();
        }

        /** The whole command line: {@code PREFIX sh -c 'ENV; SCRIPT'}. */
        public String commandLine(String script) {
            String body = "sh -c " + Shell.quote(withEnvironment(script));
            if (prefix.isEmpty()) {
                return body;
            }
            StringBuilder sb = new StringBuilder();
            for (String word : prefix) {
                sb.append(Shell.quote(word)).append(' ');
            }
            return sb.append(body).toString();
        }
    }

    /**
     * A command running on a host through a {@link Connection}. Its output is read from
     * the streams by the caller's thread; {@link #close()} drops the channel (it does not
     * kill the remote process: {@link RemoteIperf#stop()} does that by PID).
     */
    public interface RemoteProcess extends AutoCloseable {
        /** Standard output. */
        InputStream stdout();

        /** Standard input: discarded unless started by {@link Connection#startWithInput}. */
        default OutputStream stdin() {
            return OutputStream.nullOutputStream();
        }

        /** Standard error. */
        InputStream stderr();

        /**
         * Waits up to {@code timeout} for the exit status; empty if it has not ended.
         *
         * @throws ConnectionError if its channel ended without an exit status (the connection was lost):
         *         that is not an exit of the command
         */
        OptionalInt waitFor(Duration timeout) throws InterruptedException, ConnectionError;

        /** Drops the channel and the local ends of the streams. */
        @Override
        void close();
    }

    /** POSIX shell quoting for the command lines the session sends to hosts. */
    public final class Shell {
        private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

        private Shell() {
        }

        /** One word for {@code sh}: unchanged when it has only plain characters, else single-quoted. */
        public static String quote(String word) {
            if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
                return word;
            }
            return "'" + word.replace("'", "'\\''") + "'";
        }

        /** Words quoted and joined with spaces. */
        public static String join(List<String> words) {
            StringBuilder sb = new StringBuilder();
            for (String w : words) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(quote(w));
            }
            return sb.toString();
        }
    }
}
