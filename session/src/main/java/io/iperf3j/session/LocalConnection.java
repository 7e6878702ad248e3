package io.iperf3j.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** Runs commands on this machine ({@code sh -c}, or the wrapper's prefix in front). */
public final class LocalConnection implements Connection {
    private final ReentrantLock lock = new ReentrantLock();
    private final CommandWrapper wrapper;

    /** A local connection with no prefix or additions. */
    public LocalConnection() {
        this(CommandWrapper.NONE);
    }

    /** A local connection with a wrapper. */
    public LocalConnection(CommandWrapper wrapper) {
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
    public CommandWrapper wrapper() {
        return wrapper;
    }

    @Override
    public RemoteProcess start(String script) throws ConnectionError {
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
    public RemoteProcess startWithInput(String script) throws ConnectionError {
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
    public void fetch(String remotePath, Path local) throws ConnectionError {
        try {
            if (wrapper.prefix().isEmpty()) {
                Files.copy(Path.of(remotePath), local, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            // Behind a prefix the file is on the far side: read it with cat.
            CommandResult r = run("cat " + Shell.quote(remotePath), Duration.ofSeconds(60));
            if (r.exitStatus() != 0) {
                throw new ConnectionError("cannot read " + remotePath + " on " + describe() + ": " + r.stderr().strip());
            }
            Files.writeString(local, r.stdout());
        } catch (IOException e) {
            throw new ConnectionError("cannot copy " + remotePath + " to " + local + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionError("interrupted while copying " + remotePath);
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

    private record LocalProcess(Process process) implements RemoteProcess {
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
