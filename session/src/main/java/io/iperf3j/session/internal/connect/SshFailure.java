package io.iperf3j.session.internal.connect;

import io.iperf3j.session.SshSettings;
import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;

/**
 * Why an SSH connection or login failed, in OpenSSH's words and with the fix, never in the SSH
 * library's (no {@code DefaultConnectFuture[...]}, no exception class names):
 * <ul>
 * <li>{@link #connect}: {@code connect to host 10.0.0.3 port 22: Connection refused}, as
 *     {@code ssh} says it ({@code Connection timed out}, {@code No route to host},
 *     {@code Could not resolve hostname ...});
 * <li>{@link #hostKey}: the host's key is not in the known_hosts file that was read (which one, and
 *     the {@code ssh-keyscan} line or {@code accept_new_host_keys: true} that fixes it), or that file
 *     holds another key for it (a reinstalled host, or another host on that address:
 *     {@code ssh-keygen -R}).
 * </ul>
 * Pure apart from reading the known_hosts file (at most {@link #MAX_KNOWN_HOSTS_BYTES}) to tell the two
 * host-key cases apart; called on the thread whose login failed.
 */
public final class SshFailure {
    /** Largest known_hosts file read to explain a rejected host key. */
    public static final long MAX_KNOWN_HOSTS_BYTES = 1 << 20;

    private SshFailure() {
    }

    /** Whether {@code e} is the host key check failing (MINA's "Server key did not validate"). */
    public static boolean isHostKeyRejected(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SshException s && s.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_HOST_KEY_NOT_VERIFIABLE
                    || "Server key did not validate".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e} is a wait that ran out (a connect, a key exchange, a channel open): no answer, not a refusal. */
    public static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException
                    || (t.getMessage() != null && t.getMessage().contains("timeout"))) {
                return true;
            }
        }
        return false;
    }

    /** A failed TCP connect (or key exchange) to sshd, as OpenSSH's {@code ssh} words it. */
    public static String connect(SshSettings settings, Throwable e) {
        String where = "connect to host " + settings.host() + " port " + settings.port() + ": ";
        Throwable root = e;
        boolean timedOut = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            timedOut |= t instanceof TimeoutException || (t.getMessage() != null && t.getMessage().contains("timeout"));
        }
        if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
            return "Could not resolve hostname " + settings.host() + ": Name or service not known";
        }
        if (timedOut) {
            return where + "Connection timed out (no answer within " + settings.connectTimeout().toMillis() / 1000.0
                    + " s: connect_timeout)";
        }
        String message = root.getMessage() == null || root.getMessage().isBlank() ? "failed" : root.getMessage();
        return where + message;
    }

    /**
     * A host key that did not validate: which known_hosts file was read, and what to run. With
     * {@code accept_new_host_keys} (or {@code StrictHostKeyChecking accept-new}) only a changed key
     * is refused.
     */
    public static String hostKey(SshSettings settings) {
        Path file = settings.knownHosts();
        String host = settings.port() == 22 ? settings.host() : "[" + settings.host() + "]:" + settings.port();
        String via = settings.proxyJump().isEmpty() ? "" : " (or of a ProxyJump hop: " + String.join(",", settings.proxyJump()) + ")";
        Optional<Integer> line = entryLine(file, settings.host(), settings.port());
        if (line.isPresent() || settings.hostKeyPolicy() == SshSettings.HostKeyPolicy.ACCEPT_NEW) {
            return "Host key verification failed: the key " + host + via + " sent differs from the one " + file
                    + (line.isPresent() ? " holds for it (line " + line.get() + ")" : " holds for it")
                    + ". If the host was reinstalled, remove the old key: ssh-keygen -R '" + host + "' -f " + file
                    + " (then log in once, or set accept_new_host_keys: true)";
        }
        return "Host key verification failed: " + host + via + " is not in " + file
                + (Files.exists(file) ? "" : " (no such file)") + ". Add its key (and check its fingerprint): ssh-keyscan"
                + (settings.port() == 22 ? "" : " -p " + settings.port()) + " " + settings.host() + " >> " + file
                + ", or set accept_new_host_keys: true in the host's connection to trust it on first use";
    }

    /** The 1-based line of {@code file}'s first entry for {@code host:port} (hashed or not), if it has one. */
    private static Optional<Integer> entryLine(Path file, String host, int port) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_KNOWN_HOSTS_BYTES) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(l);
                if (entry != null && entry.isHostMatch(host, port)) {
                    return Optional.of(i + 1);
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or a line MINA cannot parse: the message goes without the line
        }
    }
}
