package io.iperf3j.session;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how an {@link SshConnection} logs in.
 *
 * @param host host name or address of sshd
 * @param port sshd's port
 * @param user login name
 * @param identities private key files (OpenSSH or PEM format, no passphrase)
 * @param password a password to try when no key is accepted; empty for keys only
 * @param knownHosts the {@code known_hosts} file checked (and written with {@link HostKeyPolicy#ACCEPT_NEW})
 * @param hostKeyPolicy what to do with a host not in {@code knownHosts}
 * @param connectTimeout the TCP connect and key exchange deadline
 * @param authTimeout the authentication deadline
 * @param wrapper what is put around every command
 */
public record SshSettings(String host, int port, String user, List<Path> identities, Optional<String> password,
        Path knownHosts, HostKeyPolicy hostKeyPolicy, Duration connectTimeout, Duration authTimeout,
        CommandWrapper wrapper) {
    /** Default connect and authentication deadline (the seed's login timeout). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** Checks the values. */
    public SshSettings {
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("ssh port " + port + " is not in 1..65535");
        }
        Objects.requireNonNull(user, "user");
        identities = List.copyOf(identities);
        Objects.requireNonNull(password, "password");
        if (identities.isEmpty() && password.isEmpty()) {
            throw new IllegalArgumentException("ssh to " + host + ": give an identity file or a password");
        }
        Objects.requireNonNull(knownHosts, "knownHosts");
        Objects.requireNonNull(hostKeyPolicy, "hostKeyPolicy");
        if (connectTimeout.isNegative() || connectTimeout.isZero() || authTimeout.isNegative() || authTimeout.isZero()) {
            throw new IllegalArgumentException("ssh timeouts must be positive");
        }
        Objects.requireNonNull(wrapper, "wrapper");
    }

    /** Key login with the defaults: port 22, {@code ~/.ssh/known_hosts}, strict host keys, 5 s deadlines. */
    public static SshSettings withKey(String host, String user, Path identity) {
        return new SshSettings(host, 22, user, List.of(identity), Optional.empty(),
                Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"), HostKeyPolicy.STRICT,
                DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, CommandWrapper.NONE);
    }

    /** A copy with another port. */
    public SshSettings withPort(int newPort) {
        return new SshSettings(host, newPort, user, identities, password, knownHosts, hostKeyPolicy, connectTimeout,
                authTimeout, wrapper);
    }

    /** A copy with another known_hosts file and policy. */
    public SshSettings withKnownHosts(Path file, HostKeyPolicy policy) {
        return new SshSettings(host, port, user, identities, password, file, policy, connectTimeout, authTimeout,
                wrapper);
    }

    /** A copy with other deadlines. */
    public SshSettings withTimeouts(Duration connect, Duration auth) {
        return new SshSettings(host, port, user, identities, password, knownHosts, hostKeyPolicy, connect, auth,
                wrapper);
    }

    /** A copy with a wrapper. */
    public SshSettings withWrapper(CommandWrapper newWrapper) {
        return new SshSettings(host, port, user, identities, password, knownHosts, hostKeyPolicy, connectTimeout,
                authTimeout, newWrapper);
    }

    @Override
    public String toString() {
        // the password is never printed
        return "SshSettings[" + user + "@" + host + ":" + port + ", identities=" + identities + ", password="
                + (password.isPresent() ? "set" : "none") + ", knownHosts=" + knownHosts + ", " + hostKeyPolicy + "]";
    }
}
