package io.iperf3j.internal.options;

import io.iperf3j.internal.output.OutputMode;
import io.iperf3j.options.OptionError;
import io.iperf3j.options.OptionGroup;
import io.iperf3j.options.OptionRow;
import io.iperf3j.sys.NativeSocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads an iperf3 3.12 command line (plus iperf3j's own options) into
 * {@link IperfOptions}, with 3.12's rules, messages and exit codes, so that
 * {@code iperf3j} can stand in for {@code iperf3} in scripts.
 *
 * <p>{@link #parse(String...)} is a pure function: it prints nothing, never exits,
 * keeps no state between calls and may be called from several threads at once.
 * The caller prints what the {@link ParseResult} says:
 * <ul>
 * <li>{@link ParseResult.Run}: the options, and warnings for stderr (3.12 warns about
 *     {@code -J} combined with {@code -f}, {@code -V} or {@code -d});</li>
 * <li>{@link ParseResult.Help}, {@link ParseResult.Version}: text for stdout, exit 0;</li>
 * <li>{@link ParseResult.Failure}: exit 1; see {@link ParseResult.Failure} for where the
 *     message goes (3.21's short usage on stderr, or JSON on stdout when the line asks
 *     for JSON).</li>
 * </ul>
 *
 * <h2>How 3.12 is mirrored</h2>
 * Option syntax is glibc {@code getopt_long}'s ({@link GetoptScanner}): clusters
 * ({@code -sD}, {@code -1s}), attached values ({@code -P4}), {@code --name=value} and
 * {@code --name value}, unambiguous prefixes of long names, optional arguments only
 * after {@code =} ({@code --timestamps[=fmt]}, {@code --debug[=N]}; a short {@code -d}
 * takes none), non-option words ignored wherever they stand (3.12 ignores them too),
 * {@code --} ending the options. Values are read with 3.12's C conversions
 * ({@link CNumbers}): {@code atoi}/{@code atof} for plain numbers, {@code %lf} plus one
 * suffix letter for sizes ({@code k K m M g G t T}, 1024^n for {@code -n -k -l -w
 * --pacing-timer --connect-timeout}, 1000^n for {@code -b --fq-rate
 * --server-bitrate-limit}; other letters are ignored), {@code strtol(…, 0)} (decimal,
 * octal, hex) for {@code -S -L -A}, {@code parse_qos} for {@code --dscp}
 * ({@link Dscp}). Each value is checked when it is read, the cross-option rules after
 * the last option, in 3.12's order, so the reported error is the one 3.12 reports.
 *
 * <h2>Deliberate deviations from 3.12</h2>
 * <ol>
 * <li>{@code -t} below 0 is a parameter error, as in iperf3 3.17+; for every {@code -t}
 *     outside 0..86400 the message is 3.17's "test duration valid values are 0 to
 *     86400 seconds" (3.12: no check below 0, and "test duration too long (maximum =
 *     86400 seconds)" above 86400).</li>
 * <li>Values 3.12 accepts but wraps through C integer conversions into nonsense are
 *     refused with "value out of range: &lt;option&gt; &lt;value&gt;" (iperf3j code
 *     1003): negative (or 2^63 and larger) {@code -n}, {@code -k}, {@code -b},
 *     {@code --fq-rate}, {@code --server-bitrate-limit}; negative {@code -w},
 *     {@code --pacing-timer}, {@code --connect-timeout}, {@code -M}; {@code -P} below 1.
 *     A negative {@code -l} with {@code -u} is refused as "block size invalid" (3.12
 *     skips its UDP check for negative lengths). A NaN {@code -i} or
 *     {@code --server-bitrate-limit} averaging window is refused like any other
 *     out-of-range value (3.12's comparisons let NaN through).</li>
 * <li>SCTP is not available: {@code --sctp}, {@code --nstreams} and {@code -X/--xbind}
 *     fail at once with "parameter error - no SCTP support available" (3.12 built with
 *     SCTP accepts them; built without, it calls {@code --sctp}/{@code --nstreams}
 *     unrecognized options and accepts {@code -X}).</li>
 * <li>{@code -A/--affinity} and {@code -L/--flowlabel} are checked as 3.12 checks them
 *     and stored ({@code affinity} normalised to {@code "n"} or {@code "n,m"} in
 *     decimal); whether they can be applied is the engine's decision. (A 3.12 build
 *     without affinity or flow label support rejects them while parsing.)</li>
 * <li>iperf3 3.18-3.21's options, with 3.21's rules: {@code --skip-rx-copy} (client
 *     only), {@code --gsro} (client only, checked after the loop as 3.21 does),
 *     {@code -m/--mptcp} (either role; selects TCP like 3.21's {@code set_protocol}),
 *     {@code --cntl-ka[=idle/interval/count]} (either role; "control connection
 *     Keepalive period should be larger than the full retry period" when idle is not
 *     above interval × count) and {@code --json-stream-full-output} (either role).</li>
 * <li>Authentication: the parser checks that {@code --username} comes with
 *     {@code --rsa-public-key-path}, and {@code --rsa-private-key-path} with
 *     {@code --authorized-users-path}, with 3.12's messages, but reads no password
 *     ({@code IPERF3_PASSWORD} or a prompt) and loads no key; 3.12 does both while
 *     parsing, so its key and password errors appear later in iperf3j.</li>
 * <li>{@code --no-fq-socket-pacing}'s deprecation notice is returned in
 *     {@link ParseResult.Run#warnings()} (3.12 prints it on stdout the moment it reads
 *     the option).</li>
 * <li>{@code --debug=N}: 3.12 keeps any {@code atoi(N)}; iperf3j stores 1..4, mapping
 *     larger values to 4 and 0, negatives and non-numbers to 1.</li>
 * <li>{@code -v} prints iperf3j's version, the system line Java can build (name, host
 *     name, release, machine; no kernel build string) and the features iperf3j has.</li>
 * <li>New options, also in the usage text: {@code --json-stream} (implies {@code -J},
 *     as in 3.17+), {@code --max-concurrent N}, {@code --server-max-duration S},
 *     {@code --queue N}, {@code --queue-timeout S}, {@code --max-per-client N},
 *     {@code --allow}/{@code --deny CIDR|@file} (server only), {@code --use-pkcs1-padding} and {@code --use-oaep-padding} (either side), {@code --loopback}
 *     (client role on 127.0.0.1, or ::1 with {@code -6}; port 0, meaning ephemeral,
 *     unless {@code -p} is given; cannot be combined with {@code -s} or {@code -c}),
 *     {@code --latency[=MS]} (client only: round-trip probes around the test,
 *     docs/design/latency.md).
 *     3.17-3.21's names among them abbreviate as in 3.21, so some abbreviations 3.12
 *     accepts become ambiguous as they are in 3.21 ({@code --js}, {@code --us},
 *     {@code --server-}); iperf3j's own ({@code --max-concurrent}, {@code --loopback},
 *     {@code --latency}, {@code --server-log}, {@code --use-oaep-padding}) match their
 *     whole names only, so they take no abbreviation away ({@code --lo} is
 *     {@code --logfile}).</li>
 * <li>Messages name the program {@code iperf3j}; an invalid short option that is not
 *     ASCII is shown as the character, not as its first byte.</li>
 * <li>A failure is printed as 3.21 prints it (the message, an empty line and a two-line
 *     usage, all on stderr), not with 3.12's full usage; when the line asks for
 *     {@code -J} or {@code --json-stream} it is a JSON error on stdout instead
 *     ({@link ParseResult.Failure}).</li>
 * </ol>
 */
public final class OptionParser {
    /** The program name used in messages and usage. */
    public static final String PROGRAM = "iperf3j";

    /**
     * iperf3 3.21's optional features in its own words and order ({@code get_optional_features()}
     * in iperf_util.c), each with whether iperf3j needs its native layer for it. SCTP is the one
     * 3.21 feature iperf3j does not have ({@code --sctp} is refused), so it is not listed.
     */
    private static final List<Map.Entry<String, Boolean>> FEATURES = List.of(
            Map.entry("CPU affinity setting", true),            // -A: sched_setaffinity
            Map.entry("IPv6 flow label", true),                 // -L: IPV6_FLOWLABEL_MGR
            Map.entry("TCP congestion algorithm setting", true), // -C: TCP_CONGESTION
            Map.entry("sendfile / zerocopy", false),            // -Z: FileChannel.transferTo
            Map.entry("socket pacing", true),                   // --fq-rate: SO_MAX_PACING_RATE
            Map.entry("authentication", false),                 // --username, --rsa-*: the JDK's RSA
            Map.entry("bind to device", true),                  // --bind-dev: SO_BINDTODEVICE
            Map.entry("support IPv4 don't fragment", true),     // --dont-fragment: IP_MTU_DISCOVER
            Map.entry("POSIX threads", false),                  // a thread per stream, as 3.21's
            Map.entry("GSO/GRO support", true));                // --gsro: UDP_SEGMENT, UDP_GRO

    private static final GetoptScanner SCANNER = new GetoptScanner(PROGRAM);

    private OptionParser() {
    }

    /**
     * Parses iperf3 arguments (without the program name).
     *
     * @throws NullPointerException if {@code args} or one of its elements is null
     */
    public static ParseResult parse(String... args) {
        Objects.requireNonNull(args, "args");
        for (String a : args) {
            Objects.requireNonNull(a, "argument");
        }
        return parse(SCANNER, List.of(), args);
    }

    /**
     * Parses the whole {@code iperf3j} command line: core's rows and {@code groups}' rows in one
     * table, scanned once ({@code --}, clusters, values and glibc's messages alike for all). Each
     * row's values go to the group that lists it, in command-line order; a group's
     * {@link OptionError} is a parameter error as iperf3's own are (short usage, or JSON under
     * {@code -J}); the groups' {@link OptionGroup#finish()} run after core's checks, in order.
     * {@code -h} prints every group's rows too ({@link #usage(List)}).
     *
     * @throws IllegalArgumentException when two rows share a name
     */
    public static ParseResult parse(List<? extends OptionGroup> groups, String... args) {
        Objects.requireNonNull(args, "args");
        for (String a : args) {
            Objects.requireNonNull(a, "argument");
        }
        List<OptionRow> rows = new ArrayList<>(List.of(CommandLineOption.values()));
        for (OptionGroup g : groups) {
            rows.addAll(g.rows());
        }
        ParseResult result = parse(new GetoptScanner(PROGRAM, rows.toArray(new OptionRow[0])), groups, args);
        return result instanceof ParseResult.Help && !groups.isEmpty() ? new ParseResult.Help(usage(groups)) : result;
    }

    private static ParseResult parse(GetoptScanner scanner, List<? extends OptionGroup> groups, String... args) {
        ParseResult result = parseLine(scanner, groups, args);
        return result instanceof ParseResult.Failure f ? f.in(askedOutput(scanner, args)) : result;
    }

    private static ParseResult parseLine(GetoptScanner scanner, List<? extends OptionGroup> groups, String... args) {
        GetoptScanner.Scan scan = scanner.scan(args);
        CommandLineSpec command = new CommandLineSpec();
        try {
            for (GetoptScanner.Given given : scan.given()) {
                if (given.option() instanceof CommandLineOption o) {
                    command.apply(o, given.value());
                } else {
                    command.markScope(given.option().scope());
                    groupOf(groups, given.option()).apply(given.option(), given.value());
                }
            }
            if (scan.error() != null) {
                // getopt's message; iperf3 exits 1
                return new ParseResult.Failure(scan.error(), 1, true);
            }
            ParseResult.Run run = command.finish();
            for (OptionGroup g : groups) {
                g.finish();
            }
            return run;
        } catch (CommandLineSpec.Stop stop) {
            return stop.result;
        } catch (OptionError e) {
            return CommandLineSpec.parameterError(e.getMessage());
        }
    }

    private static OptionGroup groupOf(List<? extends OptionGroup> groups, OptionRow row) {
        for (OptionGroup g : groups) {
            if (g.rows().contains(row)) {
                return g;
            }
        }
        throw new IllegalStateException("no group reads " + row);
    }

    /** The output the whole line asks for, options after the failing one included. */
    private static OutputMode askedOutput(GetoptScanner scanner, String... args) {
        boolean json = false;
        boolean stream = false;
        boolean full = false;
        for (GetoptScanner.Given given : scanner.scanPastErrors(args)) {
            if (given.option() == CommandLineOption.JSON) {
                json = true;
            } else if (given.option() == CommandLineOption.JSON_STREAM) {
                stream = true;
            } else if (given.option() == CommandLineOption.JSON_STREAM_FULL_OUTPUT) {
                full = true;
            }
        }
        return OutputMode.of(json || stream, stream, full);
    }

    /** The long usage text, as {@code iperf3j -h} prints it (ends with a newline). */
    public static String usage() {
        return Texts.USAGE;
    }

    /** The long usage text with {@code groups}' rows: under core's headings, or in sections of their own first. */
    public static String usage(List<? extends OptionGroup> groups) {
        List<OptionRow> extra = new ArrayList<>();
        for (OptionGroup g : groups) {
            extra.addAll(g.rows());
        }
        return CommandLineOption.usage(Texts.authPaddingDefault(), extra);
    }

    /** iperf3j's version, e.g. {@code "0.1.0"}, from the build. */
    public static String version() {
        return Version.VERSION;
    }

    /**
     * The {@code -v} text: {@code "iperf3j 0.1.0 (wire-compatible with iperf 3.12)"}, a
     * system line shaped like 3.12's {@code uname} line, and
     * {@code "Optional features available: ..."}; ends with a newline.
     */
    public static String versionText() {
        return PROGRAM + " " + version() + " (wire-compatible with iperf 3.12)\n"
                + systemInfo() + "\n"
                + "Optional features available: " + optionalFeatures(NativeSocket.available()) + "\n";
    }

    /**
     * The features of {@code -v}'s line, in 3.21's words and order: all of them with the native layer,
     * only those the JDK alone gives without it (a JVM with native access denied).
     */
    static String optionalFeatures(boolean nativeLayer) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Boolean> f : FEATURES) {
            if (nativeLayer || !f.getValue()) {
                names.add(f.getKey());
            }
        }
        return String.join(", ", names);
    }

    /** Like 3.12's {@code get_system_info()} ({@code uname}: sysname nodename release [version] machine). */
    static String systemInfo() {
        StringBuilder sb = new StringBuilder(System.getProperty("os.name", "unknown"));
        String host = hostName();
        if (host != null && !host.isBlank()) {
            sb.append(' ').append(host.strip());
        }
        sb.append(' ').append(System.getProperty("os.version", "unknown"));
        sb.append(' ').append(machine(System.getProperty("os.arch", "unknown")));
        return sb.toString();
    }

    private static String machine(String javaArch) {
        return switch (javaArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "x86", "i386", "i686" -> "i686";
            case "arm64", "aarch64" -> "aarch64";
            default -> javaArch;
        };
    }

    private static String hostName() {
        // uname's nodename without a name service lookup
        try {
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                return Files.readString(proc, StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the environment
        }
        String env = System.getenv("COMPUTERNAME");
        return env != null ? env : System.getenv("HOSTNAME");
    }

    /** The usage text, rendered from the option table once, when it is first needed. */
    private static final class Texts {
        static final String USAGE = CommandLineOption.usage(authPaddingDefault(), List.of());

        static String authPaddingDefault() {
            return switch (IperfOptions.builder().build().authPadding()) {
                case PKCS1 -> "PKCS#1 v1.5";
                case OAEP -> "OAEP";
                case AUTO -> "OAEP, then PKCS#1 v1.5 if denied";
            };
        }
    }
}
