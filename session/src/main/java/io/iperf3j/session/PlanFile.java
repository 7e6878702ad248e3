package io.iperf3j.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iperf3j.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a plan from YAML. YAML (Jackson's YAML reader, the Jackson the project already
 * uses) rather than TOML: a plan is lists of hosts with nested connection maps and
 * lists of pairs, which YAML writes plainly and TOML only with arrays of tables; and
 * the people who run fleets already write Ansible inventories in YAML. Every key is
 * checked: an unknown key, a wrong type or a missing value is an
 * {@link IperfConfigurationError} naming where it is ({@code tests[2].direction}).
 * Relative paths are read from the plan file's directory. Limits: 1 MiB of YAML.
 *
 * <pre>
 * parallel: false            # true: disjoint pairs at once, in round-robin rounds
 * filename_base: lab1        # optional, put in raw file names
 * push: {endpoint: http://127.0.0.1:9091, job: iperf3j_session}   # optional
 * install: {image: dist/target/iperf3j-0.1.0-linux-x64.tar.gz}    # optional: every host without
 *                            # its own install or iperf3j command gets the image (see ImageInstall)
 * hosts:
 *   - id: a
 *     address: 10.0.0.1      # test-interface address
 *     role: tpc              # tpc or node (default)
 *     iperf: iperf3j         # iperf3j (default), iperf3, iperf2
 *     commands: {iperf3j: /opt/iperf3j/iperf3j, iperf2: /usr/bin/iperf}
 *     install:               # optional: copy this runtime image over SFTP, run iperf3j from it
 *       image: iperf3j-0.1.0-linux-x64.tar.gz
 *       directory: /tmp/iperf3j-session   # default; the image goes to DIRECTORY/image-SHA256PREFIX
 *     # install: false       # this host keeps its own iperf3j despite a plan-level install
 *     connection:            # default: local
 *       type: ssh
 *       host: 192.168.1.10   # default: address
 *       port: 22
 *       user: root
 *       identity: keys/id_ecdsa
 *       password_env: LAB_PASSWORD    # a password from the environment, never in the file
 *       known_hosts: known_hosts
 *       accept_new_host_keys: true    # default false
 *       connect_timeout: 5
 *       auth_timeout: 5
 *       prefix: [adb, -s, SERIAL, shell]
 *       path: [/data/local/tmp]
 *       library_path: [/data/local/tmp/lib]
 * tests:
 *   - name: mesh
 *     mesh: [a, b, c]        # or pairs: [[a, b]], or star: [b, c] (from: a; default the tpc)
 *     direction: both        # up, down, both, bidir
 *     protocol: tcp          # tcp, udp
 *     duration: 5
 *     args: [-P, "2"]
 *     port: 5201
 *     repeat: 1
 *     client_timeout: 120    # seconds; default max(120, 1.5 × duration)
 *     iperf: iperf2          # optional: both sides use this iperf
 * </pre>
 */
public final class PlanFile {
    /** Largest plan file read. */
    public static final long MAX_BYTES = 1 << 20;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PlanFile() {
    }

    /** Reads and checks a plan file. */
    public static Plan read(Path file) throws IperfConfigurationError {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IperfConfigurationError(file + ": plan is over " + MAX_BYTES + " bytes");
            }
            return parse(Files.readString(file), file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new IperfConfigurationError("cannot read plan " + file + ": " + e.getMessage());
        }
    }

    /** Reads and checks a plan; relative paths are taken from {@code base}. */
    public static Plan parse(String yaml, Path base) throws IperfConfigurationError {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new IperfConfigurationError("plan is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IperfConfigurationError("plan: expected a map with hosts and tests");
        }
        keys(root, "plan", Set.of("hosts", "tests", "parallel", "filename_base", "push", "install"));
        List<Node> hosts = new ArrayList<>();
        JsonNode hostList = list(root, "hosts", "plan");
        if (hostList.size() > Plan.MAX_HOSTS) {
            throw new IperfConfigurationError("plan.hosts: more than " + Plan.MAX_HOSTS + " hosts");
        }
        Map<String, ImageInstall> images = new java.util.HashMap<>();
        Optional<ImageInstall> planInstall = root.has("install") ? install(root.get("install"), "install", base, images)
                : Optional.empty();
        for (int i = 0; i < hostList.size(); i++) {
            hosts.add(host(hostList.get(i), "hosts[" + i + "]", base, images, planInstall));
        }
        Plan.Builder b = Plan.builder(hosts);
        b.parallel(bool(root, "parallel", "plan", false));
        b.filenameBase(text(root, "filename_base", "plan", ""));
        if (root.has("push")) {
            JsonNode p = root.get("push");
            keys(p, "push", Set.of("endpoint", "job"));
            b.push(new Plan.PushTarget(required(p, "endpoint", "push"), text(p, "job", "push", "iperf3j_session")));
        }
        String tpc = hosts.stream().filter(h -> h.role() == NodeRole.TRAFFIC_PC).map(Node::id).findFirst().orElse(null);
        JsonNode tests = list(root, "tests", "plan");
        for (int i = 0; i < tests.size(); i++) {
            test(b, tests.get(i), "tests[" + i + "]", tpc);
        }
        return b.build();
    }

    private static Node host(JsonNode h, String where, Path base, Map<String, ImageInstall> images,
            Optional<ImageInstall> planInstall) throws IperfConfigurationError {
        keys(h, where, Set.of("id", "address", "role", "iperf", "commands", "connection", "install"));
        String id = required(h, "id", where);
        String address = required(h, "address", where);
        NodeRole role = switch (text(h, "role", where, "node")) {
            case "node" -> NodeRole.NODE;
            case "tpc", "traffic_pc" -> NodeRole.TRAFFIC_PC;
            default -> throw new IperfConfigurationError(where + ".role: '" + h.get("role").asText() + "' (node or tpc)");
        };
        IperfKind kind = kind(text(h, "iperf", where, "iperf3j"), where + ".iperf");
        Map<IperfKind, String> commands = new java.util.EnumMap<>(IperfKind.class);
        if (h.has("commands")) {
            JsonNode c = h.get("commands");
            keys(c, where + ".commands", Set.of("iperf3j", "iperf3", "iperf2"));
            for (Iterator<Map.Entry<String, JsonNode>> it = c.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                commands.put(kind(e.getKey(), where + ".commands"), e.getValue().asText());
            }
        }
        Connection connection = connection(h.get("connection"), where + ".connection", address, base);
        Optional<ImageInstall> install;
        if (h.has("install")) {
            install = install(h.get("install"), where + ".install", base, images);
        } else {
            // the plan's image, for hosts that name no iperf3j of their own and can receive a file
            install = commands.containsKey(IperfKind.IPERF3J) || !connection.wrapper().prefix().isEmpty() ? Optional.empty()
                    : planInstall;
        }
        try {
            return new Node(id, address, role, connection, kind, commands, install);
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(where + ": " + e.getMessage());
        }
    }

    /** {@code {image: PATH, directory: DIR}}, or {@code false} for none. Each tarball is hashed once. */
    private static Optional<ImageInstall> install(JsonNode n, String where, Path base, Map<String, ImageInstall> images)
            throws IperfConfigurationError {
        if (n.isBoolean() && !n.asBoolean()) {
            return Optional.empty();
        }
        keys(n, where, Set.of("image", "directory"));
        Path tarball = base.resolve(required(n, "image", where)).normalize();
        String directory = text(n, "directory", where, ImageInstall.DEFAULT_DIRECTORY);
        String key = tarball + "\0" + directory;
        ImageInstall image = images.get(key);
        if (image == null) {
            try {
                image = ImageInstall.of(tarball, directory);
            } catch (IperfConfigurationError e) {
                throw new IperfConfigurationError(where + ": " + e.getMessage());
            }
            images.put(key, image);
        }
        return Optional.of(image);
    }

    private static IperfKind kind(String name, String where) throws IperfConfigurationError {
        try {
            return IperfKind.fromPlanName(name);
        } catch (IperfConfigurationError e) {
            throw new IperfConfigurationError(where + ": " + e.getMessage());
        }
    }

    private static Connection connection(JsonNode c, String where, String address, Path base) throws IperfConfigurationError {
        if (c == null) {
            return new LocalConnection();
        }
        keys(c, where, Set.of("type", "host", "port", "user", "identity", "password_env", "known_hosts",
                "accept_new_host_keys", "connect_timeout", "auth_timeout", "prefix", "path", "library_path"));
        CommandWrapper wrapper;
        try {
            wrapper = new CommandWrapper(words(c, "prefix", where), words(c, "path", where), words(c, "library_path", where));
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(where + ": " + e.getMessage());
        }
        String type = text(c, "type", where, "local");
        if (type.equals("local")) {
            return new LocalConnection(wrapper);
        }
        if (!type.equals("ssh")) {
            throw new IperfConfigurationError(where + ".type: '" + type + "' (local or ssh)");
        }
        List<Path> identities = new ArrayList<>();
        for (String s : words(c, "identity", where)) {
            identities.add(base.resolve(s));
        }
        Optional<String> password = Optional.empty();
        if (c.has("password_env")) {
            String var = c.get("password_env").asText();
            String value = System.getenv(var);
            if (value == null) {
                throw new IperfConfigurationError(where + ".password_env: environment variable " + var + " is not set");
            }
            password = Optional.of(value);
        }
        try {
            return new SshConnection(new SshSettings(text(c, "host", where, address), integer(c, "port", where, 22),
                    text(c, "user", where, System.getProperty("user.name")), identities, password,
                    c.has("known_hosts") ? base.resolve(c.get("known_hosts").asText())
                            : Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"),
                    bool(c, "accept_new_host_keys", where, false) ? HostKeyPolicy.ACCEPT_NEW : HostKeyPolicy.STRICT,
                    Duration.ofMillis((long) (number(c, "connect_timeout", where, 5) * 1000)),
                    Duration.ofMillis((long) (number(c, "auth_timeout", where, 5) * 1000)), wrapper));
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(where + ": " + e.getMessage());
        }
    }

    private static void test(Plan.Builder b, JsonNode t, String where, String tpc) throws IperfConfigurationError {
        keys(t, where, Set.of("name", "mesh", "pairs", "star", "from", "direction", "protocol", "duration", "args", "port",
                "repeat", "client_timeout", "iperf"));
        String name = text(t, "name", where, "t" + where.replaceAll("\\D", ""));
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IperfConfigurationError(where + ".name: '" + name + "' must match [A-Za-z0-9_.-]{1,64}");
        }
        int shapes = (t.has("mesh") ? 1 : 0) + (t.has("pairs") ? 1 : 0) + (t.has("star") ? 1 : 0);
        if (shapes != 1) {
            throw new IperfConfigurationError(where + ": give exactly one of mesh, pairs, star");
        }
        String protocol = text(t, "protocol", where, "tcp").toLowerCase(Locale.ROOT);
        Transport transport = switch (protocol) {
            case "tcp" -> Transport.TCP;
            case "udp" -> Transport.UDP;
            default -> throw new IperfConfigurationError(where + ".protocol: '" + protocol + "' (tcp or udp)");
        };
        TestSpec spec;
        try {
            spec = new TestSpec(transport, number(t, "duration", where, 10), words(t, "args", where),
                    integer(t, "port", where, TestSpec.DEFAULT_PORT),
                    t.has("client_timeout") ? Optional.of(Duration.ofMillis((long) (number(t, "client_timeout", where, 0) * 1000)))
                            : Optional.empty(),
                    false, t.has("iperf") ? Optional.of(kind(t.get("iperf").asText(), where + ".iperf")) : Optional.empty());
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(where + ": " + e.getMessage());
        }
        int repeat = integer(t, "repeat", where, 1);
        if (repeat < 1 || repeat > 10_000) {
            throw new IperfConfigurationError(where + ".repeat: " + repeat + " is not in 1..10000");
        }
        String direction = text(t, "direction", where, t.has("mesh") ? "both" : "up");
        if (!Set.of("up", "down", "both", "bidir").contains(direction)) {
            throw new IperfConfigurationError(where + ".direction: unknown direction '" + direction + "' (up, down, both, bidir)");
        }
        if (t.has("mesh")) {
            b.mesh(name, words(t, "mesh", where), direction, spec, repeat);
        } else if (t.has("star")) {
            String center = text(t, "from", where, tpc);
            if (center == null) {
                throw new IperfConfigurationError(where + ": a star needs 'from' or a host with role tpc");
            }
            b.star(name, center, words(t, "star", where), direction, spec, repeat);
        } else {
            List<List<String>> pairs = new ArrayList<>();
            JsonNode p = t.get("pairs");
            if (!p.isArray()) {
                throw new IperfConfigurationError(where + ".pairs: expected a list of [sender, receiver]");
            }
            for (int i = 0; i < p.size(); i++) {
                if (!p.get(i).isArray() || p.get(i).size() != 2) {
                    throw new IperfConfigurationError(where + ".pairs[" + i + "]: expected [host, host]");
                }
                pairs.add(List.of(p.get(i).get(0).asText(), p.get(i).get(1).asText()));
            }
            b.pairs(name, pairs, direction, spec, repeat);
        }
    }

    private static void keys(JsonNode n, String where, Set<String> allowed) throws IperfConfigurationError {
        if (!n.isObject()) {
            throw new IperfConfigurationError(where + ": expected a map");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IperfConfigurationError(where + ": unknown key '" + k + "' (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static JsonNode list(JsonNode n, String key, String where) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a non-empty list");
        }
        return v;
    }

    private static String required(JsonNode n, String key, String where) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || !v.isValueNode() || v.asText().isBlank()) {
            throw new IperfConfigurationError(where + "." + key + ": missing");
        }
        return v.asText();
    }

    private static String text(JsonNode n, String key, String where, String fallback) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a single value");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode n, String key, String where, boolean fallback) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new IperfConfigurationError(where + "." + key + ": expected true or false");
        }
        return v.asBoolean();
    }

    private static double number(JsonNode n, String key, String where, double fallback) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a number");
        }
        return v.asDouble();
    }

    private static int integer(JsonNode n, String key, String where, int fallback) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a whole number");
        }
        return v.asInt();
    }

    private static List<String> words(JsonNode n, String key, String where) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isValueNode()) {
            return List.of(v.asText().trim().split("\\s+"));
        }
        if (!v.isArray()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a list or a string");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isValueNode()) {
                throw new IperfConfigurationError(where + "." + key + ": expected plain values");
            }
            out.add(e.asText());
        }
        return out;
    }
}
