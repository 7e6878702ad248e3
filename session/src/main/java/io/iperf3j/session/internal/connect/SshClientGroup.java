package io.iperf3j.session.internal.connect;

import io.iperf3j.session.SshSettings;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;

/**
 * The one MINA {@link SshClient} that the SSH connections of a plan share, so that the controller's
 * threads do not grow with its hosts: one client is one NIO group ({@code availableProcessors + 1}
 * threads) and one timer, whatever the number of sessions on it. Before, each connection had a client of
 * its own: about 5 threads a host, 306 at 48 hosts.
 *
 * <p>What differs between hosts (the known_hosts file and its policy, the identity files and their
 * passphrase, the agent's socket) is not the client's: each login carries its {@link Login} in the
 * connection's context ({@link SshClient#connect(org.apache.sshd.client.config.hosts.HostConfigEntry,
 * AttributeRepository, SocketAddress)}), which MINA hands to the session of the target and of every
 * ProxyJump hop; the client's verifier, key provider and agent factory look it up there. A session without
 * one (none is made here) is refused its host key and offered no keys. One {@link KnownHostsServerKeyVerifier}
 * per known_hosts file and policy, so that two hosts' first logins with {@code accept_new} do not write the
 * same file from two verifiers at once.
 *
 * <p>The client runs while a connection holds it ({@link #hold}, from its first login to its
 * {@link SshConnection#close()}), and is stopped when the last one lets go: nothing is left running
 * after a plan, and a group used again starts a new client. Thread-safe (one lock).
 */
public final class SshClientGroup {
    /** The context key of a login's own settings. */
    static final AttributeKey<Login> LOGIN = new AttributeKey<>();

    /**
     * What a login needs of its own: its host-key verifier, its identity files, its agent, and whether something waits on
     * its host now ({@link SshConnection#waitedOn}: the pace of its sessions' heartbeats, ProxyJump hops' too).
     */
    record Login(ServerKeyVerifier verifier, IdentityFiles identities, Optional<SshAgentFactory> agent,
            java.util.function.BooleanSupplier waitedOn) {
        /** The context that carries it to the sessions MINA makes for it. */
        AttributeRepository context() {
            return AttributeRepository.ofKeyValuePair(LOGIN, this);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, ServerKeyVerifier> verifiers = new HashMap<>();
    private SshClient client;
    private int holders;
    private int started;

    /** A group with no client yet (one starts at the first {@link #hold}). */
    public SshClientGroup() {
    }

    /**
     * A login's own settings: the verifier of its known_hosts file (shared with the group's other logins of
     * the same file and policy), its identity files, its agent; {@code waitedOn} says when something waits on its host.
     */
    Login login(SshSettings settings, java.util.function.BooleanSupplier waitedOn) {
        return new Login(verifier(settings.knownHosts(), settings.hostKeyPolicy()),
                new IdentityFiles(settings.identities(), settings.passphrase()),
                settings.agent().map(UnixSocketAgent::new), waitedOn);
    }

    private ServerKeyVerifier verifier(Path knownHosts, SshSettings.HostKeyPolicy policy) {
        lock.lock();
        try {
            return verifiers.computeIfAbsent(policy + "\0" + knownHosts.toAbsolutePath().normalize(),
                    k -> new KnownHostsServerKeyVerifier(policy == SshSettings.HostKeyPolicy.ACCEPT_NEW
                            ? AcceptAllServerKeyVerifier.INSTANCE : RejectAllServerKeyVerifier.INSTANCE, knownHosts));
        } finally {
            lock.unlock();
        }
    }

    /** The running client, started if none runs; the caller holds it until {@link #letGo}. */
    SshClient hold() {
        lock.lock();
        try {
            if (client == null) {
                client = newClient();
                started++;
            }
            holders++;
            return client;
        } finally {
            lock.unlock();
        }
    }

    /** One holder less; the last one stops the client. */
    void letGo() {
        lock.lock();
        try {
            if (holders == 0) {
                throw new IllegalStateException("the SSH client group is not held");
            }
            if (--holders == 0) {
                client.stop();
                client = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether a client runs. */
    public boolean running() {
        lock.lock();
        try {
            return client != null;
        } finally {
            lock.unlock();
        }
    }

    /** How many clients this group has started (one for a whole plan; one more each time it was used again after all let go). */
    public int clientsStarted() {
        lock.lock();
        try {
            return started;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection service of each session, with OpenSSH's {@code ServerAliveInterval} rule: a heartbeat goes only when
     * nothing came from the server for a whole {@link #HEARTBEAT}. MINA's own sends one every interval whatever came, so
     * that a busy host answered a heartbeat a second on top of its agent's lines: a request and its reply through the
     * controller's threads and the host's sshd, some four a test at 96 hosts (issue 69). Whatever the server sends
     * answers as well as a reply would: it is alive. A host that falls silent gets its heartbeats as before, from the
     * next interval on, and is lost after {@link #HEARTBEAT_MISSES} of them without a reply.
     *
     * <p>And only while something waits on the host ({@link Login#waitedOn}: a test holds it, a reply or a command's
     * channel is awaited); an idle host gets one every {@link #IDLE_HEARTBEAT}. Every silent second of every idle host
     * was a heartbeat before: 200 a second for a 200-host fleet between its runs, 4.7 a test of a rotating mesh whose
     * hosts are idle two thirds of its period (stop 82). A host that falls silent while idle is found at its next use,
     * in the same {@link #HEARTBEAT_MISSES} seconds as under a test (the use waits on it), or by the idle heartbeats.
     */
    static final class HeardConnectionServiceFactory extends org.apache.sshd.client.session.ClientConnectionServiceFactory {
        @Override
        public org.apache.sshd.common.Service create(Session session) throws java.io.IOException {
            if (!(session instanceof org.apache.sshd.client.session.AbstractClientSession s)) {
                throw new IllegalArgumentException("not a client session: " + session);
            }
            HeardConnectionService service = new HeardConnectionService(s);
            service.addPortForwardingEventListenerManager(this);
            return service;
        }
    }

    /** {@link HeardConnectionServiceFactory}'s service: the time its server was last heard from, and the rule. */
    static final class HeardConnectionService extends org.apache.sshd.client.session.ClientConnectionService {
        /** {@link System#nanoTime()} of the last message from the server (its channels' data, windows, opens, closes). */
        private volatile long heard = System.nanoTime();

        HeardConnectionService(org.apache.sshd.client.session.AbstractClientSession session)
                throws org.apache.sshd.common.SshException {
            super(session);
        }

        @Override
        public void process(int cmd, org.apache.sshd.common.util.buffer.Buffer buffer) throws Exception {
            heard = System.nanoTime();
            super.process(cmd, buffer);
        }

        /** {@link System#nanoTime()} of the last heartbeat this side sent; {@link #heard}'s start at first. */
        private volatile long beat = heard;

        @Override
        protected boolean sendHeartBeat() {
            long now = System.nanoTime();
            if (!beatDue(now, heard, beat, waitedOn(), heartbeatInterval)) {
                return false;
            }
            beat = now;
            return super.sendHeartBeat();
        }

        /** Whether something waits on the host: its login's word (a session without one: yes, as before there was one). */
        private boolean waitedOn() {
            return loginOf(getClientSession()).map(l -> l.waitedOn().getAsBoolean()).orElse(true);
        }

        /** How many heartbeats this session has sent. */
        long heartbeats() {
            return heartbeatCount.get();
        }
    }

    /**
     * Whether a heartbeat is due at {@code now} ({@link System#nanoTime()}): never when the server was heard from within
     * {@code interval} (it is alive); else at every {@code interval} while something waits on the host, and otherwise when
     * the last one went {@link #IDLE_HEARTBEAT} or more before.
     */
    static boolean beatDue(long now, long heard, long lastBeat, boolean waitedOn, Duration interval) {
        if (now - heard < interval.toNanos()) {
            return false;
        }
        return waitedOn || now - lastBeat >= IDLE_HEARTBEAT.toNanos();
    }

    /** How often a session asks its server for a reply (a global request OpenSSH's sshd answers at once). */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /**
     * How often a session asks its server for a reply while nothing waits on the host: OpenSSH users' usual
     * {@code ServerAliveInterval}, well within MINA's idle timeout (10 minutes, which a reply resets) and a NAT's.
     */
    static final Duration IDLE_HEARTBEAT = Duration.ofSeconds(60);
    /** Heartbeats in a row without a reply after which the session is closed as lost: the host does not answer. */
    static final int HEARTBEAT_MISSES = 4;
    /**
     * The bytes a session reads from its socket at a time, into a buffer it keeps as long as it lives: MINA's default is 32
     * KiB, 3 MiB of a 96-host controller's 20 MiB live heap and 6 MiB at 200 hosts (issue 69). A session's packets are the
     * agents' short lines and small copies; a larger packet is read in more steps, into the decoder's buffer as before.
     */
    static final int READ_BUFFER = 8 * 1024;

    /**
     * A client that reads nothing on its own: no {@code ~/.ssh/config} (an empty resolver: jump hops come
     * resolved in the settings), no default identities; each session's verifier, keys and agent from its
     * {@link Login}.
     */
    static SshClient newClient() {
        SshClient c = SshClient.setUpDefaultClient();
        org.apache.sshd.core.CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(c, READ_BUFFER);
        // MINA's defaults, set here so that a session's every read and write finds them in the client's properties: one
        // not set is looked for in the system properties under a name made for each look, 2 % of a 48-host controller's
        // samples (JFR, issue 69)
        org.apache.sshd.core.CoreModuleProperties.NIO2_READ_TIMEOUT.set(c, Duration.ZERO);
        org.apache.sshd.core.CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.set(c, Duration.ofSeconds(30));
        // OpenSSH's ServerAliveInterval/ServerAliveCountMax: a host whose link went down (no RST, no answer) is found
        // within HEARTBEAT_MISSES intervals, not at a channel open's timeout one step after another (issue 66)
        org.apache.sshd.core.CoreModuleProperties.HEARTBEAT_INTERVAL.set(c, HEARTBEAT);
        org.apache.sshd.core.CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(c, HEARTBEAT_MISSES);
        c.setServiceFactories(List.of(org.apache.sshd.client.session.ClientUserAuthServiceFactory.INSTANCE,
                new HeardConnectionServiceFactory()));
        c.setServerKeyVerifier(SshClientGroup::verify);
        c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        c.setKeyIdentityProvider(new SessionKeys());
        c.setAgentFactory(new SessionAgents());
        c.start();
        return c;
    }

    private static Optional<Login> loginOf(SessionContext session) {
        if (session instanceof ClientSession s && s.getConnectionContext() != null) {
            return Optional.ofNullable(s.getConnectionContext().getAttribute(LOGIN));
        }
        return Optional.empty();
    }

    private static boolean verify(ClientSession session, SocketAddress remote, PublicKey key) {
        return loginOf(session).map(l -> l.verifier().verifyServerKey(session, remote, key)).orElse(false);
    }

    /** The identity files of each session's login. */
    private static final class SessionKeys implements KeyIdentityProvider {
        @Override
        public Iterable<KeyPair> loadKeys(SessionContext session) {
            return loginOf(session).map(l -> l.identities().loadKeys(session)).orElse(List.of());
        }
    }

    /** The agent of each session's login, if it has one. */
    private static final class SessionAgents implements SshAgentFactory {
        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return List.of();
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) throws java.io.IOException {
            Optional<SshAgentFactory> agent = session instanceof ClientSession s ? loginOf(s).flatMap(Login::agent)
                    : Optional.empty();
            return agent.isPresent() ? agent.get().createClient(session, manager) : null;
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            throw new UnsupportedOperationException("agent forwarding is not offered");
        }
    }
}
