package io.iperf3j.session.internal.connect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import io.iperf3j.session.Connection;

/**
 * Copies a file to or from a host over an SSH exec channel, for hosts whose sshd has no SFTP
 * subsystem (dropbear without sftp-server, BusyBox, embedded and Android hosts) and for hosts
 * behind a command prefix: {@code cat -- FILE} with its standard output copied to the local file
 * as the bytes come, {@code cat > FILE} fed from the local file on its standard input. Byte-exact
 * (nothing is decoded), at most a given number of bytes, within a deadline; past the deadline or
 * the limit the channel is closed, which ends the remote {@code cat}.
 *
 * <p>Why {@code cat} and not SCP (MINA's {@code ScpClient}): SCP needs an {@code scp} binary on
 * the host, which BusyBox and Android builds often lack, while every host with sshd has
 * {@code sh} and {@code cat}. Threads: each copy runs on a virtual thread the calling thread waits
 * for; none outlives the call by more than {@link #CLOSE_WAIT}.
 */
public final class ExecFileCopy {
    /** What a fetch may take whatever its size: a stalled channel ends after this much. */
    public static final Duration FETCH_ALLOWANCE = Duration.ofSeconds(60);
    /** The slowest average a fetch may run at past {@link #FETCH_ALLOWANCE} (a 1 GiB file gets 60 s + 1074 s). */
    public static final long FETCH_BYTES_PER_SECOND = 1_000_000;
    /** Most of a {@code cat}'s standard error kept for the error message. */
    static final int MAX_STDERR_BYTES = 4096;
    /** How long a copy is given to end once its channel was closed under it, and {@code cat} to give its status. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private ExecFileCopy() {
    }

    /** The command that prints {@code remotePath} ({@code --}: a path starting with '-' is not an option). */
    public static String readCommand(String remotePath) {
        return "cat -- " + Connection.Shell.quote(remotePath);
    }

    /** The command that writes its standard input to {@code remotePath}, replacing it. */
    public static String writeCommand(String remotePath) {
        return "cat > " + Connection.Shell.quote(remotePath);
    }

    /**
     * Copies the standard output of {@code channel} (open, running {@link #readCommand}) to
     * {@code local}, replacing it, and checks that {@code cat} exited 0. The deadline grows with the
     * bytes copied: {@link #FETCH_ALLOWANCE} plus one second per {@link #FETCH_BYTES_PER_SECOND}.
     *
     * @return the bytes copied
     * @throws IOException if {@code cat} failed (its status and standard error), the file is over
     *         {@code maxBytes}, the deadline passed, or {@code local} cannot be written
     */
    public static long fetch(ChannelExec channel, Path local, long maxBytes) throws IOException, InterruptedException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> drainAtMost(channel.getInvertedErr(), err));
        AtomicLong copied = new AtomicLong();
        await(channel, "cat", copied, n -> FETCH_ALLOWANCE.plusSeconds(n / FETCH_BYTES_PER_SECOND),
                () -> copyAtMost(channel.getInvertedOut(), local, maxBytes, copied));
        checkExit(channel, CLOSE_WAIT, errReader, err);
        return copied.get();
    }

    /**
     * Feeds {@code local} to the standard input of {@code channel} (open, running
     * {@link #writeCommand}), ends it, and checks that {@code cat} exited 0, all within {@code timeout}.
     *
     * @throws IOException if {@code cat} failed (its status and standard error: a directory that is
     *         not there, a full disk), the timeout passed, or {@code local} cannot be read
     */
    public static void upload(Path local, ChannelExec channel, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> drainAtMost(channel.getInvertedErr(), err));
        AtomicLong copied = new AtomicLong();
        await(channel, "cat >", copied, n -> timeout, () -> {
            // closing the channel's input stream sends EOF: cat then ends
            try (OutputStream in = channel.getInvertedIn()) {
                copied.addAndGet(Files.copy(local, in));
            }
        });
        Duration left = timeout.minusNanos(System.nanoTime() - start);
        checkExit(channel, left.isNegative() ? Duration.ofMillis(1) : left, errReader, err);
    }

    /**
     * Copies {@code in} to {@code local} (replacing it) as the bytes come, counting them in
     * {@code copied}; stops with an error past {@code maxBytes}, the part copied left in place.
     */
    public static void copyAtMost(InputStream in, Path local, long maxBytes, AtomicLong copied) throws IOException {
        byte[] buf = new byte[64 * 1024];
        // never through a link at the name (issue 55: raw outputs go under the output folder)
        try (OutputStream out = Files.newOutputStream(local, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (copied.get() + n > maxBytes) {
                    throw new IOException("the file is over the limit of " + maxBytes + " bytes");
                }
                out.write(buf, 0, n);
                copied.addAndGet(n);
            }
        }
    }

    private interface Copy {
        void run() throws IOException;
    }

    /**
     * Runs {@code copy} on a virtual thread and waits for it while it keeps within
     * {@code allowed(bytes copied so far)}; past that, or when it fails, closes the channel.
     */
    private static void await(ChannelExec channel, String what, AtomicLong copied, LongFunction<Duration> allowed, Copy copy)
            throws IOException, InterruptedException {
        AtomicReference<IOException> failure = new AtomicReference<>();
        Thread t = Thread.ofVirtual().name(what).start(() -> {
            try {
                copy.run();
            } catch (IOException e) {
                failure.set(e);
            }
        });
        long start = System.nanoTime();
        try {
            while (!t.join(Duration.ofMillis(200))) {
                Duration limit = allowed.apply(copied.get());
                if (System.nanoTime() - start > limit.toNanos()) {
                    channel.close(true);
                    t.join(CLOSE_WAIT);
                    throw new IOException(what + " did not finish within " + limit + " (" + copied.get() + " bytes copied)");
                }
            }
        } catch (InterruptedException e) {
            channel.close(true);
            throw e;
        }
        if (failure.get() != null) {
            channel.close(true);
            throw failure.get();
        }
    }

    /** Waits for {@code cat}'s exit status; anything but 0 is an error with what it printed on standard error. */
    private static void checkExit(ChannelExec channel, Duration timeout, Thread errReader, ByteArrayOutputStream err)
            throws IOException, InterruptedException {
        channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.CLOSED), timeout);
        Integer status = channel.getExitStatus();
        errReader.join(CLOSE_WAIT);
        String said;
        synchronized (err) {
            said = err.toString(StandardCharsets.UTF_8).strip();
        }
        if (status == null) {
            channel.close(true);
            throw new IOException("cat gave no exit status within " + timeout + (said.isEmpty() ? "" : ": " + said));
        }
        if (status != 0) {
            throw new IOException("cat exited with status " + status + (said.isEmpty() ? "" : ": " + said));
        }
    }

    private static void drainAtMost(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[1024];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (sink) {
                    sink.write(buf, 0, Math.max(0, Math.min(n, MAX_STDERR_BYTES - sink.size())));
                }
            }
        } catch (IOException e) {
            // the stream ended with the channel; what was read is kept
        }
    }
}
