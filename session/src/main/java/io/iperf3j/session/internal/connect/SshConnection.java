package io.iperf3j.session.internal.connect;

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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.SshSettings;

/**
 * Runs commands on a host over SSH (Apache MINA SSHD client). One SSH session per
 * connection, opened on first use and reused for every command and file copy; logged into
 * again only when that session itself was lost (never for a refused or failed channel), the
 * reason said once ({@link #takeNotices()}). At most {@link #MAX_CHANNELS} channels are open at
 * once: a command or copy beyond that waits for one to close (a queue, not a failure). Every
 * channel is closed on both sides: this side sends its {@code SSH_MSG_CHANNEL_CLOSE} and waits
 * for the server's, so sshd frees its session (an immediate close, MINA's
 * {@code Channel.close()}, sends nothing and leaves it open on the server until
 * {@code MaxSessions} refuses new ones). Host keys are checked against {@code known_hosts}
 * ({@link SshSettings.HostKeyPolicy}; OpenSSH's hashed entries are understood). Keys are offered as
 * OpenSSH offers them: the ssh-agent's, then the identity files, then the password; the
 * ProxyJump hops, if any, are logged into with the same keys and known_hosts. Nothing is read
 * from the JVM's {@code user.home}: MINA's own {@code ~/.ssh/config} reading and default
 * identities are switched off, {@link SshSettings} says everything. The MINA client itself (its NIO
 * threads and timer) is the one the connections of a plan share ({@link SshClientGroup}); this connection's
 * keys, known_hosts and agent go with each of its logins. Thread-safe: {@link #lock()} guards the session and the
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
    /**
     * Channels open at once on one connection (commands, copies, kills). OpenSSH's default
     * {@code MaxSessions} is 10; a host in a plan needs at most two at once (a running client and
     * the kill that stops it; a server start, its wait-and-kill and its copy run one after the other).
     */
    public static final int MAX_CHANNELS = 3;
    /** How long a closing channel waits for the server's close before it is dropped on this side only. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private final Semaphore channels = new Semaphore(MAX_CHANNELS, true);
    /** The marks of {@link #waitOn} open now: while one is, or a command's channel, the session's heartbeats go every second. */
    private final java.util.concurrent.atomic.AtomicInteger waits = new java.util.concurrent.atomic.AtomicInteger();
    /** Why the current session ended, once it has (read when it is found closed). */
    private volatile LossListener loss;
    /**
     * Set when the login after a lost session failed: every later use fails with it, without trying again, until
     * {@link #close()} or {@link #forgetFailedLogin()}.
     */
    private ConnectionError relogFailed;
    /**
     * Set when the host stopped answering (issue 66: a link down, not a refusal): a connect or channel open that timed out, or a
     * session closed because its heartbeats got no reply. Every use within {@link #NO_ANSWER_RETRY} of it fails at once with
     * it, so a dead host costs a test a moment, not its timeouts one after another; the first use after tries again. Cleared
     * by a login.
     */
    private NoAnswer noAnswer;

    /** When and why the host stopped answering. */
    private record NoAnswer(java.time.Instant at, String why) {
    }

    /** How long a host that stopped answering is not tried again: its uses in the meantime fail at once. */
    public static final Duration NO_ANSWER_RETRY = Duration.ofSeconds(30);
    private final SshSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean sftpAbsent = new AtomicBoolean();
    private final java.util.Queue<String> notices = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final SshClientGroup group;
    /** The group's client while this connection holds it: from its first login to {@link #close()}. */
    private SshClient client;
    private SshClientGroup.Login login;
    private volatile ClientSession session;

    /** A connection that logs in on first use, on a client of its own. */
    public SshConnection(SshSettings settings) {
        this(settings, new SshClientGroup());
    }

    /** A connection that logs in on first use, on the client it shares with the rest of {@code group}. */
    public SshConnection(SshSettings settings, SshClientGroup group) {
        this.settings = settings;
        this.group = group;
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
                + settings.knownHosts() + " (" + (settings.hostKeyPolicy() == SshSettings.HostKeyPolicy.STRICT ? "strict" : "accept new")
                + ")";
    }

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public Connection.Wrapper wrapper() {
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

    /**
     * Lets the next use log in again after a failed login following a loss ({@code relogFailed}), rather than
     * fail at once: a scheduled session's new run of a test tries its hosts afresh, so a host that was down
     * comes back by itself. Does nothing to a live session.
     */
    public void forgetFailedLogin() {
        lock.lock();
        try {
            relogFailed = null;
        } finally {
            lock.unlock();
        }
    }

    private ClientSession session() throws ConnectionError {
        if (session != null && session.isOpen() && session.isAuthenticated()) {
            return session;
        }
        NoAnswer quiet = noAnswer;
        if (quiet != null) {
            java.time.Instant again = quiet.at().plus(NO_ANSWER_RETRY);
            if (java.time.Instant.now().isBefore(again)) {
                throw new ConnectionError(describe() + " does not answer: " + quiet.why() + " (at " + clock(quiet.at())
                        + "; tried again from " + clock(again) + ")");
            }
        }
        if (session != null && lostReason().contains(HEARTBEAT_LOST)) {
            // the link is down, not the server: a login now would only wait for its connect timeout
            String why = noReply() + " (" + lostReason() + ")";
            noAnswer = new NoAnswer(java.time.Instant.now(), why);
            closeSession();
            throw new ConnectionError("the ssh connection " + describe() + " was lost: " + why);
        }
        if (relogFailed != null) {
            throw new ConnectionError(relogFailed.getMessage(), relogFailed);
        }
        if (session != null) {
            // the one login again after a loss; if it fails, so does every later use (until close() or forgetFailedLogin())
            String lost = "the ssh connection " + describe() + " was lost (" + lostReason() + ")";
            notices.add(lost + "; logging in again");
            closeSession();
            try {
                return login();
            } catch (ConnectionError e) {
                relogFailed = new ConnectionError(lost + "; logging in again failed: " + e.getMessage(), e);
                throw relogFailed;
            }
        }
        return login();
    }

    /** Logs in: one new session, which this connection keeps. */
    private ClientSession login() throws ConnectionError {
        if (client == null) {
            client = group.hold();
        }
        if (login == null) {
            login = group.login(settings, this::waitedOn);
        }
        ClientSession s;
        try {
            s = client.connect(target(), login.context(), null).verify(settings.connectTimeout()).getSession();
        } catch (IOException e) {
            if (SshFailure.timedOut(e)) {
                noAnswer = new NoAnswer(java.time.Instant.now(), noReply() + " (" + SshFailure.connect(settings, e) + ")");
            }
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
        loss = new LossListener();
        s.addSessionListener(loss);
        session = s;
        noAnswer = null;
        return s;
    }

    /** MINA's words when a session's heartbeats went unanswered ({@link SshClientGroup#HEARTBEAT_MISSES}). */
    static final String HEARTBEAT_LOST = "heartbeat requests without reply";

    private String noReply() {
        return "no SSH reply within " + settings.connectTimeout().toSeconds() + " s";
    }

    private static String clock(java.time.Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneId.systemDefault()).format(at);
    }

    /**
     * Why the host does not answer ({@code no SSH reply within 5 s}), while it is taken not to: since a connect, a channel open
     * or the session's heartbeats timed out, until a login succeeds.
     */
    @Override
    public java.util.Optional<String> unanswered() {
        if (noAnswer != null) {
            return java.util.Optional.of(noReply());
        }
        // a session its heartbeats closed, not used since (its next use marks it): read without the lock, which a step
        // waiting on this host may hold
        ClientSession s = session;
        return s != null && !s.isOpen() && lostReason().contains(HEARTBEAT_LOST) ? java.util.Optional.of(noReply())
                : java.util.Optional.empty();
    }

    /**
     * A mark that something waits on the host ({@link Connection#waitOn}): the session's heartbeats go every
     * {@link SshClientGroup#HEARTBEAT} while one is open, as while a command's channel is; with none, every
     * {@link SshClientGroup#IDLE_HEARTBEAT}.
     */
    @Override
    public Connection.Waiting waitOn() {
        waits.incrementAndGet();
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) {
                waits.decrementAndGet();
            }
        };
    }

    /** Whether something waits on the host: a mark of {@link #waitOn} is open, or a command's channel (an SFTP one too). */
    boolean waitedOn() {
        return waits.get() > 0 || channels.availablePermits() < MAX_CHANNELS;
    }

    /** How many heartbeats the current session has sent (0 without one): what {@link #waitOn} paces. */
    public long heartbeatsSent() {
        ClientSession s = session;
        return s != null && s.getService(org.apache.sshd.common.session.ConnectionService.class)
                instanceof SshClientGroup.HeardConnectionService h ? h.heartbeats() : 0;
    }

    /** Records why one session ended: the first exception or disconnect message, else a plain close. */
    private static final class LossListener implements SessionListener {
        private final AtomicReference<String> reason = new AtomicReference<>();

        @Override
        public void sessionException(Session s, Throwable t) {
            reason.compareAndSet(null, SshConnection.reason(t));
        }

        @Override
        public void sessionDisconnect(Session s, int code, String message, String language, boolean initiator) {
            reason.compareAndSet(null, (initiator ? "disconnected: " : "the server disconnected: ") + message);
        }

        @Override
        public void sessionClosed(Session s) {
            reason.compareAndSet(null, "the connection closed");
        }
    }

    private String lostReason() {
        LossListener l = loss;
        String r = l == null ? null : l.reason.get();
        return r != null ? r : "closed";
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
        if (login != null && !login.identities().skipped().isEmpty()) {
            sources.add("skipped " + String.join("; ", login.identities().skipped()));
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
    public Connection.RemoteProcess start(String script) throws ConnectionError {
        return new SshProcess(openExec(script, true));
    }

    /** An exec channel outside the {@link #MAX_CHANNELS} bound (one per host agent; sshd's default allows 10 a login). */
    @Override
    public Connection.RemoteProcess startWithInput(String script) throws ConnectionError {
        return new SshProcess(openExec(script, false));
    }

    /**
     * An exec channel running {@code script} (wrapped as every command is), open, holding one of
     * the {@link #MAX_CHANNELS} slots until it is closed. A channel the server refuses (or that
     * does not open in time) is an error; the session is logged into again only if it was lost.
     */
    private ChannelExec openExec(String script, boolean counted) throws ConnectionError {
        if (counted) {
            takeSlot();
        }
        ChannelExec channel = null;
        lock.lock();
        try {
            ClientSession s = session();
            channel = s.createExecChannel(settings.wrapper().commandLine(script));
            if (counted) {
                channel.addCloseFutureListener(f -> channels.release());
            }
            channel.open().verify(settings.connectTimeout());
            return channel;
        } catch (IOException | ConnectionError | RuntimeException e) {
            if (channel == null) {
                if (counted) {
                    channels.release();
                }
            } else {
                closeBothSides(channel);
            }
            if (e instanceof ConnectionError c) {
                throw c;
            }
            if (SshFailure.timedOut(e)) {
                // no answer to a channel open: the host (or the path to it) is gone, whatever the session believes
                String why = noReply() + " (a channel open)";
                noAnswer = new NoAnswer(java.time.Instant.now(), why);
                closeSession();
                throw new ConnectionError("cannot run a command over " + describe() + ": " + why, e);
            }
            throw new ConnectionError("cannot run a command over " + describe() + ": " + reason(e), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A {@code direct-streamlocal} channel to the UNIX socket {@code path} on the host (sshd connects it as the login user),
     * outside the {@link #MAX_CHANNELS} bound, as the host agent's channel is. sshd's refusals keep their words: "administratively
     * prohibited" where its {@code AllowStreamLocalForwarding} (or {@code DisableForwarding}) does not allow it, "open failed"
     * where nothing listens there.
     */
    @Override
    public Connection.HostSocket openSocket(String path, Duration timeout) throws ConnectionError {
        if (!settings.wrapper().prefix().isEmpty()) {
            throw new UnsupportedOperationException(describe() + ": the commands run behind a prefix, not on the host");
        }
        ChannelDirectStreamLocal channel = null;
        lock.lock();
        try {
            ClientSession s = session();
            channel = new ChannelDirectStreamLocal(path);
            s.getService(org.apache.sshd.common.session.ConnectionService.class).registerChannel(channel);
            channel.open().verify(timeout);
            ChannelDirectStreamLocal open = channel;
            return new Connection.HostSocket() {
                @Override
                public InputStream in() {
                    return open.getInvertedOut();
                }

                @Override
                public java.io.OutputStream out() {
                    return open.getInvertedIn();
                }

                @Override
                public void close() {
                    closeBothSides(open);
                }
            };
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close(true);
            }
            SshChannelOpenException refused = null;
            for (Throwable t = e; t != null && refused == null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof SshChannelOpenException o) {
                    refused = o;
                }
            }
            String why = refused != null ? refused.getMessage() + " (reason " + refused.getReasonCode() + ")" : reason(e);
            throw new ConnectionError("cannot open " + path + " on " + describe() + ": " + why, e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits for a free channel slot (threads queue in order); an interrupt is a {@link ConnectionError}. */
    private void takeSlot() throws ConnectionError {
        try {
            channels.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionError("interrupted while waiting for a channel on " + describe());
        }
    }

    /**
     * Closes {@code channel} on both sides: sends the close and waits up to {@link #CLOSE_WAIT} for
     * the server's; past that (a server that no longer answers) it is dropped on this side.
     */
    static void closeBothSides(Closeable channel) {
        try {
            if (channel.close(false).await(CLOSE_WAIT)) {
                return;
            }
        } catch (IOException e) {
            // interrupted or failed: dropped below
        }
        channel.close(true);
    }

    /** Why the channel of a command ended without an exit status: the connection was lost, or only the channel closed. */
    private String noStatus() {
        ClientSession s = session;
        if (s == null || !s.isOpen() || s.isClosing()) {
            return "the ssh connection " + describe() + " was lost (" + lostReason() + ")";
        }
        return "the ssh channel on " + describe() + " closed without an exit status";
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
        takeSlot();
        SftpClient client;
        try {
            client = SftpClientFactory.instance().createSftpClient(s);
        } catch (IOException | RuntimeException e) {
            channels.release();
            return noSftp(s, e);
        }
        client.getClientChannel().addCloseFutureListener(f -> channels.release());
        return Optional.of(client);
    }

    /** Empty when {@code e} says the host has no SFTP subsystem (said once); otherwise the error. */
    private Optional<SftpClient> noSftp(ClientSession s, Exception e) throws ConnectionError {
        if (!s.isOpen() || causedBy(e, SshChannelOpenException.class) || causedBy(e, TimeoutException.class)) {
            throw new ConnectionError("sftp to " + describe() + " failed: " + sftpReason(e), e);
        }
        if (sftpAbsent.compareAndSet(false, true)) {
            Throwable root = rootCause(e);
            notices.add("no SFTP subsystem on " + describe() + " (the server closed the sftp channel: "
                    + (root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName()) + "); files are copied over exec (cat) on this connection from now on");
        }
        return Optional.empty();
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
            throw new ConnectionError("sftp " + remotePath + " from " + describe() + " failed: " + sftpReason(e), e);
        }
        return true;
    }

    /**
     * What an SFTP failure was: the lost connection when the session is gone or going (MINA then says
     * "Write attempt on closing session"), as {@link #noStatus()} says it for a command; else its own error.
     */
    private String sftpReason(Exception e) {
        ClientSession s = session;
        if (s == null || !s.isOpen() || s.isClosing()) {
            return "the ssh connection " + describe() + " was lost (" + lostReason() + "; " + reason(e) + ")";
        }
        return reason(e);
    }

    /** {@code cat} over an exec channel: bytes as they come, at most {@link #MAX_FETCHED_BYTES}, a deadline by size. */
    private void fetchOverExec(String remotePath, Path local) throws ConnectionError {
        ChannelExec channel = openExec(ExecFileCopy.readCommand(remotePath), true);
        try {
            ExecFileCopy.fetch(channel, local, MAX_FETCHED_BYTES);
        } catch (IOException e) {
            throw new ConnectionError("cannot copy " + remotePath + " from " + describe() + " to " + local + " over exec: "
                    + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionError("interrupted while copying " + remotePath + " from " + describe());
        } finally {
            closeBothSides(channel);
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
        ChannelExec channel = openExec(ExecFileCopy.writeCommand(remotePath), true);
        try {
            ExecFileCopy.upload(local, channel, timeout);
        } catch (IOException e) {
            throw new ConnectionError("cannot copy " + local + " to " + describe() + ":" + remotePath + " over exec: "
                    + reason(e), e);
        } finally {
            closeBothSides(channel);
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
            relogFailed = null;
            if (client != null) {
                client = null;
                group.letGo();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A command on an exec channel; closing it closes the channel on both sides. */
    private final class SshProcess implements Connection.RemoteProcess {
        private final ChannelExec channel;

        SshProcess(ChannelExec channel) {
            this.channel = channel;
        }

        @Override
        public InputStream stdout() {
            return channel.getInvertedOut();
        }

        @Override
        public java.io.OutputStream stdin() {
            return channel.getInvertedIn();
        }

        @Override
        public InputStream stderr() {
            return channel.getInvertedErr();
        }

        /**
         * The exit status; a command killed by a signal (sshd sends {@code exit-signal}) gives 128 + its
         * number. A channel that closed with neither is not an exit: a {@link ConnectionError} saying
         * whether the connection was lost.
         */
        @Override
        public OptionalInt waitFor(Duration timeout) throws ConnectionError {
            Set<ClientChannelEvent> events = channel.waitFor(
                    EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS), timeout);
            Integer status = channel.getExitStatus();
            if (status != null) {
                return OptionalInt.of(status);
            }
            if (events.contains(ClientChannelEvent.CLOSED)) {
                String signal = channel.getExitSignal();
                if (signal != null) {
                    return OptionalInt.of(128 + signalNumber(signal));
                }
                throw new ConnectionError(noStatus());
            }
            return OptionalInt.empty();
        }

        @Override
        public void close() {
            closeBothSides(channel);
        }
    }

    /** The number of a signal sshd names in {@code exit-signal} (TERM when it is not one of these). */
    private static int signalNumber(String name) {
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "QUIT" -> 3;
            case "ABRT" -> 6;
            case "KILL" -> 9;
            case "SEGV" -> 11;
            case "PIPE" -> 13;
            case "ALRM" -> 14;
            default -> 15;
        };
    }
}
