package io.iperf3j.internal.options;

import io.iperf3j.options.HasArg;
import io.iperf3j.options.OptionRow;
import java.util.List;

/**
 * The option table of iperf3j's iperf3 command line: one constant per option, with its
 * names as {@code getopt_long} knows them, whether it takes an argument, its place in
 * 3.12's {@code longopts} table and its lines of the {@code --help} text. It is the single
 * source for {@link GetoptScanner} (what is an option), {@link #usage()} (what
 * {@code -h} prints, and so what the man page renders) and {@link CommandLineSpec#apply}
 * (which rule reads the value); a test checks that every name a row parses appears in
 * its help lines.
 *
 * <p>The constants stand in the order of the usage text, section by section, because
 * that order is iperf3's (its usage text and its {@code longopts} table are two separate
 * lists in C as well); {@link #getoptOrder} is the position in 3.12's {@code longopts}
 * (iperf3j's and 3.18-3.21's additions after it), which decides only how an ambiguous
 * abbreviation lists its candidates.
 *
 * <p>Limits: names are ASCII; a help text is at most a few lines and is printed as it
 * stands (iperf3's own layout, which is not regular enough to be generated from columns).
 */
enum CommandLineOption implements OptionRow {
    // ------------------------------------------------------------ Server or Client
    PORT(Section.BOTH, 'p', HasArg.REQUIRED, 0,
            "  -p, --port      #         server port to listen on/connect to\n"
            + "                            (a server's #-#: every port of a range, at most "
            + IperfOptions.MAX_PORT_RANGE + ")", "port"),
    FORMAT(Section.BOTH, 'f', HasArg.REQUIRED, 1,
            "  -f, --format   [kmgtKMGT] format to report: Kbits, Mbits, Gbits, Tbits", "format"),
    INTERVAL(Section.BOTH, 'i', HasArg.REQUIRED, 2,
            "  -i, --interval  #         seconds between periodic throughput reports", "interval"),
    PIDFILE(Section.BOTH, 'I', HasArg.REQUIRED, 43,
            "  -I, --pidfile file        write PID file", "pidfile"),
    FILE(Section.BOTH, 'F', HasArg.REQUIRED, 34,
            "  -F, --file name           xmit/recv the specified file (not supported)", "file"),
    AFFINITY(Section.BOTH, 'A', HasArg.REQUIRED, 37,
            "  -A, --affinity n[,m]      set CPU affinity core number to n (the core the process will use)\n"
            + "                             (optional Client only m - the Server's core number for this test)\n"
            + "                            (iperf3j: the threads that run the test, see README)", "affinity"),
    BIND(Section.BOTH, 'B', HasArg.REQUIRED, 21,
            "  -B, --bind <host>[%<dev>] bind to the interface associated with the address <host>\n"
            + "                            (optional <dev> equivalent to `--bind-dev <dev>`)", "bind"),
    BIND_DEV(Section.BOTH, OptionRow.NO_SHORT, HasArg.REQUIRED, 22,
            "  --bind-dev <dev>          bind to the network interface with SO_BINDTODEVICE", "bind-dev"),
    VERBOSE(Section.BOTH, 'V', HasArg.NO, 5,
            "  -V, --verbose             more detailed output", "verbose"),
    JSON(Section.BOTH, 'J', HasArg.NO, 6,
            "  -J, --json                output in JSON format", "json"),
    JSON_STREAM(Section.BOTH, OptionRow.NO_SHORT, HasArg.NO, 100,
            "  --json-stream             output in line-delimited JSON format, one object per event\n"
            + "                            (as iperf3 3.17+; implies -J)", "json-stream"),
    JSON_STREAM_FULL_OUTPUT(Section.BOTH, OptionRow.NO_SHORT, HasArg.NO, 110,
            "  --json-stream-full-output output in JSON format with JSON streams enabled\n"
            + "                            (with --json-stream: the events, then the -J document)",
            "json-stream-full-output"),
    LOGFILE(Section.BOTH, OptionRow.NO_SHORT, HasArg.REQUIRED, 44,
            "  --logfile f               send output to a log file", "logfile"),
    FORCEFLUSH(Section.BOTH, OptionRow.NO_SHORT, HasArg.NO, 45,
            "  --forceflush              force flushing output at every interval", "forceflush"),
    TIMESTAMPS(Section.BOTH, OptionRow.NO_SHORT, HasArg.OPTIONAL, 36,
            "  --timestamps<=format>     emit a timestamp at the start of each output line\n"
            + "                            (optional \"=\" and format string as per strftime(3))", "timestamps"),
    RCV_TIMEOUT(Section.BOTH, OptionRow.NO_SHORT, HasArg.REQUIRED, 59,
            "  --rcv-timeout #           idle timeout for receiving data (default 120000 ms)", "rcv-timeout"),
    SND_TIMEOUT(Section.BOTH, OptionRow.NO_SHORT, HasArg.REQUIRED, 60,
            "  --snd-timeout #           timeout for unacknowledged TCP data\n"
            + "                            (in ms, default is system settings)", "snd-timeout"),
    CNTL_KA(Section.BOTH, OptionRow.NO_SHORT, HasArg.OPTIONAL, 111,
            "  --cntl-ka[=#/#/#]         use control connection TCP keepalive - KEEPIDLE/KEEPINTV/KEEPCNT\n"
            + "                            each value is optional with system settings default", "cntl-ka"),
    MPTCP(Section.BOTH, 'm', HasArg.NO, 112,
            "  -m, --mptcp               use MPTCP rather than plain TCP", "mptcp"),
    /** The short {@code -d} takes no argument (3.12's optstring has a plain "d"); only {@code --debug=N} does. */
    DEBUG(Section.BOTH, 'd', HasArg.OPTIONAL, 61,
            "  -d, --debug[=#]           emit debugging output\n"
            + "                            (optional optional \"=\" and debug level: 1-4. Default is 4 - all messages)",
            "debug"),
    VERSION(Section.BOTH, 'v', HasArg.NO, 7,
            "  -v, --version             show version information and quit", "version"),
    HELP(Section.BOTH, 'h', HasArg.NO, 62,
            "  -h, --help                show this message and quit", "help"),

    // ------------------------------------------------------------ Server specific
    SERVER(Section.SERVER, 's', HasArg.NO, 8,
            "  -s, --server              run in server mode", "server"),
    DAEMON(Section.SERVER, 'D', HasArg.NO, 3,
            "  -D, --daemon              run the server as a daemon", "daemon"),
    ONE_OFF(Section.SERVER, '1', HasArg.NO, 4,
            "  -1, --one-off             handle one client connection then exit", "one-off"),
    SERVER_BITRATE_LIMIT(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 12,
            "  --server-bitrate-limit #[KMG][/#]   server's total bit rate limit (default 0 = no limit)\n"
            + "                            (optional slash and number of secs interval for averaging\n"
            + "                            total data rate.  Default is 5 seconds)", "server-bitrate-limit"),
    IDLE_TIMEOUT(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 58,
            "  --idle-timeout #          restart idle server after # seconds in case it\n"
            + "                            got stuck (default - no timeout)\n"
            + "                            (iperf3j: also ends any test in which nothing moves\n"
            + "                            for # seconds)", "idle-timeout"),
    RSA_PRIVATE_KEY_PATH(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 52,
            "  --rsa-private-key-path    path to the RSA private key used to decrypt\n"
            + "                            authentication credentials", "rsa-private-key-path"),
    AUTHORIZED_USERS_PATH(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 53,
            "  --authorized-users-path   path to the configuration file containing user\n"
            + "                            credentials", "authorized-users-path"),
    TIME_SKEW_THRESHOLD(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 54,
            "  --time-skew-threshold     time skew threshold (in seconds) between the server\n"
            + "                            and client during the authentication process", "time-skew-threshold"),
    /**
     * In 3.21's server section and scope, with 3.21's meaning (a server takes PKCS#1 v1.5 tokens
     * only); iperf3j's client takes it too, to reach 3.16 and older servers.
     */
    USE_PKCS1_PADDING(Section.SERVER, OptionRow.NO_SHORT, HasArg.NO, 103,
            "  --use-pkcs1-padding       a server takes PKCS#1 v1.5 tokens only (iperf3 3.16\n"
            + "                            and older clients); a client pads its token with it", "use-pkcs1-padding"),
    /**
     * iperf3j's: a server takes OAEP tokens only (as a 3.17+ iperf3 server without options); a client
     * pads with OAEP only. {@value #AUTH_PADDING} is replaced by the client's default padding when the
     * usage is rendered.
     */
    USE_OAEP_PADDING(Section.SERVER, OptionRow.NO_SHORT, HasArg.NO, 105,
            "  --use-oaep-padding        a server takes OAEP tokens only (iperf3 3.17+\n"
            + "                            clients); a client pads its token with it\n"
            + "                            (default: a server takes either, with no oracle;\n"
            + "                            a client sends " + CommandLineOption.AUTH_PADDING + ")",
            "use-oaep-padding"),
    MAX_CONCURRENT(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 101,
            "  --max-concurrent #        number of tests the server runs at the same time\n"
            + "                            (default " + IperfOptions.DEFAULT_MAX_CONCURRENT + "; iperf3 runs one; given above 1,\n"
            + "                            each test's report lines start with test=#)",
            "max-concurrent"),
    SERVER_MAX_DURATION(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 102,
            "  --server-max-duration #   refuse tests that ask for more than # seconds and\n"
            + "                            stop tests that run longer (default 0 = no limit)", "server-max-duration"),
    QUEUE(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 123,
            "  --queue #                 hold up to # clients when all tests run, serving them\n"
            + "                            in turn as tests end (default 0 = answer \"busy\")", "queue"),
    QUEUE_TIMEOUT(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 124,
            "  --queue-timeout #         answer \"busy\" to a client held # seconds (default "
            + IperfOptions.DEFAULT_QUEUE_TIMEOUT_SEC + ")", "queue-timeout"),
    MAX_PER_CLIENT(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 120,
            "  --max-per-client #        tests one address runs at once (IPv6: one /64)\n"
            + "                            (default 0 = no limit; more are queued or \"busy\")", "max-per-client"),
    ALLOW(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 121,
            "  --allow CIDR|@file        serve only these addresses (repeatable; the longest\n"
            + "                            matching --allow/--deny prefix decides)", "allow"),
    DENY(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 122,
            "  --deny CIDR|@file         refuse these addresses: the client prints \"test\n"
            + "                            authorization failed\" (repeatable)", "deny"),
    TOTAL_RATE(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 130,
            "  --total-rate #[KMG]       divide # bits/sec fairly among the running tests,\n"
            + "                            both directions (UDP uploads over their share are ended)",
            "total-rate"),
    COOL_DOWN(Section.SERVER, OptionRow.NO_SHORT, HasArg.REQUIRED, 136,
            "  --cool-down #             refuse an address for # seconds after a test of it was\n"
            + "                            ended for its rate (default " + IperfOptions.DEFAULT_COOL_DOWN_SEC
            + "; 0 = none)", "cool-down"),
    SERVER_LOG(Section.SERVER, OptionRow.NO_SHORT, HasArg.OPTIONAL, 106,
            "  --server-log[=text|json]  one line per test start and end and per queued or\n"
            + "                            refused client, on stderr or in the --logfile\n"
            + "                            (json: only JSON lines there; the reports go to\n"
            + "                            stdout with -V, else nowhere)", "server-log"),

    // ------------------------------------------------------------ Client specific
    CLIENT(Section.CLIENT, 'c', HasArg.REQUIRED, 9,
            "  -c, --client <host>[%<dev>] run in client mode, connecting to <host>\n"
            + "                              (option <dev> equivalent to `--bind-dev <dev>`)", "client"),
    SCTP(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 40,
            "  --sctp                    use SCTP rather than TCP (not supported)", "sctp"),
    XBIND(Section.CLIENT, 'X', HasArg.REQUIRED, 42,
            "  -X, --xbind <name>        bind SCTP association to links (not supported)", "xbind"),
    NSTREAMS(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 41,
            "  --nstreams      #         number of SCTP streams (not supported)", "nstreams"),
    UDP(Section.CLIENT, 'u', HasArg.NO, 10,
            "  -u, --udp                 use UDP rather than TCP", "udp"),
    CONNECT_TIMEOUT(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 57,
            "  --connect-timeout #       timeout for control connection setup (ms)", "connect-timeout"),
    BITRATE(Section.CLIENT, 'b', HasArg.REQUIRED, 11,
            "  -b, --bitrate #[KMG][/#]  target bitrate in bits/sec (0 for unlimited)\n"
            + "                            (default 1 Mbit/sec for UDP, unlimited for TCP)\n"
            + "                            (optional slash and packet count for burst mode)", "bitrate", "bandwidth"),
    PACING_TIMER(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 56,
            "  --pacing-timer #[KMG]     set the timing for pacing, in microseconds (default 1000)", "pacing-timer"),
    FQ_RATE(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 55,
            "  --fq-rate #[KMG]          enable fair-queuing based socket pacing in\n"
            + "                            bits/sec (Linux only)", "fq-rate"),
    TIME(Section.CLIENT, 't', HasArg.REQUIRED, 13,
            "  -t, --time      #         time in seconds to transmit for (default 10 secs)", "time"),
    BYTES(Section.CLIENT, 'n', HasArg.REQUIRED, 14,
            "  -n, --bytes     #[KMG]    number of bytes to transmit (instead of -t)", "bytes"),
    BLOCKCOUNT(Section.CLIENT, 'k', HasArg.REQUIRED, 15,
            "  -k, --blockcount #[KMG]   number of blocks (packets) to transmit (instead of -t or -n)\n"
            + "                            (all streams together; the test ends at the count, where\n"
            + "                            iperf3 3.21 runs on to the end of that interval)", "blockcount"),
    LENGTH(Section.CLIENT, 'l', HasArg.REQUIRED, 16,
            "  -l, --length    #[KMG]    length of buffer to read or write\n"
            + "                            (default 128 KB for TCP, dynamic or 1460 for UDP)", "length"),
    CPORT(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 23,
            "  --cport         <port>    bind to a specific client port (TCP and UDP, default: ephemeral port)",
            "cport"),
    PARALLEL(Section.CLIENT, 'P', HasArg.REQUIRED, 17,
            "  -P, --parallel  #         number of parallel client streams to run", "parallel"),
    REVERSE(Section.CLIENT, 'R', HasArg.NO, 18,
            "  -R, --reverse             run in reverse mode (server sends, client receives)", "reverse"),
    BIDIR(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 19,
            "  --bidir                   run in bidirectional mode.\n"
            + "                            Client and server send and receive data.", "bidir"),
    /** iperf3j's latency under load (docs/design/latency.md): a probe every N ms, 10 without a value. */
    LATENCY(Section.CLIENT, OptionRow.NO_SHORT, HasArg.OPTIONAL, 150,
            "  --latency[=#]             iperf3j server only: also measure round-trip times\n"
            + "                            with a UDP probe every # ms (default 10) to the\n"
            + "                            server's port: 2 s idle, under the test's load,\n"
            + "                            1 s idle after; reports the latency added by load", "latency"),
    /** iperf3j's verdict (docs/design/why.md): what held the test back, after the summary. */
    WHY(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 151,
            "  --why                     iperf3j: after the summary, say what limited the\n"
            + "                            rate (the path, the receiver's window or socket\n"
            + "                            buffer, the sender's buffer, a CPU or the pacing),\n"
            + "                            its figures and the change that would lift it\n"
            + "                            (-V text shows it too); -J: end.iperf3j_why", "why"),
    WINDOW(Section.CLIENT, 'w', HasArg.REQUIRED, 20,
            "  -w, --window    #[KMG]    set send/receive socket buffer sizes\n"
            + "                            (indirectly sets TCP window size)", "window"),
    CONGESTION(Section.CLIENT, 'C', HasArg.REQUIRED, 39,
            "  -C, --congestion <algo>   set TCP congestion control algorithm (Linux and FreeBSD only)",
            "congestion", "linux-congestion"),
    SET_MSS(Section.CLIENT, 'M', HasArg.REQUIRED, 24,
            "  -M, --set-mss   #         set TCP/SCTP maximum segment size (MTU - 40 bytes)", "set-mss"),
    NO_DELAY(Section.CLIENT, 'N', HasArg.NO, 25,
            "  -N, --no-delay            set TCP/SCTP no delay, disabling Nagle's Algorithm", "no-delay"),
    VERSION4(Section.CLIENT, '4', HasArg.NO, 26,
            "  -4, --version4            only use IPv4", "version4"),
    VERSION6(Section.CLIENT, '6', HasArg.NO, 27,
            "  -6, --version6            only use IPv6", "version6"),
    TOS(Section.CLIENT, 'S', HasArg.REQUIRED, 28,
            "  -S, --tos N               set the IP type of service, 0-255.\n"
            + "                            The usual prefixes for octal and hex can be used,\n"
            + "                            i.e. 52, 064 and 0x34 all specify the same value.", "tos"),
    DSCP(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 29,
            "  --dscp N or --dscp val    set the IP dscp value, either 0-63 or symbolic.\n"
            + "                            Numeric values can be specified in decimal,\n"
            + "                            octal and hex (see --tos above).", "dscp"),
    FLOWLABEL(Section.CLIENT, 'L', HasArg.REQUIRED, 31,
            "  -L, --flowlabel N         set the IPv6 flow label (only supported on Linux)", "flowlabel"),
    ZEROCOPY(Section.CLIENT, 'Z', HasArg.NO, 32,
            "  -Z, --zerocopy            use a 'zero copy' method of sending data", "zerocopy"),
    SKIP_RX_COPY(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 113,
            "  --skip-rx-copy            ignore received messages using MSG_TRUNC option\n"
            + "                            (TCP; UDP receivers read whole datagrams anyway)", "skip-rx-copy"),
    OMIT(Section.CLIENT, 'O', HasArg.REQUIRED, 33,
            "  -O, --omit N              perform pre-test for N seconds and omit the pre-test statistics", "omit"),
    TITLE(Section.CLIENT, 'T', HasArg.REQUIRED, 38,
            "  -T, --title str           prefix every output line with this string", "title"),
    EXTRA_DATA(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 30,
            "  --extra-data str          data string to include in client and server JSON", "extra-data"),
    GET_SERVER_OUTPUT(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 46,
            "  --get-server-output       get results from server", "get-server-output"),
    UDP_COUNTERS_64BIT(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 47,
            "  --udp-counters-64bit      use 64-bit counters in UDP test packets", "udp-counters-64bit"),
    GSRO(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 114,
            "  --gsro                    enable UDP GSO/GRO on both client and server (client-only option)", "gsro"),
    REPEATING_PAYLOAD(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 35,
            "  --repeating-payload       use repeating pattern in payload, instead of\n"
            + "                            randomized payload (like in iperf2)", "repeating-payload"),
    DONT_FRAGMENT(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 49,
            "  --dont-fragment           set IPv4 Don't Fragment flag", "dont-fragment"),
    USERNAME(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 50,
            "  --username                username for authentication", "username"),
    RSA_PUBLIC_KEY_PATH(Section.CLIENT, OptionRow.NO_SHORT, HasArg.REQUIRED, 51,
            "  --rsa-public-key-path     path to the RSA public key used to encrypt\n"
            + "                            authentication credentials", "rsa-public-key-path"),
    LOOPBACK(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 104,
            "  --loopback                run a server and a client against it in this process,\n"
            + "                            on 127.0.0.1 (::1 with -6) and an ephemeral port\n"
            + "                            unless -p is given; all client options apply", "loopback"),

    // ------------------------------------------------------------ not in the usage
    /** Deprecated in 3.12 and left out of its usage, as here. */
    NO_FQ_SOCKET_PACING(Section.CLIENT, OptionRow.NO_SHORT, HasArg.NO, 48, "", "no-fq-socket-pacing");

    /** The usage text's sections, in its order. */
    enum Section {
        BOTH("Server or Client:"),
        SERVER("Server specific:"),
        CLIENT("Client specific:");

        final String heading;

        Section(String heading) {
            this.heading = heading;
        }
    }

    /** Stands for the default RSA padding's description in a help text. */
    static final String AUTH_PADDING = "{AUTH_PADDING}";

    private static final String USAGE_HEAD = """
            Usage: iperf3j [-s|-c host] [options]
                   iperf3j [-h|--help] [-v|--version]
                   iperf3j --loopback [options]

            """;

    private static final String USAGE_TAIL = """

            [KMG] indicates options that support a K/M/G suffix for kilo-, mega-, or giga-

            iperf3j is a Java reimplementation of iperf3, wire-compatible with iperf 3.12.
            iperf3 homepage at: https://software.es.net/iperf/
            """;

    final Section section;
    /** The short name ({@code 'p'} for {@code -p}), or {@link OptionRow#NO_SHORT}. */
    final char shortName;
    final HasArg hasArg;
    /** Position in 3.12's {@code longopts} (iperf3j's and 3.18-3.21's additions from 100 on). */
    final int getoptOrder;
    /** The {@code --help} lines, without the last line end; empty for an option the usage leaves out. */
    final String help;
    /** The long names without {@code --}, the canonical one first. */
    final List<String> longNames;

    CommandLineOption(Section section, char shortName, HasArg hasArg, int getoptOrder, String help,
                      String... longNames) {
        this.section = section;
        this.shortName = shortName;
        this.hasArg = hasArg;
        this.getoptOrder = getoptOrder;
        this.help = help;
        this.longNames = List.of(longNames);
    }

    @Override
    public List<String> longNames() {
        return longNames;
    }

    @Override
    public char shortName() {
        return shortName;
    }

    @Override
    public HasArg hasArg() {
        return hasArg;
    }

    @Override
    public String section() {
        return section.heading;
    }

    @Override
    public String help() {
        return help;
    }

    @Override
    public int getoptOrder() {
        return getoptOrder;
    }

    /**
     * iperf3's names (3.12's and 3.17-3.21's) abbreviate as in iperf3; iperf3j's own rows match
     * their whole name only (plan bug 11). Why not "any prefix no iperf3 name shares" (so that
     * {@code --loo} stayed {@code --loopback}): which prefixes those are changes with each iperf3
     * release ({@code --server-m} was free until 3.19 took {@code --server-max-duration}), so a
     * script's abbreviation would change meaning, or turn ambiguous, with an upgrade of iperf3's
     * names; a whole name never does. Export's, report's and the subcommands' rows match exactly
     * for the same reason (the {@link OptionRow#abbreviable()} default).
     */
    @Override
    public boolean abbreviable() {
        return switch (this) {
            case LATENCY, LOOPBACK, WHY, MAX_CONCURRENT, QUEUE, QUEUE_TIMEOUT, MAX_PER_CLIENT, ALLOW, DENY, SERVER_LOG,
                 TOTAL_RATE, COOL_DOWN, USE_OAEP_PADDING -> false;
            default -> true;
        };
    }

    /**
     * The long usage text as {@code -h} prints it: the synopsis, each section's heading
     * and its options' help lines in table order, the closing notes. Ends with a newline.
     * Rows of other modules ({@code extra}) under one of core's headings close that section;
     * under a heading of their own they come before core's sections, in the order given.
     *
     * @param authPadding the default RSA padding as the usage describes it
     * @param extra the other modules' rows, in table order
     */
    static String usage(String authPadding, List<? extends OptionRow> extra) {
        StringBuilder sb = new StringBuilder(8192).append(USAGE_HEAD);
        String current = null;
        for (OptionRow o : extra) {
            if (!o.help().isEmpty() && !isCoreSection(o.section())) {
                current = line(sb, current, o);
            }
        }
        for (CommandLineOption o : values()) {
            if (o.help.isEmpty()) {
                continue;
            }
            if (current != null && !current.equals(o.section.heading) && isCoreSection(current)) {
                closeSection(sb, current, extra);
            }
            current = line(sb, current, o);
        }
        if (current != null) {
            closeSection(sb, current, extra);
        }
        return sb.append(USAGE_TAIL).toString().replace(AUTH_PADDING, authPadding);
    }

    /** Appends a row's help lines, after its heading when the section changes; returns the section. */
    private static String line(StringBuilder sb, String current, OptionRow o) {
        if (!o.section().equals(current)) {
            sb.append(o.section()).append('\n');
        }
        sb.append(o.help()).append('\n');
        return o.section();
    }

    /** The other modules' rows listed under core's {@code heading}, at the end of its section. */
    private static void closeSection(StringBuilder sb, String heading, List<? extends OptionRow> extra) {
        for (OptionRow o : extra) {
            if (!o.help().isEmpty() && o.section().equals(heading)) {
                sb.append(o.help()).append('\n');
            }
        }
    }

    private static boolean isCoreSection(String heading) {
        for (Section s : Section.values()) {
            if (s.heading.equals(heading)) {
                return true;
            }
        }
        return false;
    }
}
