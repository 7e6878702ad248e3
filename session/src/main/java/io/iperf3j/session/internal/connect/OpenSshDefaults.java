package io.iperf3j.session.internal.connect;

import io.iperf3j.session.Connection;
import io.iperf3j.session.SshSettings;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.sshd.client.config.hosts.HostConfigEntry;

/**
 * Fills what a plan's SSH host leaves out as OpenSSH's {@code ssh HOST} would, from the
 * {@link LoginEnvironment}: {@code ~/.ssh/config}, {@code SSH_AUTH_SOCK}, the default identities
 * and {@code ~/.ssh/known_hosts}. What the plan says wins over the config (as {@code ssh}'s
 * command line does); the config wins over the defaults. Per value:
 * <ul>
 * <li>address: the config's {@code HostName} for the plan's {@code host} (default: the host's
 *     address) as alias, else the alias itself;
 * <li>user: the plan's, the config's {@code User}, the local user name;
 * <li>port: the plan's, the config's {@code Port}, 22;
 * <li>keys, offered in this order: the agent's ({@code IdentityAgent}, else {@code SSH_AUTH_SOCK};
 *     {@code IdentityAgent none} for none), then the plan's {@code identity} files, else the
 *     config's {@code IdentityFile}s, else those of {@link #DEFAULT_IDENTITIES} that exist, then
 *     the password of {@code password_env};
 * <li>known_hosts: the plan's, the first file of the config's {@code UserKnownHostsFile},
 *     {@code ~/.ssh/known_hosts};
 * <li>host-key policy: the plan's {@code accept_new_host_keys}, the config's
 *     {@code StrictHostKeyChecking} ({@code yes} and {@code ask}: strict, as in batch mode;
 *     {@code accept-new}, {@code no}, {@code off}: accept new keys, a changed key is still
 *     refused), strict;
 * <li>ProxyJump: the config's, each hop resolved through the config in turn.
 * </ul>
 * The config is read with MINA SSHD's reader ({@link HostConfigEntry}: {@code Host} patterns with
 * {@code *}, {@code ?} and {@code !}, the first value of a key wins); {@code Match} and
 * {@code Include} blocks are not read. Why not MINA's own resolver
 * ({@code HostConfigEntry.toHostConfigEntryResolver}): it expands {@code ~} with the JVM's
 * {@code user.home} (a global), not the login's home. Limit: {@value #MAX_CONFIG_BYTES} bytes of
 * config.
 */
public final class OpenSshDefaults {
    /** Largest {@code ~/.ssh/config} read. */
    public static final long MAX_CONFIG_BYTES = 1 << 20;
    /** The identities tried when neither the plan nor the config names one, in this order, those that exist. */
    public static final List<String> DEFAULT_IDENTITIES = List.of("id_ed25519", "id_ecdsa", "id_rsa");
    private final LoginEnvironment environment;
    private final List<HostConfigEntry> entries;

    private OpenSshDefaults(LoginEnvironment environment, List<HostConfigEntry> entries) {
        this.environment = environment;
        this.entries = entries;
    }

    /** The login defaults of {@code environment}: its {@code ~/.ssh/config} read now, if there is one. */
    public static OpenSshDefaults read(LoginEnvironment environment) throws IOException {
        Path config = environment.sshDirectory().resolve("config");
        if (!Files.isRegularFile(config)) {
            return new OpenSshDefaults(environment, List.of());
        }
        if (Files.size(config) > MAX_CONFIG_BYTES) {
            throw new IOException(config + " is over " + MAX_CONFIG_BYTES + " bytes");
        }
        try {
            return new OpenSshDefaults(environment,
                    HostConfigEntry.readHostConfigEntries(new StringReader(Files.readString(config)), true));
        } catch (RuntimeException e) {
            throw new IOException(config + ": " + e.getMessage(), e);
        }
    }

    /**
     * What the plan says about one SSH host; empty values are filled from the config and the defaults.
     *
     * @param alias the plan's {@code host} (or the host's address): the name looked up in the config
     */
    public record Explicit(String alias, OptionalInt port, Optional<String> user, List<Path> identities,
            Optional<Path> knownHosts, Optional<SshSettings.HostKeyPolicy> hostKeyPolicy, Optional<String> password,
            Optional<String> passphrase, Duration connectTimeout, Duration authTimeout, Connection.Wrapper wrapper) {
    }

    /** The settings of one host: the plan's values, the rest from the config and the defaults. */
    public SshSettings settings(Explicit plan) {
        HostConfigEntry config = entry(plan.alias());
        String hostName = hostName(plan.alias(), config);
        int port = plan.port().orElse(config.getPort() > 0 ? config.getPort() : 22);
        String user = plan.user().orElse(nonEmpty(config.getUsername()).orElse(environment.localUser()));
        List<Path> identities = plan.identities().isEmpty() ? identities(config, hostName, port, user) : plan.identities();
        Path knownHosts = plan.knownHosts().orElseGet(() -> knownHosts(config, hostName, port, user));
        SshSettings.HostKeyPolicy policy = plan.hostKeyPolicy().orElseGet(() -> policy(config));
        return new SshSettings(hostName, port, user, identities, plan.passphrase(), agent(config), plan.password(),
                knownHosts, policy, proxyJump(config, plan.alias()), plan.connectTimeout(), plan.authTimeout(), plan.wrapper());
    }

    /** The config's values for {@code alias}, collated over every matching {@code Host} block in file order. */
    private HostConfigEntry entry(String alias) {
        HostConfigEntry collated = new HostConfigEntry(alias, null, 0, null);
        for (HostConfigEntry match : HostConfigEntry.findMatchingEntries(alias, entries)) {
            collated.collate(match);
        }
        return collated;
    }

    private static String hostName(String alias, HostConfigEntry config) {
        return nonEmpty(config.getHostName()).map(h -> h.replace("%h", alias)).orElse(alias);
    }

    private List<Path> identities(HostConfigEntry config, String hostName, int port, String user) {
        if (!config.getIdentities().isEmpty()) {
            List<Path> named = new ArrayList<>();
            for (String id : config.getIdentities()) {
                named.add(path(id, hostName, port, user));
            }
            return named;
        }
        return DEFAULT_IDENTITIES.stream().map(environment.sshDirectory()::resolve).filter(Files::isRegularFile).toList();
    }

    private Path knownHosts(HostConfigEntry config, String hostName, int port, String user) {
        Optional<String> files = nonEmpty(config.getProperty("UserKnownHostsFile"));
        if (files.isEmpty() || files.get().isBlank()) {
            return environment.sshDirectory().resolve("known_hosts");
        }
        return path(files.get().trim().split("[\\s,]+")[0], hostName, port, user);
    }

    private static SshSettings.HostKeyPolicy policy(HostConfigEntry config) {
        String value = config.getProperty("StrictHostKeyChecking", "ask").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "yes", "ask", "true" -> SshSettings.HostKeyPolicy.STRICT;
            case "accept-new", "no", "off", "false" -> SshSettings.HostKeyPolicy.ACCEPT_NEW;
            default -> throw new IllegalArgumentException("~/.ssh/config: StrictHostKeyChecking " + value
                    + " (yes, ask, accept-new, no, off)");
        };
    }

    /** {@code IdentityAgent} ({@code none}, {@code SSH_AUTH_SOCK}, {@code $VAR} or a path), else {@code SSH_AUTH_SOCK}. */
    private Optional<Path> agent(HostConfigEntry config) {
        String value = nonEmpty(config.getProperty(HostConfigEntry.IDENTITY_AGENT)).orElse("SSH_AUTH_SOCK").trim();
        if (value.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        if (value.equals("SSH_AUTH_SOCK") || value.startsWith("$")) {
            return environment.variable(value.startsWith("$") ? value.substring(1) : value).filter(s -> !s.isBlank())
                    .map(Path::of);
        }
        return Optional.of(environment.expand(value));
    }

    /**
     * The config's {@code ProxyJump} for {@code alias} as {@code user@host:port} hops, each hop's
     * alias resolved through the config; a hop's own ProxyJump is not followed (one level).
     */
    private List<String> proxyJump(HostConfigEntry config, String alias) {
        Optional<String> jump = nonEmpty(config.getProxyJump());
        if (jump.isEmpty() || jump.get().equalsIgnoreCase("none")) {
            return List.of();
        }
        List<String> hops = new ArrayList<>();
        for (String hop : jump.get().split(",")) {
            hops.add(hop(hop.trim(), alias));
        }
        return hops;
    }

    private String hop(String hop, String alias) {
        String rest = hop.startsWith("ssh://") ? hop.substring(6) : hop;
        int at = rest.lastIndexOf('@');
        Optional<String> user = at < 0 ? Optional.empty() : Optional.of(rest.substring(0, at));
        rest = rest.substring(at + 1);
        int colon = rest.lastIndexOf(':');
        OptionalInt port = OptionalInt.empty();
        if (colon > 0 && rest.indexOf(':') == colon) {
            try {
                port = OptionalInt.of(SshSettings.checkPort(Integer.parseInt(rest.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("ProxyJump of " + alias + ": bad port in '" + hop + "'");
            }
            rest = rest.substring(0, colon);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("ProxyJump of " + alias + ": no host in '" + hop + "'");
        }
        HostConfigEntry config = entry(rest);
        return user.orElse(nonEmpty(config.getUsername()).orElse(environment.localUser())) + "@" + hostName(rest, config)
                + ":" + port.orElse(config.getPort() > 0 ? config.getPort() : 22);
    }

    /** A file name of the config: {@code ~}, and the tokens {@code %d %u %h %r %p %%} as OpenSSH expands them. */
    private Path path(String name, String hostName, int port, String user) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i == name.length()) {
                throw new IllegalArgumentException("~/.ssh/config: '" + name + "' ends in %");
            }
            out.append(switch (name.charAt(i)) {
                case 'd' -> environment.home().toString();
                case 'u' -> environment.localUser();
                case 'h' -> hostName;
                case 'r' -> user;
                case 'p' -> Integer.toString(port);
                case '%' -> "%";
                default -> throw new IllegalArgumentException("~/.ssh/config: '" + name + "': token %" + name.charAt(i)
                        + " is not one of %d %u %h %r %p %%");
            });
        }
        return environment.expand(out.toString());
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
