package io.iperf3j.session;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;

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
