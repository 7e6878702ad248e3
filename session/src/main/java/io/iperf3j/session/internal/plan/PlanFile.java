package io.iperf3j.session.internal.plan;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.iperf3j.Transport;
import io.iperf3j.session.internal.connect.OpenSshDefaults;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import io.iperf3j.session.SessionException.IperfConfigurationError;
import io.iperf3j.session.Node;
import io.iperf3j.session.Plan;
import io.iperf3j.session.PlanValue;
import io.iperf3j.session.internal.connect.LoginEnvironment;
import io.iperf3j.session.Connection;
import io.iperf3j.session.IperfKind;
import io.iperf3j.session.SshSettings;
import io.iperf3j.session.TestSpec;

/**
 * Reads a plan from YAML. YAML (Jackson's YAML reader, the Jackson the project already
 * uses) rather than TOML: a plan is lists of hosts with nested connection maps and
 * lists of pairs, which YAML writes plainly and TOML only with arrays of tables; and
 * the people who run fleets already write Ansible inventories in YAML. Every key is
 * checked: an unknown key, a wrong type or a missing value is a mistake named by its line and
 * column and its place ({@code line 12, column 16: tests[2] (mesh).direction}) with what is
 * accepted there, and every mistake of the plan is in the one {@link IperfConfigurationError}
 * (one a line), so a plan with four mistakes needs one run to see them all (issue 46); a YAML
 * syntax error names its line and column. A key given twice is an error rather than Jackson's
 * default (the last one silently wins).
 * Relative paths are read from the plan file's directory. Limits: 1 MiB of YAML.
 *
 * <p>A {@code local} host without a prefix and without {@code commands: {iperf3j: …}} or an
 * image to install runs the iperf3j this session runs from: the launcher the JVM was started
 * by ({@link #LAUNCHER_PROPERTY}), so that {@code ./iperf3j session} needs no iperf3j on
 * {@code PATH}. SSH hosts keep {@code iperf3j} from their own {@code PATH}.
 *
 * <pre>
 * parallel: false            # true: disjoint pairs at once, each as soon as its hosts are free
 * filename_base: lab1        # optional, put in raw file names
 * push: {endpoint: http://127.0.0.1:9091, job: iperf3j_session}   # optional
 * schedule: {every: 1h, slip: 5m, random_start: 30s}   # optional: run the tests every hour, spread
 *                            # across it, until stopped (also runs: N, until: 2026-12-01T00:00:00Z)
 * install: {image: dist/target/iperf3j-0.1.0-linux-x64.tar.gz}    # optional: every host without
 *                            # its own install or iperf3j command gets the image (see Node.ImageInstall)
 * hosts:
 *   - id: a
 *     address: 10.0.0.1      # test-interface address, what the peers connect to; an ssh alias
 *                            # (with no connection.host) is looked up in ~/.ssh/config and the
 *                            # peers get its HostName, as `ssh -G ALIAS` prints it
 *     role: tpc              # tpc or node (default)
 *     iperf: iperf3j         # iperf3j (default), iperf3, iperf2
 *     commands: {iperf3j: /opt/iperf3j/iperf3j, iperf2: /usr/bin/iperf}   # words: a program and its arguments,
 *                            # never a shell line; a list ([LD_LIBRARY_PATH=/opt/lib, /opt/iperf3/iperf3]) or one
 *                            # string split at white space; no word may hold ; | &amp; &lt; &gt; $ ` ' " * ? [ ] { } ( ) ~ \
 *     install:               # optional: copy this runtime image over SFTP, run iperf3j from it
 *       image: iperf3j-0.1.0-linux-x64.tar.gz
 *       directory: /opt/iperf3j       # optional; default: the login's private state folder; the image goes to DIRECTORY/image-SHA256PREFIX
 *     # install: false       # this host keeps its own iperf3j despite a plan-level install
 *     connection:            # default: local; the word local stands for {type: local}
 *       type: ssh            # every key below is optional: what is left out comes from
 *                            # ~/.ssh/config and OpenSSH's defaults, as `ssh HOST` would take it
 *       host: 192.168.1.10   # default: address; looked up in ~/.ssh/config (Host, HostName)
 *       port: 22             # default: config Port, else 22
 *       user: root           # default: config User, else the local user name
 *       identity: keys/id_ed25519     # or a list; default: config IdentityFile, else those of
 *                            # ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exist (after the agent's keys)
 *       passphrase_env: KEY_PASSPHRASE   # the passphrase of encrypted identities, from the environment
 *       password_env: LAB_PASSWORD    # a password from the environment, never in the file
 *       known_hosts: known_hosts      # default: config UserKnownHostsFile, else ~/.ssh/known_hosts
 *       accept_new_host_keys: true    # default: config StrictHostKeyChecking (accept-new, no: true), else false
 *       connect_timeout: 5
 *       auth_timeout: 5
 *       prefix: [adb, -s, SERIAL, shell]
 *       path: [/data/local/tmp]
 *       library_path: [/data/local/tmp/lib]
 * tests:
 *   - name: mesh
 *     mesh: [a, b, c]        # or pairs: [[a, b]], or star: [b, c] (from: a; default the tpc), or
 *                            # disjoint: {a: [a], b: [b, c]} (every host of a with every host of b)
 *     per_run: 3             # a mesh or disjoint test: 3 of its pairs a run of the schedule (Plan.Turn)
 *     direction: both        # up, down, both, bidir
 *     protocol: tcp          # tcp, udp
 *     duration: 5            # whole seconds for iperf3 and iperf3j (their -t is an integer)
 *     args: [-P, "2"]        # no option that names a file on the host (--logfile, -I, -F, ...: IperfKind.hostFileOption)
 *     port: 5201
 *     repeat: 1
 *     client_timeout: 120    # seconds; default max(120, 1.5 × duration)
 *     iperf: iperf2          # optional: both sides use this iperf
 * </pre>
 */
public final class PlanFile {
    /** Largest plan file read. */
    public static final long MAX_BYTES = 1 << 20;
    /**
     * The system property the launchers ({@code iperf3j} in the source tree, {@code bin/iperf3j}
     * in the runtime image) set to their own absolute path.
     */
    public static final String LAUNCHER_PROPERTY = "iperf3j.launcher";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    /** The plan's top-level keys. */
    static final Set<String> PLAN_KEYS = Set.of("hosts", "tests", "parallel", "filename_base", "push", "remote_write", "install",
            "schedule");
    /** {@code remote_write:}'s keys. */
    static final Set<String> REMOTE_WRITE_KEYS = Set.of("url", "labels", "timeout", "basic_auth", "bearer_token_file", "tenant",
            "headers", "ca_file");
    /** {@code remote_write.basic_auth:}'s keys. */
    static final Set<String> BASIC_AUTH_KEYS = Set.of("username", "password_file");
    /** {@code push:}'s keys. */
    static final Set<String> PUSH_KEYS = Set.of("endpoint", "job");
    /** {@code schedule:}'s keys. */
    static final Set<String> SCHEDULE_KEYS = Set.of("every", "slip", "random_start", "runs", "until");
    /** {@code install:}'s keys (the plan's and a host's). */
    static final Set<String> INSTALL_KEYS = Set.of("image", "directory");
    /** A host's keys. */
    static final Set<String> HOST_KEYS = Set.of("id", "address", "role", "iperf", "commands", "connection", "install");
    /** A host's {@code commands:} keys. */
    static final Set<String> COMMAND_KEYS = Set.of("iperf3j", "iperf3", "iperf2");
    /** A host's {@code connection:} keys. */
    static final Set<String> CONNECTION_KEYS = Set.of("type", "host", "port", "user", "identity", "passphrase_env", "password_env",
            "known_hosts", "accept_new_host_keys", "connect_timeout", "auth_timeout", "prefix", "path", "library_path");
    /** A test's keys. */
    static final Set<String> TEST_KEYS = Set.of("name", "mesh", "pairs", "star", "disjoint", "from", "direction", "protocol", "duration",
            "args", "port", "repeat", "client_timeout", "iperf", "per_run");
    /** A test's {@code disjoint:} keys: psconfig's {@code a-members} and {@code b-members}. */
    static final Set<String> DISJOINT_KEYS = Set.of("a", "b");

    /**
     * Every map of a plan and the keys it may hold, by the place's name in the plan's JSON Schema ({@link #SCHEMA_RESOURCE}:
     * {@code plan}, and {@code $defs} {@code push}, {@code schedule}, {@code install}, {@code host}, {@code commands},
     * {@code connection}, {@code test}, {@code disjoint}): the one list the reader checks against, and the schema's test reads.
     */
    public static final Map<String, Set<String>> KEYS = Map.ofEntries(Map.entry("plan", PLAN_KEYS), Map.entry("push", PUSH_KEYS),
            Map.entry("remote_write", REMOTE_WRITE_KEYS), Map.entry("basic_auth", BASIC_AUTH_KEYS), Map.entry("schedule", SCHEDULE_KEYS),
            Map.entry("install", INSTALL_KEYS), Map.entry("host", HOST_KEYS), Map.entry("commands", COMMAND_KEYS),
            Map.entry("connection", CONNECTION_KEYS), Map.entry("test", TEST_KEYS), Map.entry("disjoint", DISJOINT_KEYS));

    /**
     * The plan file's JSON Schema (draft 2020-12), a resource of this jar: every key with its type, default and an
     * example, for an editor's YAML plug-in; {@code iperf3j session --schema} prints it, and the runtime image has it as
     * {@code share/iperf3j/plan.schema.json}.
     */
    public static final String SCHEMA_RESOURCE = "/io/iperf3j/session/plan.schema.json";

    /** The plan file's JSON Schema ({@link #SCHEMA_RESOURCE}) as text. */
    public static String schema() {
        try (java.io.InputStream in = PlanFile.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the session jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final String CONNECTION_FORMS = "local, {type: local}, or {type: ssh, user: root, identity: keys/id}";

    private PlanFile() {
    }

    /** Reads and checks a plan file; local hosts run the launcher named by {@link #LAUNCHER_PROPERTY}, if set. */
    public static Plan read(Path file) throws IperfConfigurationError {
        return read(file, launcher());
    }

    /**
     * Reads and checks a plan file.
     *
     * @param localIperf3j the path of the iperf3j launcher for local hosts that name none (empty: {@code iperf3j} from
     *        {@code PATH}); one word, quoted where the command line is built
     */
    public static Plan read(Path file, Optional<String> localIperf3j) throws IperfConfigurationError {
        return read(file, localIperf3j, LoginEnvironment.current());
    }

    /**
     * Reads and checks a plan file; SSH hosts are filled from {@code logins} (home, environment).
     *
     * @param localIperf3j the path of the iperf3j launcher for local hosts that name none (empty: {@code iperf3j} from
     *        {@code PATH})
     */
    public static Plan read(Path file, Optional<String> localIperf3j, LoginEnvironment logins)
            throws IperfConfigurationError {
        return parse(file, readText(file), localIperf3j, logins);
    }

    /**
     * Reads and checks the text of plan file {@code file}, read already ({@link #readText}): its mistakes named with the file,
     * relative paths from its directory, local hosts running the launcher named by {@link #LAUNCHER_PROPERTY}, if set.
     */
    public static Plan parseFile(Path file, String yaml) throws IperfConfigurationError {
        return parse(file, yaml, launcher(), LoginEnvironment.current());
    }

    private static Plan parse(Path file, String yaml, Optional<String> localIperf3j, LoginEnvironment logins)
            throws IperfConfigurationError {
        try {
            return parse(yaml, file.toAbsolutePath().getParent(), localIperf3j, logins);
        } catch (IperfConfigurationError e) {
            throw new IperfConfigurationError(file + ": " + e.getMessage());
        }
    }

    /**
     * The text of plan file {@code file}, at most {@link #MAX_BYTES}.
     *
     * @throws IperfConfigurationError naming the file and why it cannot be read
     */
    public static String readText(Path file) throws IperfConfigurationError {
        try {
            if (Files.isDirectory(file)) {
                throw new IperfConfigurationError(file + ": is a directory, not a plan file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IperfConfigurationError(file + ": plan is over " + MAX_BYTES + " bytes");
            }
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IperfConfigurationError(file + ": No such file or directory");
        } catch (AccessDeniedException e) {
            throw new IperfConfigurationError(file + ": Permission denied");
        } catch (IOException e) {
            throw new IperfConfigurationError(file + ": cannot read it: " + e.getMessage());
        }
    }

    /** The launcher this JVM was started by (its absolute path, one word of a command), if a launcher said so. */
    static Optional<String> launcher() {
        String path = System.getProperty(LAUNCHER_PROPERTY, "");
        return path.isBlank() ? Optional.empty() : Optional.of(Path.of(path).toAbsolutePath().normalize().toString());
    }

    /** Reads and checks a plan; relative paths are taken from {@code base}; local hosts use {@code iperf3j} from {@code PATH}. */
    public static Plan parse(String yaml, Path base) throws IperfConfigurationError {
        return parse(yaml, base, Optional.empty());
    }

    /**
     * Reads and checks a plan that came from elsewhere (an agent's {@code --plan URL}, issue 69): untrusted input, whose reading
     * must neither run nor read anything of this host's. Refused before any value is read, each place named: a host's
     * {@code commands} (programs), {@code install} (the plan's or a host's: a local image read and hashed), a
     * {@code connection} other than {@code local} (logins, key files, the environment's secrets, command prefixes), and
     * {@code remote_write}'s files ({@code bearer_token_file}, {@code basic_auth.password_file}, {@code ca_file}). Local hosts
     * run {@code iperf3j} from {@code PATH}; no relative path is left to resolve.
     */
    public static Plan parseUntrusted(String yaml) throws IperfConfigurationError {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IperfConfigurationError(syntaxError(e));
        }
        List<String> refused = new ArrayList<>();
        if (root != null && root.isObject()) {
            if (root.has("install")) {
                refused.add("plan.install");
            }
            JsonNode rw = root.path("remote_write");
            for (String key : List.of("bearer_token_file", "ca_file")) {
                if (rw.has(key)) {
                    refused.add("plan.remote_write." + key);
                }
            }
            if (rw.path("basic_auth").has("password_file")) {
                refused.add("plan.remote_write.basic_auth.password_file");
            }
            JsonNode hosts = root.path("hosts");
            for (int i = 0; i < hosts.size(); i++) {
                JsonNode h = hosts.get(i);
                String where = "plan.hosts[" + i + "]" + (h.path("id").isTextual() ? " (" + h.path("id").asText() + ")" : "");
                for (String key : List.of("commands", "install")) {
                    if (h.has(key)) {
                        refused.add(where + "." + key);
                    }
                }
                JsonNode c = h.path("connection");
                boolean local = c.isMissingNode() || (c.isTextual() && c.asText().equals("local"))
                        || (c.isObject() && c.size() == 1 && c.path("type").asText().equals("local"));
                if (!local) {
                    refused.add(where + ".connection");
                }
            }
        }
        if (!refused.isEmpty()) {
            throw new IperfConfigurationError("a plan read from a URL names no program, file or login of this host; refused: "
                    + String.join(", ", refused));
        }
        return parse(yaml, Path.of("/"), Optional.empty());
    }

    /**
     * Reads and checks a plan; relative paths are taken from {@code base}.
     *
     * @param localIperf3j the path of the iperf3j launcher for local hosts (no prefix) that name none and install no image
     */
    public static Plan parse(String yaml, Path base, Optional<String> localIperf3j) throws IperfConfigurationError {
        return parse(yaml, base, localIperf3j, LoginEnvironment.current());
    }

    /**
     * Reads and checks a plan; relative paths are taken from {@code base}; SSH hosts are filled from
     * {@code logins} (its {@code ~/.ssh/config}, agent, default identities and known_hosts).
     *
     * @param localIperf3j the path of the iperf3j launcher for local hosts (no prefix) that name none and install no image
     */
    public static Plan parse(String yaml, Path base, Optional<String> localIperf3j, LoginEnvironment logins)
            throws IperfConfigurationError {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IperfConfigurationError(syntaxError(e));
        }
        if (root == null || !root.isObject()) {
            throw new IperfConfigurationError("plan: expected a map with hosts and tests");
        }
        // a plan is data: a control character anywhere (a newline in an address, an argument) refuses it
        // before any value is read, alone (the other checks would quote the values that hold one)
        Mistakes control = new Mistakes();
        controlCharacters(control, root, "plan");
        if (control.any()) {
            throw new IperfConfigurationError(control.describe(yaml));
        }
        // every check runs and its mistake is kept: the plan is refused once, with all of them
        Mistakes m = new Mistakes();
        m.unknownKeys(root, "plan", PLAN_KEYS);
        List<Node> hosts = new ArrayList<>();
        JsonNode hostList = m.check(() -> list(root, "hosts", "plan", "- {id: a, address: 10.0.0.1, connection: local}"), null);
        if (hostList != null && hostList.size() > Plan.MAX_HOSTS) {
            throw new IperfConfigurationError("plan.hosts: more than " + Plan.MAX_HOSTS + " hosts");
        }
        Map<String, Node.ImageInstall> images = new java.util.HashMap<>();
        Optional<Node.ImageInstall> planInstall = root.has("install")
                ? m.check(() -> install(root.get("install"), "install", base, images), Optional.empty()) : Optional.empty();
        // a host with a mistake still lends its id to the tests, so they are not refused for naming it
        Map<String, Integer> hostIndex = new java.util.LinkedHashMap<>();
        SshDefaults sshDefaults = new SshDefaults(logins);
        for (int i = 0; hostList != null && i < hostList.size(); i++) {
            Node n = host(m, hostList.get(i), i, base, images, planInstall, localIperf3j, sshDefaults, hostIndex);
            if (n != null) {
                hosts.add(n);
            }
        }
        boolean parallel = m.check(() -> bool(root, "parallel", "plan", false), false);
        String filenameBase = m.check(() -> {
            String fb = text(root, "filename_base", "plan", "");
            return fb.isEmpty() ? fb : valid(PlanValue.NAME, fb, "plan.filename_base");
        }, "");
        Optional<Plan.PushTarget> push = !root.has("push") ? Optional.empty() : m.check(() -> {
            JsonNode p = root.get("push");
            keys(p, "push", PUSH_KEYS);
            return Optional.of(new Plan.PushTarget(required(p, "endpoint", "push", "http://127.0.0.1:9091"),
                    text(p, "job", "push", "iperf3j_session")));
        }, Optional.empty());
        Optional<Plan.RemoteWriteTarget> remoteWrite = !root.has("remote_write") ? Optional.empty()
                : m.check(() -> Optional.of(remoteWrite(root.get("remote_write"), base)), Optional.empty());
        Optional<Plan.Schedule> schedule = !root.has("schedule") ? Optional.empty()
                : m.check(() -> Optional.of(schedule(root.get("schedule"))), Optional.empty());
        Plan.Builder b = m.any() ? null : Plan.builder(hosts);
        String tpc = hosts.stream().filter(h -> h.role() == Node.Role.TRAFFIC_PC).map(Node::id).findFirst().orElse(null);
        JsonNode tests = m.check(() -> list(root, "tests", "plan", "- {pairs: [[a, b]], direction: both}"), null);
        // without every host's id the tests' host names are not checked: each would be a mistake of the hosts'
        boolean allIds = hostList != null && hostIndex.size() == hostList.size();
        for (int i = 0; tests != null && i < tests.size(); i++) {
            test(m, b, tests.get(i), i, tpc, allIds ? hostIndex.keySet() : null);
        }
        if (m.any()) {
            throw new IperfConfigurationError(m.describe(yaml));
        }
        b.parallel(parallel);
        b.filenameBase(filenameBase);
        push.ifPresent(b::push);
        remoteWrite.ifPresent(b::remoteWrite);
        schedule.ifPresent(b::schedule);
        return b.build();
    }

    /**
     * The mistakes of one plan, each checked part's own: a check that fails leaves its mistake here and a
     * stand-in value, and the reading goes on (a test naming a host whose entry had a mistake is not refused
     * for it). Why not stop at the first: a plan with four mistakes took four runs to see them all (issue 46).
     * One per {@link #parse}.
     */
    private static final class Mistakes {
        private final List<String> found = new ArrayList<>();

        /** A check that may find a mistake. */
        interface Check<T> {
            T get() throws IperfConfigurationError;
        }

        <T> T check(Check<T> c, T fallback) {
            try {
                return c.get();
            } catch (IperfConfigurationError e) {
                found.add(e.getMessage());
                return fallback;
            }
        }

        void add(String mistake) {
            found.add(mistake);
        }

        int count() {
            return found.size();
        }

        boolean any() {
            return !found.isEmpty();
        }

        /** Each key of the map {@code n} that is not {@code allowed}, a mistake each (a map is checked by its caller). */
        void unknownKeys(JsonNode n, String where, Set<String> allowed) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    found.add(where + ": unknown key '" + k + "' (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }

        /** Every mistake, one a line, in the plan's order, each after its line and column in {@code yaml}. */
        String describe(String yaml) {
            PlanPlaces places = PlanPlaces.of(yaml);
            List<PlanPlaces.Place> at = new ArrayList<>();
            for (String f : found) {
                at.add(places.place(f));
            }
            // in the file's order (a stable sort: one place's mistakes keep the order they were found in)
            List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, found.size()).boxed().toList());
            order.sort(java.util.Comparator.comparingInt((Integer i) -> at.get(i).line()).thenComparingInt(i -> at.get(i).column()));
            List<String> lines = order.stream().map(i -> at.get(i) + ": " + found.get(i)).toList();
            return lines.size() == 1 ? lines.get(0)
                    : lines.size() + " mistakes in the plan:\n  " + String.join("\n  ", lines);
        }
    }

    /**
     * {@code remote_write: {url, labels, timeout, basic_auth: {username, password_file}, bearer_token_file, tenant, headers,
     * ca_file}}: url is required; files are the plan folder's when relative ({@link Plan.RemoteWriteTarget}). The values a
     * receiver would refuse (a URL that cannot be valid, a file that cannot be read) are checked where the sender is made.
     */
    private static Plan.RemoteWriteTarget remoteWrite(JsonNode r, Path base) throws IperfConfigurationError {
        String where = "remote_write";
        keys(r, where, REMOTE_WRITE_KEYS);
        String url = required(r, "url", where, "the receiver's write URL, such as http://prometheus:9090/api/v1/write");
        Map<String, String> labels = textMap(r, "labels", where, "{site: campus}");
        Map<String, String> headers = textMap(r, "headers", where, "{X-Source: iperf3j}");
        Optional<Duration> timeout = Optional.ofNullable(timeoutOf(r, where));
        Optional<String> username = Optional.empty();
        Optional<Path> passwordFile = Optional.empty();
        if (r.has("basic_auth")) {
            JsonNode a = r.get("basic_auth");
            keys(a, where + ".basic_auth", BASIC_AUTH_KEYS);
            username = Optional.of(required(a, "username", where + ".basic_auth", "the user name"));
            passwordFile = Optional.of(base.resolve(required(a, "password_file", where + ".basic_auth",
                    "the file that holds the password (never the password itself)")));
        }
        Optional<Path> token = r.has("bearer_token_file") ? Optional.of(base.resolve(text(r, "bearer_token_file", where, "")))
                : Optional.empty();
        Optional<String> tenant = r.has("tenant") ? Optional.of(text(r, "tenant", where, "")) : Optional.empty();
        Optional<Path> ca = r.has("ca_file") ? Optional.of(base.resolve(text(r, "ca_file", where, ""))) : Optional.empty();
        try {
            return new Plan.RemoteWriteTarget(url, labels, timeout, username, passwordFile, token, tenant, headers, ca);
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(e.getMessage());
        }
    }

    /** {@code remote_write.timeout}: a duration such as {@code 10s}; null when not given. */
    private static Duration timeoutOf(JsonNode r, String where) throws IperfConfigurationError {
        if (!r.has("timeout")) {
            return null;
        }
        String t = text(r, "timeout", where, "");
        try {
            return io.iperf3j.export.Durations.parse(where + ".timeout", t);
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(e.getMessage());
        }
    }

    /** A map of names to one-line texts ({@code labels:}, {@code headers:}), in the file's order. */
    private static Map<String, String> textMap(JsonNode n, String key, String where, String example) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a map such as " + example);
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (var e : v.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new IperfConfigurationError(where + "." + key + "." + e.getKey() + ": expected a single value");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /**
     * {@code schedule: {every: 1h, slip: 5m, random_start: 30s, runs: 24, until: 2026-12-01T00:00:00Z}}: every
     * is required, the rest optional ({@link Plan.Schedule}); durations as {@code --every} writes them.
     */
    private static Plan.Schedule schedule(JsonNode s) throws IperfConfigurationError {
        String where = "schedule";
        keys(s, where, SCHEDULE_KEYS);
        Duration every = duration(s, "every", false, null);
        if (every == null) {
            throw new IperfConfigurationError("schedule.every: missing; give a period such as 30s, 5m or 1h");
        }
        Duration slip = duration(s, "slip", true, every);
        Duration randomStart = duration(s, "random_start", true, Duration.ZERO);
        java.util.OptionalLong runs = java.util.OptionalLong.empty();
        if (s.has("runs")) {
            JsonNode r = s.get("runs");
            if (!r.isIntegralNumber() || !r.canConvertToLong() || r.asLong() < 1) {
                throw new IperfConfigurationError("schedule.runs: expected a positive whole number of periods, got '" + r.asText() + "'");
            }
            runs = java.util.OptionalLong.of(r.asLong());
        }
        Optional<java.time.Instant> until = Optional.empty();
        if (s.has("until")) {
            String u = text(s, "until", where, "");
            try {
                until = Optional.of(java.time.OffsetDateTime.parse(u).toInstant());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IperfConfigurationError("schedule.until: '" + u + "' is not a time such as 2026-12-01T00:00:00Z");
            }
        }
        try {
            return new Plan.Schedule(every, slip, randomStart, runs, until);
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError("schedule." + e.getMessage());
        }
    }

    private static Duration duration(JsonNode n, String key, boolean zero, Duration fallback) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode()) {
            throw new IperfConfigurationError("schedule." + key + ": expected a duration such as 30s, 5m or 1h");
        }
        try {
            return Plan.Schedule.duration("schedule." + key, v.asText(), zero);
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(e.getMessage() + " (a whole number with ms, s, m or h, such as 30s, 5m or 1h)");
        }
    }

    /**
     * A YAML syntax error as "line L, column C: problem", lines and columns counted from 1 as
     * editors do; SnakeYAML's own mark when it has one (Jackson's location of a scanner error
     * can be the token before it).
     */
    static String syntaxError(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            String context = y.getContext() == null ? ""
                    : " (" + y.getContext() + (y.getContextMark() == null ? "" : " at " + position(y.getContextMark())) + ")";
            return "plan is not valid YAML: " + position(y.getProblemMark()) + ": " + y.getProblem() + context;
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        return "plan is not valid YAML: " + where + e.getOriginalMessage().lines().findFirst().orElse("");
    }

    private static String position(Mark m) {
        return "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
    }

    /**
     * Host {@code index}, or null when it has a mistake (each one left in {@code m}); its id, when it has one,
     * goes into {@code hostIndex} either way.
     */
    private static Node host(Mistakes m, JsonNode h, int index, Path base, Map<String, Node.ImageInstall> images,
            Optional<Node.ImageInstall> planInstall, Optional<String> localIperf3j, SshDefaults sshDefaults,
            Map<String, Integer> hostIndex) {
        String at = "hosts[" + index + "]";
        Set<String> allowed = HOST_KEYS;
        if (!h.isObject()) {
            m.check(() -> {
                keys(h, at, allowed);
                return null;
            }, null);
            return null;
        }
        int before = m.count();
        m.unknownKeys(h, at, allowed);
        String id = m.check(() -> required(h, "id", at, "a short name such as a1"), null);
        if (id != null) {
            m.check(() -> valid(PlanValue.NAME, id, at + ".id"), null);
        }
        if (id != null) {
            Integer earlier = hostIndex.putIfAbsent(id, index);
            if (earlier != null) {
                m.add(at + ".id: '" + id + "' is already the id of hosts[" + earlier + "]; every host needs its own id");
            }
        }
        String where = id == null ? at : at + " (" + id + ")";
        String given = m.check(() -> valid(PlanValue.ADDRESS,
                required(h, "address", where, "the test interface's IP address, such as 10.0.0.1"), where + ".address"), null);
        Node.Role role = m.check(() -> switch (text(h, "role", where, "node")) {
            case "node" -> Node.Role.NODE;
            case "tpc", "traffic_pc" -> Node.Role.TRAFFIC_PC;
            default -> throw new IperfConfigurationError(where + ".role: '" + h.get("role").asText() + "' (node or tpc)");
        }, Node.Role.NODE);
        IperfKind kind = m.check(() -> kind(text(h, "iperf", where, "iperf3j"), where + ".iperf"), IperfKind.IPERF3J);
        Map<IperfKind, Node.Command> commands = new java.util.EnumMap<>(IperfKind.class);
        if (h.has("commands")) {
            JsonNode c = h.get("commands");
            m.check(() -> {
                keys(c, where + ".commands", COMMAND_KEYS);
                return null;
            }, null);
            for (Iterator<Map.Entry<String, JsonNode>> it = c.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                IperfKind k = m.check(() -> COMMAND_KEYS.contains(e.getKey()) ? kind(e.getKey(), where + ".commands") : null, null);
                if (k != null) {
                    Node.Command command = command(m, e.getValue(), where + ".commands." + e.getKey(), k);
                    if (command != null) {
                        commands.put(k, command);
                    }
                }
            }
        }
        if (given == null) {
            return null;
        }
        Node.Access access = m.check(() -> access(h.get("connection"), where + ".connection", given, base, sshDefaults), null);
        if (access == null) {
            return null;
        }
        String address = given;
        if (access instanceof Node.Access.Ssh ssh && !h.path("connection").has("host")) {
            // the address doubled as the ssh alias: the peers connect to what ssh resolved it to (its
            // HostName in ~/.ssh/config), not to a name only this machine's config knows
            address = ssh.settings().host();
        }
        Optional<Node.ImageInstall> install = h.has("install")
                ? m.check(() -> install(h.get("install"), where + ".install", base, images), Optional.empty())
                : Optional.empty();
        if (m.count() > before) {
            return null;
        }
        try {
            Node node = new Node(id, address, role, access, kind, commands, install);
            if (!h.has("install") && planInstall.isPresent()) {
                node = node.withPlanImage(planInstall.get());
            }
            if (node.install().isEmpty() && access instanceof Node.Access.Local && access.receivesFiles()
                    && localIperf3j.isPresent() && !commands.containsKey(IperfKind.IPERF3J)) {
                commands.put(IperfKind.IPERF3J, new Node.Command(List.of(localIperf3j.get())));
                node = new Node(id, address, role, access, kind, commands, Optional.empty());
            }
            return node;
        } catch (IllegalArgumentException e) {
            m.add(where + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * A host's {@code commands.KIND} at {@code where}: a program and its arguments as words, a list or one string split at
     * white space, never a shell line ({@link Node.Command}). Each word (or the string as a whole) is refused when it holds
     * a character only a shell reads ({@link PlanValue#COMMAND_WORD}), as is an argument that gives iperf a file on the
     * host ({@link IperfKind#hostFileOption}); each mistake goes into {@code m} at its word. Null when there is one.
     */
    private static Node.Command command(Mistakes m, JsonNode v, String where, IperfKind kind) {
        int before = m.count();
        List<String> words = new ArrayList<>();
        if (v.isValueNode() && !v.isNull() && !v.asText().isBlank()) {
            m.check(() -> valid(PlanValue.COMMAND_WORD, v.asText().trim(), where), null);
            if (m.count() == before) {
                words.addAll(List.of(v.asText().trim().split("\\s+")));
            }
        } else if (v.isArray() && !v.isEmpty()) {
            for (int i = 0; i < v.size(); i++) {
                JsonNode w = v.get(i);
                String place = where + "[" + i + "]";
                if (!w.isValueNode() || w.isNull()) {
                    m.add(place + ": expected a word, got " + w);
                } else {
                    m.check(() -> valid(PlanValue.COMMAND_WORD, w.asText(), place), null);
                    words.add(w.asText());
                }
            }
        } else {
            m.add(where + ": expected a program and its arguments, a list of words or one string split at white space,"
                    + " such as /opt/iperf3j/bin/iperf3j or [LD_LIBRARY_PATH=/opt/lib, /opt/iperf3/bin/iperf3]");
        }
        if (m.count() > before) {
            return null;
        }
        Node.Command command;
        try {
            command = new Node.Command(words);
        } catch (IllegalArgumentException e) {
            // "command[i]: ..." names a word: the mistake is put at that word of a list
            java.util.regex.Matcher word = COMMAND_MISTAKE.matcher(e.getMessage());
            m.add(word.matches() ? where + (v.isArray() && word.group(1) != null ? word.group(1) : "") + ": " + word.group(2)
                    : where + ": " + e.getMessage());
            return null;
        }
        int first = words.size() - command.arguments().size();
        for (int i = 0; i < command.arguments().size(); i++) {
            Optional<String> file = IperfKind.hostFileProblem(command.arguments(), i, java.util.EnumSet.of(kind));
            if (file.isPresent()) {
                m.add(where + (v.isArray() ? "[" + (first + i) + "]" : "") + ": " + file.get());
            }
        }
        return m.count() > before ? null : command;
    }

    /** A {@link Node.Command}'s message: {@code command[i]: …} or {@code command: …}. */
    private static final java.util.regex.Pattern COMMAND_MISTAKE = java.util.regex.Pattern.compile("command(\\[\\d+])?: (.*)",
            java.util.regex.Pattern.DOTALL);

    /** {@code {image: PATH, directory: DIR}}, or {@code false} for none. Each tarball is hashed once. */
    private static Optional<Node.ImageInstall> install(JsonNode n, String where, Path base, Map<String, Node.ImageInstall> images)
            throws IperfConfigurationError {
        if (n.isBoolean() && !n.asBoolean()) {
            return Optional.empty();
        }
        if (!n.isObject()) {
            throw new IperfConfigurationError(where + ": expected {image: TARBALL, directory: DIR} or false, got " + n);
        }
        keys(n, where, INSTALL_KEYS);
        Path tarball = base.resolve(required(n, "image", where, "a runtime image such as iperf3j-0.1.0-linux-x64.tar.gz")).normalize();
        String directory = text(n, "directory", where, Node.ImageInstall.DEFAULT_DIRECTORY);
        String key = tarball + "\0" + directory;
        Node.ImageInstall image = images.get(key);
        if (image == null) {
            try {
                image = Node.ImageInstall.of(tarball, directory);
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

    /** How a host is reached: its {@code connection:} read into a value (nothing is opened). */
    private static Node.Access access(JsonNode c, String where, String address, Path base, SshDefaults sshDefaults)
            throws IperfConfigurationError {
        if (c == null || c.isNull()) {
            return Node.Access.local();
        }
        if (c.isTextual() && c.asText().equals("local")) {
            return Node.Access.local();
        } else if (!c.isObject()) {
            throw new IperfConfigurationError(where + ": '" + (c.isValueNode() ? c.asText() : c.toString())
                    + "' is not a connection; write " + CONNECTION_FORMS);
        }
        keys(c, where, CONNECTION_KEYS);
        Connection.Wrapper wrapper;
        try {
            wrapper = new Connection.Wrapper(words(c, "prefix", where), words(c, "path", where), words(c, "library_path", where));
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(where + ": " + e.getMessage());
        }
        String type = text(c, "type", where, "local");
        if (type.equals("local")) {
            return Node.Access.local(wrapper);
        }
        if (!type.equals("ssh")) {
            throw new IperfConfigurationError(where + ".type: '" + type + "' (local or ssh)");
        }
        return Node.Access.ssh(sshSettings(c, where, address, base, sshDefaults, wrapper));
    }

    /** An SSH host's settings: the plan's keys, the rest as OpenSSH's {@code ssh} would fill it ({@link OpenSshDefaults}). */
    private static SshSettings sshSettings(JsonNode c, String where, String address, Path base, SshDefaults sshDefaults,
            Connection.Wrapper wrapper) throws IperfConfigurationError {
        LoginEnvironment env = sshDefaults.environment();
        List<Path> identities = new ArrayList<>();
        for (String s : words(c, "identity", where)) {
            identities.add(base.resolve(env.expand(s)));
        }
        try {
            String host = c.has("host") ? valid(PlanValue.ADDRESS, text(c, "host", where, address), where + ".host") : address;
            String user = text(c, "user", where, null);
            if (user != null) {
                valid(PlanValue.USER, user, where + ".user");
            }
            return sshDefaults.read(where).settings(new OpenSshDefaults.Explicit(host,
                    c.has("port") ? OptionalInt.of(integer(c, "port", where, 22)) : OptionalInt.empty(),
                    Optional.ofNullable(user), identities,
                    c.has("known_hosts") ? Optional.of(base.resolve(env.expand(text(c, "known_hosts", where, "")))) : Optional.empty(),
                    c.has("accept_new_host_keys") ? Optional.of(bool(c, "accept_new_host_keys", where, false)
                            ? SshSettings.HostKeyPolicy.ACCEPT_NEW : SshSettings.HostKeyPolicy.STRICT) : Optional.empty(),
                    secret(c, "password_env", where, env), secret(c, "passphrase_env", where, env),
                    Duration.ofMillis((long) (number(c, "connect_timeout", where, 5) * 1000)),
                    Duration.ofMillis((long) (number(c, "auth_timeout", where, 5) * 1000)), wrapper));
        } catch (IllegalArgumentException e) {
            throw new IperfConfigurationError(where + ": " + e.getMessage());
        }
    }

    /** A password or passphrase from the environment variable that {@code key} names; never from the plan itself. */
    private static Optional<String> secret(JsonNode c, String key, String where, LoginEnvironment env)
            throws IperfConfigurationError {
        if (!c.has(key)) {
            return Optional.empty();
        }
        String var = valid(PlanValue.ENVIRONMENT_NAME, text(c, key, where, ""), where + "." + key);
        return Optional.of(env.variable(var).orElseThrow(() -> new IperfConfigurationError(where + "." + key
                + ": environment variable " + var + " is not set")));
    }

    /** The login defaults, read at the first SSH host: a plan of local hosts never reads {@code ~/.ssh/config}. */
    private static final class SshDefaults {
        private final LoginEnvironment environment;
        private OpenSshDefaults defaults;

        SshDefaults(LoginEnvironment environment) {
            this.environment = environment;
        }

        LoginEnvironment environment() {
            return environment;
        }

        OpenSshDefaults read(String where) throws IperfConfigurationError {
            if (defaults == null) {
                try {
                    defaults = OpenSshDefaults.read(environment);
                } catch (IOException e) {
                    throw new IperfConfigurationError(where + ": cannot read " + environment.sshDirectory().resolve("config")
                            + ": " + e.getMessage());
                }
            }
            return defaults;
        }
    }

    /** Test {@code index} into {@code b} (null once the plan has a mistake: checked only), its mistakes into {@code m}. */
    private static void test(Mistakes m, Plan.Builder b, JsonNode t, int index, String tpc, Set<String> hostIds) {
        String at = "tests[" + index + "]";
        Set<String> allowed = TEST_KEYS;
        if (!t.isObject()) {
            m.check(() -> {
                keys(t, at, allowed);
                return null;
            }, null);
            return;
        }
        int before = m.count();
        m.unknownKeys(t, at, allowed);
        String given = m.check(() -> text(t, "name", at, "t" + index), "t" + index);
        m.check(() -> valid(PlanValue.NAME, given, at + ".name"), null);
        String name = given;
        String where = at + " (" + name + ")";
        int shapes = (t.has("mesh") ? 1 : 0) + (t.has("pairs") ? 1 : 0) + (t.has("star") ? 1 : 0) + (t.has("disjoint") ? 1 : 0);
        if (shapes != 1) {
            m.add(where + ": give exactly one of mesh: [a, b, c], pairs: [[a, b]], star: [b, c], disjoint: {a: [a], b: [b, c]}");
        }
        boolean rotates = t.has("mesh") || t.has("disjoint");
        Integer perRun = !t.has("per_run") ? null : m.check(() -> {
            int k = integer(t, "per_run", where, 1);
            if (k < 1 || k > Plan.MAX_TESTS) {
                throw new IperfConfigurationError(where + ".per_run: " + k + " is not in 1.." + Plan.MAX_TESTS);
            }
            if (!rotates) {
                throw new IperfConfigurationError(where + ".per_run: only a mesh or a disjoint test rotates its pairs run by run");
            }
            return k;
        }, null);
        int beforeSpec = m.count();
        Transport transport = m.check(() -> {
            String protocol = text(t, "protocol", where, "tcp").toLowerCase(Locale.ROOT);
            return switch (protocol) {
                case "tcp" -> Transport.TCP;
                case "udp" -> Transport.UDP;
                default -> throw new IperfConfigurationError(where + ".protocol: '" + protocol + "' (tcp or udp)");
            };
        }, Transport.TCP);
        double duration = m.check(() -> number(t, "duration", where, 10), 10.0);
        List<String> args = m.check(() -> words(t, "args", where), List.of());
        for (int i = 0; i < args.size(); i++) {
            // an option that names a file on the host (--logfile, -I, -F, ...), at its word of a list
            Optional<String> file = IperfKind.hostFileProblem(args, i);
            if (file.isPresent()) {
                m.add(where + ".args" + (t.get("args").isArray() ? "[" + i + "]" : "") + ": " + file.get());
            }
        }
        int port = m.check(() -> integer(t, "port", where, TestSpec.DEFAULT_PORT), TestSpec.DEFAULT_PORT);
        Optional<Duration> clientTimeout = m.check(() -> t.has("client_timeout")
                ? Optional.of(Duration.ofMillis((long) (number(t, "client_timeout", where, 0) * 1000))) : Optional.empty(),
                Optional.empty());
        Optional<IperfKind> iperf = m.check(() -> t.has("iperf") ? Optional.of(kind(t.get("iperf").asText(), where + ".iperf"))
                : Optional.empty(), Optional.empty());
        TestSpec spec = null;
        if (m.count() == beforeSpec) {
            try {
                spec = new TestSpec(transport, duration, args, port, clientTimeout, false, iperf);
            } catch (IllegalArgumentException e) {
                m.add(where + ": " + e.getMessage());
            }
        }
        TestSpec built = spec;
        int repeat = m.check(() -> integer(t, "repeat", where, 1), 1);
        if (repeat < 1 || repeat > 10_000) {
            m.add(where + ".repeat: " + repeat + " is not in 1..10000");
        }
        String word = m.check(() -> text(t, "direction", where, (rotates ? Plan.Direction.BOTH : Plan.Direction.UP).word()),
                Plan.Direction.UP.word());
        Optional<Plan.Direction> read = Plan.Direction.of(word);
        if (read.isEmpty()) {
            m.add(where + ".direction: " + Plan.Direction.unknown(word));
        }
        Plan.Direction direction = read.orElse(Plan.Direction.UP);
        if (shapes != 1) {
            return;
        }
        if (t.has("mesh")) {
            List<String> members = m.check(() -> hostIds(m, t, "mesh", where, hostIds), null);
            if (members != null && members.size() < 2) {
                m.add(where + ".mesh: a mesh needs at least two hosts, got " + members);
            }
            if (members != null) {
                twice(m, members, where + ".mesh", t.get("mesh").isArray());
            }
            if (b != null && m.count() == before) {
                m.check(() -> perRun == null ? b.mesh(name, members, direction, built, repeat)
                        : b.mesh(name, members, direction, built, repeat, perRun), null);
            }
        } else if (t.has("disjoint")) {
            JsonNode d = t.get("disjoint");
            String at2 = where + ".disjoint";
            if (!d.isObject()) {
                m.add(at2 + ": expected a map {a: [hosts], b: [hosts]} (psconfig's a-members and b-members), got "
                        + (d.isValueNode() ? "'" + d.asText() + "'" : d));
                return;
            }
            m.unknownKeys(d, at2, DISJOINT_KEYS);
            List<String> a = side(m, d, "a", at2, hostIds);
            List<String> bs = side(m, d, "b", at2, hostIds);
            for (int i = 0; i < bs.size(); i++) {
                if (a.contains(bs.get(i))) {
                    m.add(at2 + ".b" + (d.get("b").isArray() ? "[" + i + "]" : "") + ": host '" + bs.get(i)
                            + "' is on both sides (a and b); a disjoint test pairs a's hosts with b's, never a host with itself");
                }
            }
            if (b != null && m.count() == before) {
                m.check(() -> perRun == null ? b.disjoint(name, a, bs, direction, built, repeat)
                        : b.disjoint(name, a, bs, direction, built, repeat, perRun), null);
            }
        } else if (t.has("star")) {
            String center = m.check(() -> text(t, "from", where, tpc), null);
            if (center == null && !t.has("from")) {
                m.add(where + ": a star needs 'from: HOST' or a host with role: tpc");
            }
            if (center != null) {
                m.check(() -> knownHost(center, where + ".from", hostIds), null);
            }
            List<String> nodes = m.check(() -> hostIds(m, t, "star", where, hostIds), List.of());
            if (center != null) {
                nodes.stream().map(n -> Plan.Test.sendsToItself(n, center)).flatMap(Optional::stream).findFirst().ifPresent(
                        itself -> m.add(where + ".star: '" + center + "' is the star's centre (from); " + itself));
            }
            if (b != null && m.count() == before) {
                m.check(() -> b.star(name, center, nodes, direction, built, repeat), null);
            }
        } else {
            List<List<String>> pairs = new ArrayList<>();
            JsonNode p = t.get("pairs");
            if (!p.isArray()) {
                m.add(where + ".pairs: expected a list of [sender, receiver]");
                return;
            }
            for (int i = 0; i < p.size(); i++) {
                String place = where + ".pairs[" + i + "]";
                if (!p.get(i).isArray() || p.get(i).size() != 2) {
                    m.add(place + ": expected [sender, receiver], got " + p.get(i));
                    continue;
                }
                JsonNode pair = p.get(i);
                String sender = m.check(() -> knownHost(pair.get(0).asText(), place, hostIds), null);
                String receiver = m.check(() -> knownHost(pair.get(1).asText(), place, hostIds), null);
                if (sender != null && receiver != null) {
                    Plan.Test.sendsToItself(sender, receiver).ifPresent(itself -> m.add(place + ": " + itself));
                }
                pairs.add(List.of(pair.get(0).asText(), pair.get(1).asText()));
            }
            if (b != null && m.count() == before) {
                m.check(() -> b.pairs(name, pairs, direction, built, repeat), null);
            }
        }
    }

    /** One side of a disjoint test ({@code a} or {@code b}): at least one host, each a host of the plan, none twice. */
    private static List<String> side(Mistakes m, JsonNode d, String key, String where, Set<String> hostIds) {
        if (!d.has(key) || d.get(key).isNull()) {
            m.add(where + "." + key + ": missing; give the hosts of side " + key + ", such as " + key + ": [h1, h2]");
            return List.of();
        }
        JsonNode v = d.get(key);
        if (v.isArray() && v.isEmpty() || v.isValueNode() && v.asText().isBlank()) {
            m.add(where + "." + key + ": an empty list; give at least one host");
            return List.of();
        }
        List<String> ids = m.check(() -> hostIds(m, d, key, where, hostIds), List.of());
        twice(m, ids, where + "." + key, d.get(key).isArray());
        return ids;
    }

    /** A mistake for each host listed again in {@code ids} (at its item when {@code indexed}: a YAML list). */
    private static void twice(Mistakes m, List<String> ids, String where, boolean indexed) {
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!seen.add(ids.get(i))) {
                m.add(where + (indexed ? "[" + i + "]" : "") + ": host '" + ids.get(i) + "' is listed twice");
            }
        }
    }

    /** The host ids a test lists under {@code key}, each one a host of the plan. */
    private static List<String> hostIds(Mistakes m, JsonNode t, String key, String where, Set<String> hostIds)
            throws IperfConfigurationError {
        List<String> ids = words(t, key, where);
        for (String id : ids) {
            m.check(() -> knownHost(id, where + "." + key, hostIds), null);
        }
        return ids;
    }

    /** {@code id}, a host of the plan ({@code hostIds} null: not known, so not checked). */
    private static String knownHost(String id, String where, Set<String> hostIds) throws IperfConfigurationError {
        if (hostIds != null && !hostIds.contains(id)) {
            throw new IperfConfigurationError(where + ": unknown host '" + id + "' (hosts: " + String.join(", ", hostIds) + ")");
        }
        return id;
    }

    /** {@code value}, if it is a valid {@code kind}; else the mistake at {@code where} ({@link PlanValue#problem}). */
    private static String valid(PlanValue kind, String value, String where) throws IperfConfigurationError {
        Optional<String> problem = kind.problem(value);
        if (problem.isPresent()) {
            throw new IperfConfigurationError(where + ": " + problem.get());
        }
        return value;
    }

    /**
     * Every key and text value under {@code n} (at {@code where}) that holds a control character
     * ({@link PlanValue#controlCharacter}), a mistake each in {@code m}: a plan's values reach hosts' shells, command
     * lines and file names, whatever key they are under (an unknown key's value too).
     */
    private static void controlCharacters(Mistakes m, JsonNode n, String where) {
        if (n.isTextual()) {
            PlanValue.controlCharacter(n.asText()).ifPresent(p -> m.add(where + ": " + p));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode item = n.get(i);
                String named = where.equals("hosts") ? itemName(item, "id") : where.equals("tests") ? itemName(item, "name") : "";
                controlCharacters(m, item, where + "[" + i + "]" + named);
            }
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                String k = e.getKey();
                Optional<String> inKey = PlanValue.controlCharacter(k);
                if (inKey.isPresent()) {
                    m.add(where + ": a key " + inKey.get());
                    continue;
                }
                boolean top = where.equals("plan");
                controlCharacters(m, e.getValue(), top && e.getValue().isContainerNode() ? k : top ? "plan." + k : where + "." + k);
            }
        }
    }

    /** " (NAME)" for a host's or test's item whose {@code key} is a plain name, as the other mistakes name it; else "". */
    private static String itemName(JsonNode item, String key) {
        JsonNode v = item.path(key);
        return v.isTextual() && PlanValue.NAME.problem(v.asText()).isEmpty() ? " (" + v.asText() + ")" : "";
    }

    private static void keys(JsonNode n, String where, Set<String> allowed) throws IperfConfigurationError {
        if (!n.isObject()) {
            throw new IperfConfigurationError(where + ": expected a map with the keys "
                    + String.join(", ", allowed.stream().sorted().toList()) + ", got " + (n.isValueNode() ? "'" + n.asText() + "'" : n));
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IperfConfigurationError(where + ": unknown key '" + k + "' (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static JsonNode list(JsonNode n, String key, String where, String example) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || !v.isArray() || v.isEmpty()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a non-empty list, each item like " + example);
        }
        return v;
    }

    private static String required(JsonNode n, String key, String where, String expected) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || !v.isValueNode() || v.asText().isBlank()) {
            throw new IperfConfigurationError(where + "." + key + ": missing; give " + expected);
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
            throw new IperfConfigurationError(where + "." + key + ": expected true or false, got '" + v.asText() + "'");
        }
        return v.asBoolean();
    }

    private static double number(JsonNode n, String key, String where, double fallback) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a number (seconds), got '" + v.asText() + "'");
        }
        return v.asDouble();
    }

    private static int integer(JsonNode n, String key, String where, int fallback) throws IperfConfigurationError {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IperfConfigurationError(where + "." + key + ": expected a whole number, got '" + v.asText() + "'");
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
