package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A host taking part in tests: its id, the address of its test interface (what the
 * other side's client connects to), its role, how to reach it, and which iperf it runs.
 * A plain value: it holds no connection, opens nothing, and equals another node of the same
 * values. A run (a {@link PlanRunner}, an {@link IperfSession}) makes each node's
 * {@link Connection} from its {@link Node.Access} when the node is first used.
 *
 * @param id a short name, unique in a session ({@link PlanValue#NAME}: it is used in file names)
 * @param address the test-interface address ({@link PlanValue#ADDRESS})
 * @param role device under test or traffic PC
 * @param access how commands reach the host (local, SSH, or a connection of the caller's making)
 * @param kind the iperf it runs by default
 * @param commands the command for each kind it can run (kinds missing use {@link IperfKind#defaultCommand()}): a
 *        program and its arguments as words, never a shell line ({@link Node.Command}); none gives its iperf a file on the
 *        host ({@link IperfKind#hostFileOption})
 * @param install the iperf3j runtime image to copy to the host and run iperf3j from, if any
 *        (then {@code commands} has no iperf3j entry, and the access has no prefix:
 *        {@link Node.Access#receivesFiles()})
 */
public record Node(String id, String address, Node.Role role, Node.Access access, IperfKind kind,
        Map<IperfKind, Node.Command> commands, Optional<Node.ImageInstall> install) {
    /**
     * Checks the id and the address ({@link PlanValue}) and that no command gives its iperf a file on the host
     * ({@link IperfKind#hostFileOption}), and copies the command map.
     */
    public Node {
        Objects.requireNonNull(id, "id");
        PlanValue.NAME.require("node id", id);
        Objects.requireNonNull(address, "address");
        PlanValue.ADDRESS.require("node '" + id + "' address", address);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(kind, "kind");
        commands = commands.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(commands));
        for (Map.Entry<IperfKind, Node.Command> c : commands.entrySet()) {
            List<String> arguments = c.getValue().arguments();
            for (int i = 0; i < arguments.size(); i++) {
                Optional<String> file = IperfKind.hostFileProblem(arguments, i, java.util.EnumSet.of(c.getKey()));
                if (file.isPresent()) {
                    throw new IllegalArgumentException("node '" + id + "' command for " + c.getKey() + ": " + file.get());
                }
            }
        }
        Objects.requireNonNull(install, "install");
        if (install.isPresent() && commands.containsKey(IperfKind.IPERF3J)) {
            throw new IllegalArgumentException("node '" + id + "': give either an iperf3j command or an image to install, not both");
        }
        if (install.isPresent() && !access.receivesFiles()) {
            throw new IllegalArgumentException("node '" + id + "': an image cannot be installed through the prefix "
                    + access.wrapper().prefix() + " (it is copied over SFTP); install iperf3j on that device yourself");
        }
    }

    /** A node with no image to install. */
    public Node(String id, String address, Node.Role role, Node.Access access, IperfKind kind,
            Map<IperfKind, Node.Command> commands) {
        this(id, address, role, access, kind, commands, Optional.empty());
    }

    /** This node, running iperf3j from {@code image} copied to the host before its first iperf3j test. */
    public Node withInstall(Node.ImageInstall image) {
        return new Node(id, address, role, access, kind, commands, Optional.of(image));
    }

    /**
     * This node with a plan's image ({@link Plan.Builder#install}, a plan file's {@code install:}) if the rule
     * gives it one: a host with no image and no iperf3j command of its own, that can receive a file
     * ({@link Node.Access#receivesFiles()}); else this node. The one place of that rule.
     */
    public Node withPlanImage(Node.ImageInstall image) {
        boolean takes = install.isEmpty() && !commands.containsKey(IperfKind.IPERF3J) && access.receivesFiles();
        return takes ? withInstall(image) : this;
    }

    /** A node running {@code kind} with its default command. */
    public static Node of(String id, String address, Node.Role role, Node.Access access, IperfKind kind) {
        return new Node(id, address, role, access, kind, Map.of());
    }

    /**
     * Starts a node with the plan file's defaults: role {@link Role#NODE}, reached {@linkplain Access#local() locally},
     * running iperf3j from {@code PATH} ({@code id}, {@code address}, {@code role}, {@code connection}, {@code iperf},
     * {@code commands} and {@code install} of a plan's host are the builder's methods of the same names).
     *
     * @param id a short name, unique in a session ({@link PlanValue#NAME})
     * @param address the test-interface address ({@link PlanValue#ADDRESS})
     */
    public static Builder builder(String id, String address) {
        return new Builder(id, address);
    }

    /**
     * This node running {@code kind} as {@code words}, split at white space ({@link Node.Command#of(String)}: a path such
     * as {@code /opt/iperf3j/bin/iperf3j}, or a program and its arguments such as {@code java -jar /opt/iperf3j.jar})
     * rather than {@code kind}'s name from {@code PATH}: a plan file's {@code commands: {iperf3j: /opt/iperf3j/bin/iperf3j}}.
     * No shell reads the words.
     *
     * @throws IllegalArgumentException if the words are not a command ({@link Node.Command}), give iperf a file on the
     *         host, or are an iperf3j command for a node that installs an image
     */
    public Node withCommand(IperfKind kind, String words) {
        return withCommand(kind, Node.Command.of(words));
    }

    /**
     * This node running {@code kind} as {@code words}: a program and its arguments, each word as it is (a path with a space
     * is one word), as a plan file's {@code commands: {iperf3: [/opt/my tools/iperf3, --forceflush]}}.
     *
     * @throws IllegalArgumentException as {@link #withCommand(IperfKind, String)}
     */
    public Node withCommand(IperfKind kind, List<String> words) {
        return withCommand(kind, new Node.Command(words));
    }

    private Node withCommand(IperfKind kind, Node.Command command) {
        Objects.requireNonNull(kind, "kind");
        Map<IperfKind, Node.Command> more = new EnumMap<>(IperfKind.class);
        more.putAll(commands);
        more.put(kind, command);
        return new Node(id, address, role, access, kind(), more, install);
    }

    /**
     * Builds a {@link Node} one setting at a time, as a plan file's host is written; every setting but the id and the
     * address is optional. Checked when {@link #build()} makes the node.
     */
    public static final class Builder {
        private final String id;
        private final String address;
        private Node.Role role = Node.Role.NODE;
        private Node.Access access = Node.Access.local();
        private IperfKind kind = IperfKind.IPERF3J;
        private final Map<IperfKind, Node.Command> commands = new EnumMap<>(IperfKind.class);
        private Optional<Node.ImageInstall> install = Optional.empty();

        private Builder(String id, String address) {
            this.id = Objects.requireNonNull(id, "id");
            this.address = Objects.requireNonNull(address, "address");
        }

        /** Device under test ({@link Role#NODE}, the default) or traffic PC (a plan's {@code role: tpc}). */
        public Builder role(Node.Role r) {
            role = Objects.requireNonNull(r, "role");
            return this;
        }

        /** How commands reach the host (a plan's {@code connection:}); default {@link Access#local()}. */
        public Builder access(Node.Access a) {
            access = Objects.requireNonNull(a, "access");
            return this;
        }

        /** The iperf the host runs by default (a plan's {@code iperf:}); default {@link IperfKind#IPERF3J}. */
        public Builder iperf(IperfKind k) {
            kind = Objects.requireNonNull(k, "kind");
            return this;
        }

        /**
         * Runs {@code k} as {@code words} on this host, split at white space (a plan's {@code commands: {iperf3j: PATH}}):
         * the binary's path where it is not on the login's {@code PATH}, or a program and its arguments. No shell reads
         * them ({@link Node.Command}).
         *
         * @throws IllegalArgumentException if the words are not a command ({@link Node.Command#of(String)})
         */
        public Builder command(IperfKind k, String words) {
            commands.put(Objects.requireNonNull(k, "kind"), Node.Command.of(words));
            return this;
        }

        /**
         * Runs {@code k} as {@code words} on this host: a program and its arguments, each word as it is (a plan's
         * {@code commands: {iperf3: [/opt/my tools/iperf3]}}).
         *
         * @throws IllegalArgumentException if the words are not a command ({@link Node.Command})
         */
        public Builder command(IperfKind k, List<String> words) {
            commands.put(Objects.requireNonNull(k, "kind"), new Node.Command(words));
            return this;
        }

        /** Copies this iperf3j runtime image to the host and runs iperf3j from it (a plan's {@code install:}). */
        public Builder install(Node.ImageInstall image) {
            install = Optional.of(Objects.requireNonNull(image, "image"));
            return this;
        }

        /**
         * The node.
         *
         * @throws IllegalArgumentException if a value is not valid ({@link PlanValue}), or an iperf3j command and an image
         *         are both given
         */
        public Node build() {
            return new Node(id, address, role, access, kind, commands, install);
        }
    }

    /**
     * The command that runs {@code kind} here, as the host's shell reads it (iperf's arguments go after it): the
     * command's words, each quoted ({@link Node.Command#commandLine()}), or {@code kind}'s name from the login's
     * {@code PATH}; for iperf3j with an image to install, the image's launcher on the host
     * ({@link Node.ImageInstall#launcher()}).
     */
    public String commandLine(IperfKind kind) {
        if (kind == IperfKind.IPERF3J && install.isPresent()) {
            return install.get().launcher();
        }
        Node.Command c = commands.get(kind);
        return c != null ? c.commandLine() : Connection.Shell.quote(kind.defaultCommand());
    }

    /**
     * What runs one kind of iperf on a host: a program and its arguments, as words (a plan's {@code commands:} value). No
     * shell ever reads them: where the command line is built each word is quoted ({@link #commandLine()},
     * {@link Connection.Shell#quote}), so a {@code ;}, {@code $(…)}, a quote, a space or a {@code ~} in a word is a
     * character of that word, which reaches the program as it is. Leading {@code NAME=value} words are the program's
     * environment ({@code LD_LIBRARY_PATH=/opt/iperf3/lib /opt/iperf3/bin/iperf3}), set through {@code env}.
     *
     * <p>Refused ({@link IllegalArgumentException}): no words; an empty word or one with a control character
     * ({@link PlanValue#TEXT}); no program after the environment; a program that starts with {@code -} (the shell's
     * {@code exec} or {@code env} would take it for an option), or that holds {@code =} after an environment ({@code env}
     * would take it for one more variable); a variable whose name starts with {@code IPERF} (iperf reads such variables as
     * options, some of which name a file on the host: iperf3j's {@code IPERF3_METRICS_FILE}, iperf 2's
     * {@code IPERF_OUTPUT}; and the session marks its processes with {@code IPERF3J_SESSION_NODE}). A {@link Node} also
     * refuses arguments that give its iperf a file on the host ({@link IperfKind#hostFileOption}). The plan reader
     * refuses, besides, words with characters only a shell would read ({@link PlanValue#COMMAND_WORD}).
     *
     * @param words the environment's {@code NAME=value} words, then the program (a path, or a name on the login's
     *        {@code PATH}) and its arguments
     */
    public record Command(List<String> words) {
        private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);

        /** Copies the words and checks them. */
        public Command {
            words = List.copyOf(words);
            if (words.isEmpty()) {
                throw new IllegalArgumentException("command: no words; give the program (a path, or a name on the login's PATH)"
                        + " and its arguments");
            }
            for (int i = 0; i < words.size(); i++) {
                PlanValue.TEXT.require("command[" + i + "]", words.get(i));
                if (words.get(i).isEmpty()) {
                    throw new IllegalArgumentException("command[" + i + "]: an empty word");
                }
            }
            int program = environmentSize(words);
            for (int i = 0; i < program; i++) {
                String name = words.get(i).substring(0, words.get(i).indexOf('='));
                if (name.toUpperCase(java.util.Locale.ROOT).startsWith("IPERF")) {
                    throw new IllegalArgumentException("command[" + i + "]: '" + words.get(i) + "' sets " + name + ": iperf reads"
                            + " variables named IPERF... as its options (iperf3j's IPERF3_METRICS_FILE and iperf 2's IPERF_OUTPUT"
                            + " name a file on the host) and the session marks its processes with one; a command may not set them");
                }
            }
            if (program == words.size()) {
                throw new IllegalArgumentException("command: " + words + " gives variables (NAME=value) but no program after them");
            }
            String p = words.get(program);
            if (p.startsWith("-")) {
                throw new IllegalArgumentException("command[" + program + "]: '" + p + "' is not a program (it starts with -)");
            }
            if (program > 0 && p.indexOf('=') >= 0) {
                throw new IllegalArgumentException("command[" + program + "]: the program '" + p + "' holds '=' after NAME=value"
                        + " words, which env would take for one more variable");
            }
        }

        /** The number of leading {@code NAME=value} words. */
        private static int environmentSize(List<String> words) {
            int n = 0;
            while (n < words.size() && ASSIGNMENT.matcher(words.get(n)).matches()) {
                n++;
            }
            return n;
        }

        /**
         * {@code words} split at white space, as a plan's string value is read ({@code LD_LIBRARY_PATH=/opt/lib iperf3}):
         * a word cannot hold a space this way (a list of words can).
         *
         * @throws IllegalArgumentException if the text holds a control character, or the words are not a command
         */
        public static Command of(String words) {
            Objects.requireNonNull(words, "words");
            PlanValue.TEXT.require("command", words);
            String trimmed = words.trim();
            return new Command(trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+")));
        }

        /** The leading {@code NAME=value} words: the program's environment. */
        public List<String> environment() {
            return words.subList(0, environmentSize(words));
        }

        /** The program: a path, or a name the login's {@code PATH} finds. */
        public String program() {
            return words.get(environmentSize(words));
        }

        /** The words after the program. */
        public List<String> arguments() {
            return words.subList(environmentSize(words) + 1, words.size());
        }

        /**
         * The command as the host's shell reads it: every word quoted ({@link Connection.Shell#join}), after {@code env}
         * when it has an environment, so that no word is ever read as shell syntax and each reaches the program as it is.
         */
        public String commandLine() {
            String line = Connection.Shell.join(words);
            return environmentSize(words) == 0 ? line : "env " + line;
        }
    }

    /**
     * How commands reach a host, as a value: what a run makes the host's {@link Connection} from, when the
     * host is first used (one connection per host and run, closed when the run ends). Making one does no I/O.
     */
    public sealed interface Access permits Node.Access.Local, Node.Access.Ssh, Node.Access.Custom {
        /** What is put around every command. */
        Connection.Wrapper wrapper();

        /**
         * Whether a file copied to the host lands where its commands run: not behind a
         * {@link Connection.Wrapper#prefix()} (SFTP would put it on the SSH host, not on the device behind).
         */
        default boolean receivesFiles() {
            return wrapper().prefix().isEmpty();
        }

        /** Commands run on this machine ({@code sh -c}). */
        static Node.Access local() {
            return new Local(Connection.Wrapper.NONE);
        }

        /** Commands run on this machine through {@code wrapper}. */
        static Node.Access local(Connection.Wrapper wrapper) {
            return new Local(wrapper);
        }

        /** Commands run over SSH, logged in with {@code settings} (MINA SSHD, OpenSSH's defaults and files). */
        static Node.Access ssh(SshSettings settings) {
            return new Ssh(settings);
        }

        /**
         * Commands run on this machine.
         *
         * @param wrapper what is put around every command
         */
        record Local(Connection.Wrapper wrapper) implements Node.Access {
            /** Checks presence. */
            public Local {
                Objects.requireNonNull(wrapper, "wrapper");
            }
        }

        /**
         * Commands run over SSH; the run's connection logs in on its first command.
         *
         * @param settings where and how to log in (the wrapper included)
         */
        record Ssh(SshSettings settings) implements Node.Access {
            /** Checks presence. */
            public Ssh {
                Objects.requireNonNull(settings, "settings");
            }

            @Override
            public Connection.Wrapper wrapper() {
                return settings.wrapper();
            }
        }

        /**
         * A connection of the caller's making (a device with a transport of its own, a test's fake host):
         * {@code connect} is called once per run, when the host is first used, and the run closes what it
         * returned at its end. Equal only to itself as far as {@code connect} goes.
         *
         * @param wrapper what the connection puts around every command (what {@code connect}'s connections
         *        return from {@link Connection#wrapper()})
         * @param connect makes the host's connection; it should do no I/O (a connection opens on first use)
         */
        record Custom(Connection.Wrapper wrapper, java.util.function.Supplier<? extends Connection> connect)
                implements Node.Access {
            /** Checks presence. */
            public Custom {
                Objects.requireNonNull(wrapper, "wrapper");
                Objects.requireNonNull(connect, "connect");
            }
        }
    }

    /** A device under test or the traffic PC (the seed's {@code "node"} and {@code "tpc"}). */
    public enum Role {
        NODE, TRAFFIC_PC
    }

    /**
     * A host option: before the plan's first iperf3j test on the host, the iperf3j runtime image
     * (the tarball {@code iperf3j-VERSION-linux-x64.tar.gz} the dist module builds: a jlinked
     * Java runtime, the application and {@code bin/iperf3j}) is copied to the host over SFTP,
     * unpacked with the host's {@code tar} into {@link #imageDirectory()} and run from there, so
     * the host needs nothing but sshd and tar. The folder is named after the tarball's SHA-256 and
     * is private to the user the host's commands run as: by default in that user's state folder
     * (root's {@code /run/iperf3j-session}, another user's {@code ~/.cache/iperf3j-session}); a
     * folder of the plan's choosing must be that user's own, or root's, with no folder above it
     * that another user may write. Before anything in it runs, every file in it is checked
     * against the tarball's ({@code sha256sum -c} of the tarball's manifest): a later run reuses
     * an image that passes, and replaces one that does not.
     *
     * <p>Limits: a tarball of at most {@link #MAX_BYTES}; the directory an absolute path of plain
     * characters (it is put into shell lines), or "" for the state folder.
     *
     * @param tarball the runtime image tarball on this machine
     * @param sha256 its SHA-256, in hex
     * @param directory the directory on the host under which {@code image-<sha256 prefix>} is made;
     *        {@link #DEFAULT_DIRECTORY} ("") for the user's state folder
     */
    public record ImageInstall(Path tarball, String sha256, String directory) {
        /** Largest tarball accepted. */
        public static final long MAX_BYTES = 1L << 30;
        /** Where images go on a host unless a plan says otherwise: "", the state folder of the user commands run as there. */
        public static final String DEFAULT_DIRECTORY = "";
        private static final Pattern SAFE_DIR = Pattern.compile("/[A-Za-z0-9_./+@%=,-]*");
        private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
        /** Checks the fields. */
        public ImageInstall {
            Objects.requireNonNull(tarball, "tarball");
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(directory, "directory");
            if (!SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException("sha256 '" + sha256 + "' is not 64 lower-case hex digits");
            }
            if (!directory.isEmpty() && (!SAFE_DIR.matcher(directory).matches() || directory.contains(".."))) {
                throw new IllegalArgumentException("install directory '" + directory
                        + "' must be an absolute path of plain characters ([A-Za-z0-9_./+@%=,-], no ..)");
            }
        }

        /** The image at {@code tarball}, installed under {@link #DEFAULT_DIRECTORY}; reads and hashes the file now. */
        public static ImageInstall of(Path tarball) throws IperfConfigurationError {
            return of(tarball, DEFAULT_DIRECTORY);
        }

        /**
         * The image at {@code tarball}, installed under {@code directory}; reads and hashes the file now.
         *
         * @throws IperfConfigurationError if the file is missing, unreadable, too big or not gzip
         */
        public static ImageInstall of(Path tarball, String directory) throws IperfConfigurationError {
            try {
                if (!Files.isRegularFile(tarball)) {
                    throw new IperfConfigurationError("install image " + tarball + ": no such file (build it with "
                            + "`mvn -pl dist -am package`: dist/target/iperf3j-VERSION-linux-x64.tar.gz)");
                }
                long size = Files.size(tarball);
                if (size > MAX_BYTES) {
                    throw new IperfConfigurationError("install image " + tarball + ": " + size + " bytes is over the "
                            + MAX_BYTES + "-byte limit");
                }
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] head = new byte[2];
                int headLength = 0;
                try (InputStream in = Files.newInputStream(tarball)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        for (int i = 0; i < n && headLength < 2; i++) {
                            head[headLength++] = buf[i];
                        }
                        sha.update(buf, 0, n);
                    }
                }
                if (headLength < 2 || (head[0] & 0xff) != 0x1f || (head[1] & 0xff) != 0x8b) {
                    throw new IperfConfigurationError("install image " + tarball
                            + ": not a gzip file (expected the runtime image iperf3j-VERSION-linux-x64.tar.gz)");
                }
                return new ImageInstall(tarball.toAbsolutePath(), HexFormat.of().formatHex(sha.digest()), directory);
            } catch (IOException e) {
                throw new IperfConfigurationError("install image " + tarball + ": cannot read it: " + e.getMessage());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            } catch (IllegalArgumentException e) {
                throw new IperfConfigurationError("install image " + tarball + ": " + e.getMessage());
            }
        }

        /**
         * The directory the image is unpacked into on the host, as a word of the host scripts' shell:
         * {@code DIRECTORY/image-<first 16 hex digits of the SHA-256>}, or {@code "$root"/image-…} in the state
         * folder, which the scripts' library sets ({@code host-lib.sh}).
         */
        public String imageDirectory() {
            String image = "image-" + sha256.substring(0, 16);
            return directory.isEmpty() ? "\"$root\"/" + image : (directory.endsWith("/") ? directory : directory + "/") + image;
        }

        /** The host scripts' function that starts an installed image ({@code host-lib.sh}). */
        public static final String IMAGE_RUN = "imagerun";

        /**
         * The unpacked launcher on the host, as the host scripts start it: {@code imagerun HASH16 DIR} ({@code host-lib.sh}),
         * which checks the image's folder (it, and every folder above it, root's or the login's and writable by no one else, no
         * link of another user's on the way) right before each start and then becomes its {@code bin/iperf3j} with the
         * arguments that follow (issue 64: a path resolved anew at each start went through a link another user re-pointed).
         */
        public String launcher() {
            return IMAGE_RUN + " " + sha256.substring(0, 16) + " " + (directory.isEmpty() ? "''" : Connection.Shell.quote(directory));
        }
    }
}
