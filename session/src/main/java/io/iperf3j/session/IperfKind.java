package io.iperf3j.session;

import io.iperf3j.session.SessionException.IperfConfigurationError;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Which iperf a node runs. iperf3j and iperf3 speak the same protocol; iperf2 only talks to iperf2. */
public enum IperfKind {
    /** This project's iperf3 (the {@code iperf3j} launcher or {@code java -jar}). */
    IPERF3J("iperf3j", Getopt.IPERF3, "FI", List.of("pidfile", "file", "logfile", "rsa-public-key-path", "rsa-private-key-path",
            "authorized-users-path"), List.of("metrics.file", "report"), List.of("allow", "deny")),
    /** The reference iperf3. */
    IPERF3("iperf3", Getopt.IPERF3, "FI", List.of("pidfile", "file", "logfile", "rsa-public-key-path", "rsa-private-key-path",
            "authorized-users-path"), List.of(), List.of()),
    /** iperf 2 ({@code iperf}). */
    IPERF2("iperf", "146b:c:def:hi:l:mn:o:p:rst:uvw:x:y:zAB:CDF:H:IL:M:NP:RS:T:UVWXZ:", "oF",
            List.of("output", "file_input", "fileinput"), List.of(), List.of());

    /** The short options' strings the kinds share (an enum's constants cannot name its own static fields). */
    private static final class Getopt {
        /**
         * iperf3's short options as its {@code getopt_long} reads them (3.12's string, with 3.18-3.21's {@code -m}): a
         * letter with {@code :} takes a value, glued ({@code -P4}) or the next word. iperf3j reads the same.
         */
        static final String IPERF3 = "p:f:i:D1VJvsc:ub:t:n:k:l:P:Rw:B:M:N46S:L:ZO:F:A:T:C:dI:hX:m";
    }

    private final String defaultCommand;
    /** The short options, a {@code getopt} string: iperf 2's is its 2.1.8 binary's. */
    private final String shortOptions;
    /** The short options that name a file on the host. */
    private final String fileShort;
    /** The long options that name a file on the host, which {@code getopt_long} takes by any prefix ({@code --logf}). */
    private final List<String> fileLong;
    /** The long options that name a file on the host and are taken by their whole name only (iperf3j's own). */
    private final List<String> fileLongWhole;
    /** The long options (whole names) whose value names a file when it starts with {@code @} (iperf3j's {@code --allow @FILE}). */
    private final List<String> fileAtValue;

    IperfKind(String defaultCommand, String shortOptions, String fileShort, List<String> fileLong, List<String> fileLongWhole,
            List<String> fileAtValue) {
        this.defaultCommand = defaultCommand;
        this.shortOptions = shortOptions;
        this.fileShort = fileShort;
        this.fileLong = fileLong;
        this.fileLongWhole = fileLongWhole;
        this.fileAtValue = fileAtValue;
    }

    /** The command run when a node names no path for this kind. */
    public String defaultCommand() {
        return defaultCommand;
    }

    /** Whether this kind speaks iperf3's protocol. */
    public boolean speaksIperf3() {
        return this != IPERF2;
    }

    /** The name used in plans: {@code iperf3j}, {@code iperf3}, {@code iperf2}. */
    public String planName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a plan name ({@code iperf} is accepted for iperf2). */
    public static IperfKind fromPlanName(String name) throws IperfConfigurationError {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "iperf3j" -> IPERF3J;
            case "iperf3" -> IPERF3;
            case "iperf2", "iperf" -> IPERF2;
            default -> throw new IperfConfigurationError("unknown iperf '" + name + "' (iperf3j, iperf3, iperf2)");
        };
    }

    /**
     * The option that the word {@code words.get(i)} gives this iperf, if it names a file on the host that iperf would write
     * or read there as the login (root, often): iperf3's and iperf3j's {@code -I}/{@code --pidfile}, {@code -F}/{@code --file},
     * {@code --logfile}, {@code --rsa-public-key-path}, {@code --rsa-private-key-path}, {@code --authorized-users-path};
     * iperf3j's {@code --metrics.file}, {@code --report} and {@code --allow}/{@code --deny @FILE}; iperf 2's
     * {@code -o}/{@code --output} and {@code -F}/{@code --fileinput}. Every spelling its {@code getopt_long} reads counts:
     * {@code --logfile X}, {@code --logfile=X}, a prefix ({@code --logf}, as long as it is the start of such a name),
     * {@code -IX}, and the letter among grouped flags ({@code -VI X}; the group is read as iperf reads it, up to its first
     * letter that takes a value). Each word is read on its own, whatever the word before it is (a value of another option
     * included): a plan refused for a word that was only a value loses nothing it needed. This is the one list of them.
     *
     * @return the option in its usual spelling ({@code --logfile}, {@code -I (--pidfile)}), or empty
     */
    public Optional<String> hostFileOption(List<String> words, int i) {
        String w = words.get(i);
        if (w.startsWith("--")) {
            int eq = w.indexOf('=');
            String name = w.substring(2, eq < 0 ? w.length() : eq);
            if (name.isEmpty()) {
                return Optional.empty(); // "--": the end of the options
            }
            for (String f : fileLong) {
                if (f.startsWith(name)) {
                    return Optional.of("--" + f);
                }
            }
            if (fileLongWhole.contains(name)) {
                return Optional.of("--" + name);
            }
            if (fileAtValue.contains(name)) {
                String value = eq >= 0 ? w.substring(eq + 1) : i + 1 < words.size() ? words.get(i + 1) : "";
                if (value.startsWith("@")) {
                    return Optional.of("--" + name + " @FILE");
                }
            }
            return Optional.empty();
        }
        if (w.length() < 2 || w.charAt(0) != '-') {
            return Optional.empty();
        }
        for (int k = 1; k < w.length(); k++) {
            char c = w.charAt(k);
            if (fileShort.indexOf(c) >= 0) {
                return Optional.of("-" + c + " (--" + shortName(c) + ")");
            }
            int at = c == ':' ? -1 : shortOptions.indexOf(c);
            if (at >= 0 && at + 1 < shortOptions.length() && shortOptions.charAt(at + 1) == ':') {
                return Optional.empty(); // the rest of the word is this option's value
            }
        }
        return Optional.empty();
    }

    private String shortName(char c) {
        return switch (this) {
            case IPERF2 -> c == 'o' ? "output" : "fileinput";
            default -> c == 'I' ? "pidfile" : "file";
        };
    }

    /**
     * Why the word {@code words.get(i)} may not be given to iperf of any of {@code kinds} ({@link #hostFileOption}): the
     * message a plan's mistake and the library's {@link IllegalArgumentException} say; empty when it may.
     */
    public static Optional<String> hostFileProblem(List<String> words, int i, Set<IperfKind> kinds) {
        for (IperfKind k : values()) {
            if (kinds.contains(k)) {
                Optional<String> option = k.hostFileOption(words, i);
                if (option.isPresent()) {
                    return Optional.of("'" + words.get(i) + "' gives " + (kinds.size() == 1 ? k.planName() + "'s " : "iperf's ")
                            + option.get() + ", which names a file on the host for iperf to write or read there as the login;"
                            + " a plan may not choose one (the session keeps each test's output itself)");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * {@link #hostFileProblem(List, int, Set)} for every kind: a test's arguments ({@link TestSpec#extraArgs()}) reach
     * whichever iperf its hosts run.
     */
    public static Optional<String> hostFileProblem(List<String> words, int i) {
        return hostFileProblem(words, i, java.util.EnumSet.allOf(IperfKind.class));
    }
}
