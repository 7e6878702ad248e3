package io.iperf3j.session.internal.connect;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import org.apache.sshd.common.channel.ChannelPipedInputStream;

/**
 * A read that waits for a command's output at most a given time, where the stream can: an SSH channel's output
 * (MINA's {@link ChannelPipedInputStream}, whose read waits on a condition with the stream's timeout). The thread sleeps
 * until bytes come, the stream ends or the time is up: one wake-up a burst of output, where a loop of {@code available()}
 * and sleeps woke a reader 20 times a second for as long as a command printed nothing (issue 69: a controller's
 * virtual threads at 48 hosts spent a tenth of their CPU in that loop). A local process's pipe cannot (its read has no
 * timeout): {@link #supports} says so, and the caller polls it.
 *
 * <p>Threads: the reading thread alone (the timeout is the stream's, set before each read).
 */
public final class TimedRead {
    private TimedRead() {
    }

    /** Whether {@link #read} can wait with a limit on {@code in}. */
    public static boolean supports(InputStream in) {
        return in instanceof ChannelPipedInputStream;
    }

    /**
     * Reads into {@code b}, waiting with no limit of its own for a first byte: the caller keeps its deadline another way
     * (the host agents' {@code AgentDeadlines} closes the stream, which ends the read with an {@link IOException}). No
     * timed wait: on a virtual thread each is a task of the JDK's delay scheduler, queued and cancelled by waking its
     * thread (issue 69).
     *
     * @return bytes read, -1 at the end of the output
     * @throws IllegalArgumentException if {@code in} is not a stream it {@link #supports}
     * @throws InterruptedException if the thread was interrupted while it waited
     */
    public static int readWaiting(InputStream in, byte[] b) throws IOException, InterruptedException {
        return read(piped(in), b, 0);
    }

    /**
     * Reads into {@code b}, waiting up to {@code timeoutMillis} (at least 1) for a first byte.
     *
     * @return bytes read, -1 at the end of the output, 0 when none came in time
     * @throws IllegalArgumentException if {@code in} is not a stream it {@link #supports}
     * @throws InterruptedException if the thread was interrupted while it waited
     */
    public static int read(InputStream in, byte[] b, long timeoutMillis) throws IOException, InterruptedException {
        ChannelPipedInputStream piped = piped(in);
        try {
            return read(piped, b, Math.max(1, timeoutMillis));
        } catch (SocketException e) {
            // MINA 2.16 ends a read whose time is up with a plain SocketException ("Timeout (N) expired after ..."), the
            // only one its read throws; a closed stream is an IOException ("Pipe closed")
            if (piped.isOpen()) {
                return 0;
            }
            throw e;
        }
    }

    private static ChannelPipedInputStream piped(InputStream in) {
        if (!(in instanceof ChannelPipedInputStream piped)) {
            throw new IllegalArgumentException("no timed or waiting read on " + in.getClass().getName());
        }
        return piped;
    }

    /** MINA's read with the stream's timeout ({@code 0}: none), an interrupt as an {@link InterruptedException}. */
    private static int read(ChannelPipedInputStream piped, byte[] b, long timeoutMillis) throws IOException, InterruptedException {
        piped.setTimeout(timeoutMillis);
        try {
            return piped.read(b, 0, b.length);
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedException("interrupted while reading a command's output");
        }
    }
}
