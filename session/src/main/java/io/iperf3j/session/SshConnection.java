package io.iperf3j.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * Runs commands on a host over SSH (Apache MINA SSHD client). One SSH session per
 * connection, opened on first use and reused for every command and file copy, opened
 * again if it was lost. Host keys are checked against {@code known_hosts}
 * ({@link HostKeyPolicy}). Thread-safe: {@link #lock()} guards the session and the
 * opening of channels; the channels themselves are read by their callers' threads.
 */
public final class SshConnection implements Connection {
    private final SshSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private SshClient client;
    private ClientSession session;

    /** A connection that logs in on first use. */
    public SshConnection(SshSettings settings) {
        this.settings = settings;
    }

    /** Its settings. */
    public SshSettings settings() {
        return settings;
    }

    @Override
    public String describe() {
        return "ssh " + settings.user() + "@" + settings.host() + ":" + settings.port();
    }

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public CommandWrapper wrapper() {
        return settings.wrapper();
    }

    /** Logs in now (it would on first use anyway). */
    public void connect() throws ConnectionError {
        lock.lock();
        try {
            session();
        } finally {
            lock.unlock();
        }
    }

    private ClientSession session() throws ConnectionError {
        if (session != null && session.isOpen() && session.isAuthenticated()) {
            return session;
        }
        closeSession();
        if (client == null) {
            client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(
                    settings.hostKeyPolicy() == HostKeyPolicy.ACCEPT_NEW ? AcceptAllServerKeyVerifier.INSTANCE
                            : RejectAllServerKeyVerifier.INSTANCE,
                    settings.knownHosts()));
            client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            client.start();
        }
        ClientSession s;
        try {
            s = client.connect(settings.user(), settings.host(), settings.port())
                    .verify(settings.connectTimeout()).getSession();
        } catch (IOException e) {
            throw new ConnectionError("cannot connect to " + describe() + " within " + settings.connectTimeout() + ": "
                    + reason(e), e);
        }
        try {
            for (Path identity : settings.identities()) {
                for (KeyPair kp : new FileKeyPairProvider(identity).loadKeys(s)) {
                    s.addPublicKeyIdentity(kp);
                }
            }
            settings.password().ifPresent(s::addPasswordIdentity);
            s.auth().verify(settings.authTimeout());
        } catch (IOException | RuntimeException e) {
            s.close(true);
            throw new ConnectionError("ssh login to " + describe() + " failed ("
                    + (settings.identities().isEmpty() ? "password" : "key " + settings.identities()) + "): " + reason(e), e);
        }
        session = s;
        return s;
    }

    private static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        String top = e.getMessage();
        if (t != e && m != null && top != null && !top.contains(m)) {
            return top + " (" + m + ")";
        }
        return top != null ? top : t.getClass().getSimpleName();
    }

    @Override
    public RemoteProcess start(String script) throws ConnectionError {
        lock.lock();
        try {
            ClientSession s = session();
            ChannelExec channel = s.createExecChannel(settings.wrapper().commandLine(script));
            channel.open().verify(settings.connectTimeout());
            return new SshProcess(channel);
        } catch (IOException e) {
            closeSession();
            throw new ConnectionError("cannot run a command over " + describe() + ": " + reason(e), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void fetch(String remotePath, Path local) throws ConnectionError {
        if (!settings.wrapper().prefix().isEmpty()) {
            fetchWithCat(remotePath, local);
            return;
        }
        sftpRead(remotePath, local, false);
    }

    /** Over SFTP: the copy and the removal on one SFTP channel, no shell. */
    @Override
    public void take(String remotePath, Path local) throws ConnectionError, InterruptedException {
        if (!settings.wrapper().prefix().isEmpty()) {
            Connection.super.take(remotePath, local);
            return;
        }
        sftpRead(remotePath, local, true);
    }

    private void sftpRead(String remotePath, Path local, boolean remove) throws ConnectionError {
        ClientSession s;
        lock.lock();
        try {
            s = session();
        } finally {
            lock.unlock();
        }
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            try (InputStream in = sftp.read(remotePath)) {
                Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
            }
            if (remove) {
                try {
                    sftp.remove(remotePath);
                } catch (IOException e) {
                    // the copy is what counts; a file left behind is overwritten next time
                }
            }
        } catch (IOException e) {
            throw new ConnectionError("sftp " + remotePath + " from " + describe() + " failed: " + reason(e), e);
        }
    }

    /**
     * Copies over SFTP on the host's session. The copy runs on a virtual thread; past
     * {@code timeout} the SFTP channel is closed under it (which ends the copy with an
     * error) and the partial file stays for the caller to remove.
     */
    @Override
    public void upload(Path local, String remotePath, Duration timeout) throws ConnectionError, InterruptedException {
        if (!settings.wrapper().prefix().isEmpty()) {
            throw new ConnectionError("cannot copy " + local + " through the prefix " + settings.wrapper().prefix()
                    + " of " + describe() + " (SFTP would put it on the SSH host, not behind the prefix)");
        }
        ClientSession s;
        lock.lock();
        try {
            s = session();
        } finally {
            lock.unlock();
        }
        SftpClient sftp;
        try {
            sftp = SftpClientFactory.instance().createSftpClient(s);
        } catch (IOException e) {
            throw new ConnectionError("sftp to " + describe() + " failed: " + reason(e), e);
        }
        java.util.concurrent.atomic.AtomicReference<IOException> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (sftp) {
            Thread copy = Thread.ofVirtual().name("sftp-upload " + settings.host()).start(() -> {
                try (java.io.OutputStream out = sftp.write(remotePath)) {
                    Files.copy(local, out);
                } catch (IOException e) {
                    failure.set(e);
                }
            });
            if (!copy.join(timeout)) {
                sftp.close();
                copy.join(Duration.ofSeconds(10));
                throw new ConnectionError("sftp " + local + " to " + describe() + ":" + remotePath + " did not finish within "
                        + timeout);
            }
        } catch (IOException e) {
            // closing the SFTP channel failed: the copy's own outcome decides
            if (failure.get() == null) {
                failure.set(e);
            }
        }
        if (failure.get() != null) {
            throw new ConnectionError("sftp " + local + " to " + describe() + ":" + remotePath + " failed: "
                    + reason(failure.get()), failure.get());
        }
    }

    private void fetchWithCat(String remotePath, Path local) throws ConnectionError {
        try {
            CommandResult r = run("cat " + Shell.quote(remotePath), Duration.ofSeconds(60));
            if (r.exitStatus() != 0) {
                throw new ConnectionError("cannot read " + remotePath + " on " + describe() + ": " + r.stderr().strip());
            }
            Files.writeString(local, r.stdout());
        } catch (IOException e) {
            throw new ConnectionError("cannot write " + local + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionError("interrupted while copying " + remotePath);
        }
    }

    private void closeSession() {
        if (session != null) {
            session.close(true);
            session = null;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeSession();
            if (client != null) {
                client.stop();
                client = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private record SshProcess(ChannelExec channel) implements RemoteProcess {
        @Override
        public InputStream stdout() {
            return channel.getInvertedOut();
        }

        @Override
        public InputStream stderr() {
            return channel.getInvertedErr();
        }

        @Override
        public OptionalInt waitFor(Duration timeout) {
            Set<ClientChannelEvent> events = channel.waitFor(
                    EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), timeout);
            Integer status = channel.getExitStatus();
            if (status != null) {
                return OptionalInt.of(status);
            }
            if (events.contains(ClientChannelEvent.CLOSED)) {
                // closed without a status (e.g. killed by a signal): sshd sends exit-signal instead
                return OptionalInt.of(channel.getExitSignal() != null ? 128 + 15 : 255);
            }
            return OptionalInt.empty();
        }

        @Override
        public void close() {
            channel.close(true);
        }
    }
}
