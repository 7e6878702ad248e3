package io.iperf3j.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import io.iperf3j.session.internal.ExecFileCopy;
import io.iperf3j.session.internal.IdentityFiles;
import io.iperf3j.session.internal.SshFailure;
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
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
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
 *
 * <p>Files are copied over SFTP. A host whose sshd has no SFTP subsystem (dropbear, BusyBox,
 * embedded and Android hosts) closes the SFTP channel as soon as it is asked for; from then on this
 * connection copies over exec ({@link ExecFileCopy}: {@code cat}), says so once
 * ({@link #takeNotices()}) and does not ask for SFTP again.
 */
public final class SshConnection implements Connection {
    /** Largest file {@link #fetch} or {@link #take} copies, over SFTP or exec: the largest file a report reads. */
    public static final long MAX_FETCHED_BYTES = 1L << 30;
    private final SshSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean sftpAbsent = new AtomicBoolean();
    private final java.util.Queue<String> notices = new java.util.concurrent.ConcurrentLinkedQueue<>();
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
            throw new ConnectionError(SshFailure.isHostKeyRejected(e) ? "ssh login to " + describe() + " failed: "
                    + SshFailure.hostKey(settings) : "cannot connect to " + describe() + ": " + SshFailure.connect(settings, e), e);
        }
        try {
            settings.password().ifPresent(s::addPasswordIdentity);
            s.auth().verify(settings.authTimeout());
        } catch (IOException | RuntimeException e) {
            s.close(true);
            throw new ConnectionError("ssh login to " + describe() + " failed" + (SshFailure.isHostKeyRejected(e)
                    ? ": " + SshFailure.hostKey(settings) : " (tried: " + tried() + "): " + reason(e)), e);
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

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static String reason(Throwable e) {
        Throwable t = rootCause(e);
        String m = t.getMessage();
        String top = e.getMessage();
        if (t != e && m != null && top != null && !top.contains(m)) {
            return top + " (" + m + ")";
        }
        return top != null ? top : t.getClass().getSimpleName();
    }

    @Override
    public RemoteProcess start(String script) throws ConnectionError {
        return new SshProcess(openExec(script));
    }

    /** An exec channel running {@code script} (wrapped as every command is), open. */
    private ChannelExec openExec(String script) throws ConnectionError {
        lock.lock();
        try {
            ClientSession s = session();
            ChannelExec channel = s.createExecChannel(settings.wrapper().commandLine(script));
            channel.open().verify(settings.connectTimeout());
            return channel;
        } catch (IOException e) {
            closeSession();
            throw new ConnectionError("cannot run a command over " + describe() + ": " + reason(e), e);
        } finally {
            lock.unlock();
        }
    }

    /** Over SFTP; over exec ({@code cat}) behind a prefix or on a host without SFTP. At most {@link #MAX_FETCHED_BYTES}. */
    @Override
    public void fetch(String remotePath, Path local) throws ConnectionError {
        if (!settings.wrapper().prefix().isEmpty() || sftpAbsent.get()) {
            fetchOverExec(remotePath, local);
            return;
        }
        if (!sftpRead(remotePath, local, false)) {
            fetchOverExec(remotePath, local);
        }
    }

    /** Over SFTP: the copy and the removal on one SFTP channel, no shell; over exec: copy, then {@code rm}. */
    @Override
    public void take(String remotePath, Path local) throws ConnectionError, InterruptedException {
        if (!settings.wrapper().prefix().isEmpty() || sftpAbsent.get() || !sftpRead(remotePath, local, true)) {
            Connection.super.take(remotePath, local);
        }
    }

    /**
     * What this connection has to say once: that the host has no SFTP subsystem and files come over
     * exec. Each notice is returned by one call only.
     */
    @Override
    public List<String> takeNotices() {
        List<String> taken = new java.util.ArrayList<>();
        for (String n; (n = notices.poll()) != null; ) {
            taken.add(n);
        }
        return taken;
    }

    /** The session, logged in if it was not. */
    private ClientSession lockedSession() throws ConnectionError {
        lock.lock();
        try {
            return session();
        } finally {
            lock.unlock();
        }
    }

    /**
     * An SFTP client on {@code s}; empty when the host has no SFTP subsystem. That is a channel the
     * server closed right after opening it (OpenSSH without a {@code Subsystem sftp} line: MINA's
     * {@code SftpClient} then fails with {@code SshException "Channel is being closed"}, or with an
     * {@code EOFException "Channel closing"} / {@code "Closing while await init message"} beneath,
     * depending on timing) while the session stays open. A channel the server refuses to open
     * ({@code MaxSessions}: MINA's {@code SshChannelOpenException}, wrapped), one that does not open
     * in time, or a session that went down are errors, not a missing subsystem.
     */
    private Optional<SftpClient> sftp(ClientSession s) throws ConnectionError {
        try {
            return Optional.of(SftpClientFactory.instance().createSftpClient(s));
        } catch (IOException e) {
            if (!s.isOpen() || causedBy(e, SshChannelOpenException.class) || causedBy(e, TimeoutException.class)) {
                throw new ConnectionError("sftp to " + describe() + " failed: " + reason(e), e);
            }
            if (sftpAbsent.compareAndSet(false, true)) {
                Throwable root = rootCause(e);
                notices.add("no SFTP subsystem on " + describe() + " (the server closed the sftp channel: "
                        + (root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName()) + "); files are copied over exec (cat) on this connection from now on");
            }
            return Optional.empty();
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** Copies over SFTP, at most {@link #MAX_FETCHED_BYTES}; false (nothing copied) when the host has no SFTP subsystem. */
    private boolean sftpRead(String remotePath, Path local, boolean remove) throws ConnectionError {
        Optional<SftpClient> client = sftp(lockedSession());
        if (client.isEmpty()) {
            return false;
        }
        try (SftpClient sftp = client.get()) {
            try (InputStream in = sftp.read(remotePath)) {
                ExecFileCopy.copyAtMost(in, local, MAX_FETCHED_BYTES, new AtomicLong());
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
        return true;
    }

    /** {@code cat} over an exec channel: bytes as they come, at most {@link #MAX_FETCHED_BYTES}, a deadline by size. */
    private void fetchOverExec(String remotePath, Path local) throws ConnectionError {
        ChannelExec channel = openExec(ExecFileCopy.readCommand(remotePath));
        try (channel) {
            ExecFileCopy.fetch(channel, local, MAX_FETCHED_BYTES);
        } catch (IOException e) {
            throw new ConnectionError("cannot copy " + remotePath + " from " + describe() + " to " + local + " over exec: "
                    + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionError("interrupted while copying " + remotePath + " from " + describe());
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
        Optional<SftpClient> client = sftpAbsent.get() ? Optional.empty() : sftp(lockedSession());
        if (client.isEmpty()) {
            uploadOverExec(local, remotePath, timeout);
            return;
        }
        SftpClient sftp = client.get();
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

    /** {@code cat > FILE} over an exec channel, fed from {@code local}, within {@code timeout}. */
    private void uploadOverExec(Path local, String remotePath, Duration timeout) throws ConnectionError, InterruptedException {
        ChannelExec channel = openExec(ExecFileCopy.writeCommand(remotePath));
        try (channel) {
            ExecFileCopy.upload(local, channel, timeout);
        } catch (IOException e) {
            throw new ConnectionError("cannot copy " + local + " to " + describe() + ":" + remotePath + " over exec: "
                    + reason(e), e);
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
