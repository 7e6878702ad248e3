package io.iperf3j.session.internal.connect;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an SSH login reads from the machine the session runs on, as OpenSSH's {@code ssh} does:
 * the home directory ({@code ~/.ssh/config}, the default identities, {@code ~/.ssh/known_hosts}),
 * the local user name (the login name when neither the plan nor the config gives one) and the
 * environment ({@code SSH_AUTH_SOCK}, {@code password_env}, {@code passphrase_env}). A value
 * rather than reads of {@code System.getenv} at each use, so that a test gives a temporary home
 * and agent socket without changing the process.
 *
 * @param home the home directory ({@code ~})
 * @param localUser the local user name
 * @param variables the environment
 */
public record LoginEnvironment(Path home, String localUser, Map<String, String> variables) {
    /** Checks the values. */
    public LoginEnvironment {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(localUser, "localUser");
        variables = Map.copyOf(variables);
    }

    /**
     * This process's: {@code $HOME} (else the JVM's {@code user.home}, which Java takes from the
     * password database), {@code user.name} and {@code System.getenv()}.
     */
    public static LoginEnvironment current() {
        String home = System.getenv("HOME");
        return new LoginEnvironment(Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home),
                System.getProperty("user.name"), System.getenv());
    }

    /** An environment variable, if set. */
    public Optional<String> variable(String name) {
        return Optional.ofNullable(variables.get(name));
    }

    /** {@code ~/.ssh}. */
    public Path sshDirectory() {
        return home.resolve(".ssh");
    }

    /** A path as OpenSSH reads one: a leading {@code ~/} (or {@code ~} alone) is the home, others as they are. */
    public Path expand(String path) {
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home.resolve(path.substring(2)) : Path.of(path);
    }
}
