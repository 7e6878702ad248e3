package io.iperf3j.session;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
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
 */
public record Node(String id, String address, NodeRole role, Connection connection, IperfKind kind,
        Map<IperfKind, String> commands) {
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
    }

    /** A node running {@code kind} with its default command. */
    public static Node of(String id, String address, NodeRole role, Connection connection, IperfKind kind) {
        return new Node(id, address, role, connection, kind, Map.of());
    }

    /** The command line (may be several words, e.g. {@code java -jar iperf3j.jar}) that runs {@code kind} here. */
    public String command(IperfKind kind) {
        return commands.getOrDefault(kind, kind.defaultCommand());
    }
}
