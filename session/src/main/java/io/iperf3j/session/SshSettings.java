package io.iperf3j.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how an {@link SshConnection} logs in. A plan's SSH host gets these from
 * {@link PlanFile}, which fills what the plan leaves out as OpenSSH's {@code ssh} would
 * ({@code ~/.ssh/config}, {@code SSH_AUTH_SOCK}, the default identities, {@code ~/.ssh/known_hosts}:
 * see {@code io.iperf3j.session.internal.connect.OpenSshDefaults}). Keys are offered in OpenSSH's order:
 * the agent's first, then the identity files, then the password.
 *
 * @param host host name or address of sshd
 * @param port sshd's port
 * @param user login name
 * @param identities private key files (OpenSSH or PEM format, ed25519, ecdsa or rsa)
 * @param passphrase the passphrase of encrypted identities; empty: encrypted ones are skipped
 * @param agent the ssh-agent socket ({@code SSH_AUTH_SOCK}) whose keys are offered first; empty for none
 * @param password a password to try when no key is accepted; empty for keys only
 * @param knownHosts the {@code known_hosts} file checked (and written with {@link SshSettings.HostKeyPolicy#ACCEPT_NEW})
 * @param hostKeyPolicy what to do with a host not in {@code knownHosts}
 * @param proxyJump the hops to go through first ({@code user@host:port} each, OpenSSH's ProxyJump), in order
 * @param connectTimeout the TCP connect and key exchange deadline
 * @param authTimeout the authentication deadline
 * @param wrapper what is put around every command
 */
public record SshSettings(String host, int port, String user, List<Path> identities, Optional<String> passphrase,
        Optional<Path> agent, Optional<String> password, Path knownHosts, SshSettings.HostKeyPolicy hostKeyPolicy,
        List<String> proxyJump, Duration connectTimeout, Duration authTimeout, Connection.Wrapper wrapper) {
    /** Default connect and authentication deadline (the seed's login timeout). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Most hops in a {@code proxyJump} (OpenSSH has no limit; a loop in a config must end somewhere). */
    public static final int MAX_JUMPS = 8;

    /** Checks the values. */
    public SshSettings {
        Objects.requireNonNull(host, "host");
        PlanValue.ADDRESS.require("ssh host", host);
        checkPort(port);
        Objects.requireNonNull(user, "user");
        PlanValue.USER.require("ssh user", user);
        identities = List.copyOf(identities);
        for (Path identity : identities) {
            PlanValue.TEXT.require("ssh identity", identity.toString());
        }
        Objects.requireNonNull(passphrase, "passphrase");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        PlanValue.TEXT.require("ssh known_hosts", knownHosts.toString());
        proxyJump = List.copyOf(proxyJump);
        PlanValue.TEXT.requireEach("ssh ProxyJump", proxyJump);
        if (proxyJump.size() > MAX_JUMPS) {
            throw new IllegalArgumentException("ssh to " + host + ": more than " + MAX_JUMPS + " ProxyJump hops " + proxyJump);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || authTimeout.isNegative() || authTimeout.isZero()) {
            throw new IllegalArgumentException("ssh timeouts must be positive");
        }
        Objects.requireNonNull(wrapper, "wrapper");
    }

    /** Identity files and/or a password, no agent, no passphrase, no jump (the settings before issue 26). */
    public SshSettings(String host, int port, String user, List<Path> identities, Optional<String> password,
            Path knownHosts, SshSettings.HostKeyPolicy hostKeyPolicy, Duration connectTimeout, Duration authTimeout,
            Connection.Wrapper wrapper) {
        this(host, port, user, identities, Optional.empty(), Optional.empty(), password, knownHosts, hostKeyPolicy,
                List.of(), connectTimeout, authTimeout, wrapper);
    }

    /** Fails unless {@code port} is in 1..65535. */
    public static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("ssh port " + port + " is not in 1..65535");
        }
        return port;
    }

    /**
     * Key login with the defaults: port 22, {@code ~/.ssh/known_hosts} (the JVM's {@code user.home}),
     * strict host keys, 5 s deadlines.
     */
    public static SshSettings withKey(String host, String user, Path identity) {
        return new SshSettings(host, 22, user, List.of(identity), Optional.empty(),
                Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"), SshSettings.HostKeyPolicy.STRICT,
                DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, Connection.Wrapper.NONE);
    }

    /** A copy with another port. */
    public SshSettings withPort(int newPort) {
        return new SshSettings(host, newPort, user, identities, passphrase, agent, password, knownHosts, hostKeyPolicy,
                proxyJump, connectTimeout, authTimeout, wrapper);
    }

    /** A copy with another known_hosts file and policy. */
    public SshSettings withKnownHosts(Path file, SshSettings.HostKeyPolicy policy) {
        return new SshSettings(host, port, user, identities, passphrase, agent, password, file, policy, proxyJump,
                connectTimeout, authTimeout, wrapper);
    }

    /** A copy with other deadlines. */
    public SshSettings withTimeouts(Duration connect, Duration auth) {
        return new SshSettings(host, port, user, identities, passphrase, agent, password, knownHosts, hostKeyPolicy,
                proxyJump, connect, auth, wrapper);
    }

    /** A copy with a wrapper. */
    public SshSettings withWrapper(Connection.Wrapper newWrapper) {
        return new SshSettings(host, port, user, identities, passphrase, agent, password, knownHosts, hostKeyPolicy,
                proxyJump, connectTimeout, authTimeout, newWrapper);
    }

    /** A copy that offers the keys of the ssh-agent at this socket first. */
    public SshSettings withAgent(Path socket) {
        return new SshSettings(host, port, user, identities, passphrase, Optional.of(socket), password, knownHosts,
                hostKeyPolicy, proxyJump, connectTimeout, authTimeout, wrapper);
    }

    /** A copy that decrypts encrypted identities with this passphrase. */
    public SshSettings withPassphrase(String newPassphrase) {
        return new SshSettings(host, port, user, identities, Optional.of(newPassphrase), agent, password, knownHosts,
                hostKeyPolicy, proxyJump, connectTimeout, authTimeout, wrapper);
    }

    /**
     * The key sources in the order they are offered, for {@code --dry-run} and login errors:
     * "agent SOCKET", each identity file (marked when it is missing), "password".
     */
    public List<String> keySources() {
        List<String> sources = new ArrayList<>();
        agent.ifPresent(a -> sources.add("agent " + a));
        for (Path p : identities) {
            sources.add(p + (java.nio.file.Files.isReadable(p) ? "" : " (missing)")
                    + (passphrase.isPresent() ? " (passphrase given)" : ""));
        }
        password.ifPresent(p -> sources.add("password"));
        return sources;
    }

    @Override
    public String toString() {
        // neither the password nor the passphrase is ever printed
        return "SshSettings[" + user + "@" + host + ":" + port + (proxyJump.isEmpty() ? "" : " via " + proxyJump)
                + ", identities=" + identities + ", passphrase=" + (passphrase.isPresent() ? "set" : "none")
                + ", agent=" + agent.map(Path::toString).orElse("none") + ", password="
                + (password.isPresent() ? "set" : "none") + ", knownHosts=" + knownHosts + ", " + hostKeyPolicy + "]";
    }

    /** What an SSH connection does with a host key that is not in {@code known_hosts}. */
    public enum HostKeyPolicy {
        /** Refuse hosts not already in {@code known_hosts} (the default). */
        STRICT,
        /** Trust a host seen for the first time and add its key to {@code known_hosts} (OpenSSH's {@code accept-new}). A changed key is still refused. */
        ACCEPT_NEW
    }
}
