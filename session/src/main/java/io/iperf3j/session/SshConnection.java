package io.iperf3j.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import io.iperf3j.session.internal.IdentityFiles;
import io.iperf3j.session.internal.UnixSocketAgent;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * Runs commands on a host over SSH (Apache MINA SSHD client). One SSH session per
 * connection, opened on first use and reused for every command and file copy, opened
 * again if it was lost. Host keys are checked against {@code known_hosts}
 * ({@link HostKeyPolicy}; OpenSSH's hashed entries are understood). Keys are offered as
 * OpenSSH offers them: the ssh-agent's, then the identity files, then the password; the
 * ProxyJump hops, if any, are logged into with the same keys and known_hosts. Nothing is read
 * from the JVM's {@code user.home}: MINA's own {@code ~/.ssh/config} reading and default
 * identities are switched off, {@link SshSettings} says everything. Thread-safe: {@link #lock()} guards the session and the
 * opening of channels; the channels themselves are read by their callers' threads.
 */
public final class SshConnection implements Connection {
    private final SshSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private SshClient client;
    private IdentityFiles identityFiles;
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
        return "ssh " + settings.user() + "@" + settings.host() + ":" + settings.port()
                + (settings.proxyJump().isEmpty() ? "" : " via " + String.join(",", settings.proxyJump()));
    }

    /**
     * How this connection logs in, for {@code --dry-run}: user, address:port, the ProxyJump hops,
     * the key sources in the order they are offered, the known_hosts file and the host-key policy.
     */
    public String loginPlan() {
        List<String> sources = settings.keySources();
        return "user " + settings.user() + ", address " + settings.host() + ":" + settings.port()
                + (settings.proxyJump().isEmpty() ? "" : ", via " + String.join(",", settings.proxyJump()))
                + ", keys: " + (sources.isEmpty() ? "none" : String.join(", ", sources)) + ", known_hosts "
                + settings.knownHosts() + " (" + (settings.hostKeyPolicy() == HostKeyPolicy.STRICT ? "strict" : "accept new")
                + ")";
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
            client = newClient();
        }
        ClientSession s;
        try {
            s = client.connect(target(), null, null).verify(settings.connectTimeout()).getSession();
        } catch (IOException e) {
            throw new ConnectionError("cannot connect to " + describe() + " within " + settings.connectTimeout() + ": "
                    + reason(e), e);
        }
        try {
            settings.password().ifPresent(s::addPasswordIdentity);
            s.auth().verify(settings.authTimeout());
        } catch (IOException | RuntimeException e) {
            s.close(true);
            throw new ConnectionError("ssh login to " + describe() + " failed (tried: " + tried() + "): " + reason(e), e);
        }
        session = s;
        return s;
    }

    /**
     * A client that reads nothing on its own: no {@code ~/.ssh/config} (an empty resolver: jump hops
     * come resolved in the settings), no default identities; the settings' keys for the target and
     * for every hop.
     */
    private SshClient newClient() {
        SshClient c = SshClient.setUpDefaultClient();
        c.setServerKeyVerifier(new KnownHostsServerKeyVerifier(
                settings.hostKeyPolicy() == HostKeyPolicy.ACCEPT_NEW ? AcceptAllServerKeyVerifier.INSTANCE
                        : RejectAllServerKeyVerifier.INSTANCE,
                settings.knownHosts()));
        c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        identityFiles = new IdentityFiles(settings.identities(), settings.passphrase());
        c.setKeyIdentityProvider(identityFiles);
        settings.agent().ifPresent(socket -> c.setAgentFactory(new UnixSocketAgent(socket)));
        c.start();
        return c;
    }

    /** The target as MINA's host entry: address, port, user and the ProxyJump hops. */
    private HostConfigEntry target() {
        HostConfigEntry target = new HostConfigEntry(settings.host(), settings.host(), settings.port(), settings.user(),
                settings.proxyJump().isEmpty() ? null : String.join(",", settings.proxyJump()));
        target.setIdentitiesOnly(false);
        return target;
    }

    /** The key sources of a failed login, with why any identity file was skipped. */
    private String tried() {
        List<String> sources = new java.util.ArrayList<>(settings.keySources());
        if (sources.isEmpty()) {
            return "nothing: no agent (SSH_AUTH_SOCK), no identity file, no password";
        }
        if (identityFiles != null && !identityFiles.skipped().isEmpty()) {
            sources.add("skipped " + String.join("; ", identityFiles.skipped()));
        }
        return String.join(", ", sources);
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
