package io.iperf3j.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A host taking part in tests: its id, the address of its test interface (what the
 * other side's client connects to), its role, how to reach it, and which iperf it runs.
 *
 * @param id a short name, unique in a session ({@code [A-Za-z0-9_.-]{1,64}}; it is used in file names)
 * @param address the test-interface address
 * @param role device under test or traffic PC
 * @param connection how commands reach the host
 * @param kind the iperf it runs by default
 * @param commands the command for each kind it can run (kinds missing use {@link IperfKind#defaultCommand()})
 * @param install the iperf3j runtime image to copy to the host and run iperf3j from, if any
 *        (then {@code commands} has no iperf3j entry, and the connection has no prefix: the
 *        image is copied over SFTP, which would land on the SSH host, not behind the prefix)
 */
public record Node(String id, String address, NodeRole role, Connection connection, IperfKind kind,
        Map<IperfKind, String> commands, Optional<ImageInstall> install) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** Checks the id and copies the command map. */
    public Node {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("node id '" + id + "' must match " + ID.pattern());
        }
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(kind, "kind");
        commands = commands.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(commands));
        Objects.requireNonNull(install, "install");
        if (install.isPresent() && commands.containsKey(IperfKind.IPERF3J)) {
            throw new IllegalArgumentException("node '" + id + "': give either an iperf3j command or an image to install, not both");
        }
        if (install.isPresent() && !connection.wrapper().prefix().isEmpty()) {
            throw new IllegalArgumentException("node '" + id + "': an image cannot be installed through the prefix "
                    + connection.wrapper().prefix() + " (it is copied over SFTP); install iperf3j on that device yourself");
        }
    }

    /** A node with no image to install. */
    public Node(String id, String address, NodeRole role, Connection connection, IperfKind kind,
            Map<IperfKind, String> commands) {
        this(id, address, role, connection, kind, commands, Optional.empty());
    }

    /** This node, running iperf3j from {@code image} copied to the host before its first iperf3j test. */
    public Node withInstall(ImageInstall image) {
        return new Node(id, address, role, connection, kind, commands, Optional.of(image));
    }

    /** A node running {@code kind} with its default command. */
    public static Node of(String id, String address, NodeRole role, Connection connection, IperfKind kind) {
        return new Node(id, address, role, connection, kind, Map.of());
    }

    /**
     * The command line (may be several words, e.g. {@code java -jar iperf3j.jar}) that runs
     * {@code kind} here; for iperf3j with an image to install, the image's launcher on the host.
     */
    public String command(IperfKind kind) {
        if (kind == IperfKind.IPERF3J && install.isPresent()) {
            return install.get().launcher();
        }
        return commands.getOrDefault(kind, kind.defaultCommand());
    }
}
