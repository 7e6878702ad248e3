package io.iperf3j.session.internal.connect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;

/** Runs commands on this machine ({@code sh -c}, or the wrapper's prefix in front). */
public final class LocalConnection implements Connection {
    private final ReentrantLock lock = new ReentrantLock();
    private final Connection.Wrapper wrapper;

    /** A local connection with no prefix or additions. */
    public LocalConnection() {
        this(Connection.Wrapper.NONE);
    }

    /** A local connection with a wrapper. */
    public LocalConnection(Connection.Wrapper wrapper) {
        this.wrapper = wrapper;
    }

    @Override
    public String describe() {
        return wrapper.prefix().isEmpty() ? "local" : "local via " + String.join(" ", wrapper.prefix());
    }

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public Connection.Wrapper wrapper() {
        return wrapper;
    }

    @Override
    public Connection.RemoteProcess start(String script) throws ConnectionError {
        lock.lock();
        try {
            Process p = new ProcessBuilder("sh", "-c", wrapper.commandLine(script))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new LocalProcess(p);
        } catch (IOException e) {
            throw new ConnectionError("cannot start a local shell: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Connection.RemoteProcess startWithInput(String script) throws ConnectionError {
        lock.lock();
        try {
            return new LocalProcess(new ProcessBuilder("sh", "-c", wrapper.commandLine(script)).start());
        } catch (IOException e) {
            throw new ConnectionError("cannot start a local shell: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Connection.HostSocket openSocket(String path, java.time.Duration timeout) throws ConnectionError, InterruptedException {
        if (!wrapper.prefix().isEmpty()) {
            throw new UnsupportedOperationException(describe() + ": the commands run behind a prefix, not on this machine");
        }
        return LocalSocket.open(path, timeout);
    }

    @Override
    public void fetch(String remotePath, Path local) throws ConnectionError {
        try {
            if (wrapper.prefix().isEmpty()) {
                Files.copy(Path.of(remotePath), local, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            fetchBehindPrefix(remotePath, local);
        } catch (IOException e) {
            throw new ConnectionError("cannot copy " + remotePath + " to " + local + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionError("interrupted while copying " + remotePath);
        }
    }

    /**
     * Behind a prefix the file is on the far side: {@code cat} through the prefix, its output straight into
     * {@code local} (byte for byte: no text decoding, no cap but {@link SshConnection#MAX_FETCHED_BYTES}), with
     * the deadline an exec copy over SSH has ({@code ExecFileCopy}: 60 s plus one second a megabyte copied).
     * Before, the copy went through {@link #run}, which keeps 1 MiB and decodes UTF-8.
     */
    private void fetchBehindPrefix(String remotePath, Path local) throws IOException, InterruptedException, ConnectionError {
        Path err = Files.createTempFile("iperf3j-fetch", ".err");
        try {
            // the copy's own file, made here without following a link at its name (issue 55), then the shell's output
            Files.newByteChannel(local, java.util.Set.of(java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS)).close();
            Process p = new ProcessBuilder("sh", "-c", wrapper.commandLine(io.iperf3j.session.internal.connect.ExecFileCopy.readCommand(remotePath)))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(local.toFile()).redirectError(err.toFile()).start();
            long start = System.nanoTime();
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                long size = Files.size(local);
                Duration allowed = io.iperf3j.session.internal.connect.ExecFileCopy.FETCH_ALLOWANCE
                        .plusSeconds(size / io.iperf3j.session.internal.connect.ExecFileCopy.FETCH_BYTES_PER_SECOND);
                String over = size > SshConnection.MAX_FETCHED_BYTES ? "it is over the limit of " + SshConnection.MAX_FETCHED_BYTES + " bytes"
                        : System.nanoTime() - start > allowed.toNanos() ? "it did not end within " + allowed.toSeconds() + " s" : null;
                if (over != null) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new ConnectionError("cannot read " + remotePath + " on " + describe() + ": " + over);
                }
            }
            if (p.exitValue() != 0) {
                byte[] said = Files.readAllBytes(err);
                throw new ConnectionError("cannot read " + remotePath + " on " + describe() + ": "
                        + new String(said, 0, Math.min(said.length, 4096), java.nio.charset.StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Override
    public void upload(Path local, String remotePath, Duration timeout) throws ConnectionError {
        if (!wrapper.prefix().isEmpty()) {
            throw new ConnectionError("cannot copy " + local + " through " + describe() + " (a file cannot be sent behind a prefix)");
        }
        try {
            Files.copy(local, Path.of(remotePath), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ConnectionError("cannot copy " + local + " to " + remotePath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // nothing held
    }

    private record LocalProcess(Process process) implements Connection.RemoteProcess {
        @Override
        public InputStream stdout() {
            return process.getInputStream();
        }

        @Override
        public java.io.OutputStream stdin() {
            return process.getOutputStream();
        }

        @Override
        public InputStream stderr() {
            return process.getErrorStream();
        }

        @Override
        public OptionalInt waitFor(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
                    : OptionalInt.empty();
        }

        @Override
        public void close() {
            process.destroy();
        }
    }
}
