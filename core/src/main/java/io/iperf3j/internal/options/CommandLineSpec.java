package io.iperf3j.internal.options;

import io.iperf3j.Role;
import io.iperf3j.Transport;
import io.iperf3j.internal.options.IperfOptions.IpVersion;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import io.iperf3j.internal.protocol.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The per-option rules of 3.12's {@code iperf_parse_arguments}, and the state of one
 * parse: {@link OptionParser} hands it the options {@link GetoptScanner} found, in
 * command-line order, through {@link #apply}, so each value is checked the moment it is
 * seen, as 3.12 does inside its getopt loop: {@code -p 0 --foo} reports the port, while
 * {@code --foo -p 0} reports the unknown option. The checks 3.12 makes after the loop
 * are in {@link #finish()}, in 3.12's order. A rule ends the parse by throwing
 * {@link Stop} with the result ({@code -h}, {@code -v}, or a parameter error).
 *
 * <p>One instance serves one parse, on the caller's thread. An option with an optional
 * argument ({@code --debug}, {@code --timestamps}, {@code --cntl-ka}, {@code --latency})
 * receives null when it was given without one.
 */
final class CommandLineSpec {
    private static final int MAX_TIME = 86400;
    private static final int MAX_STREAMS = 128;
    private static final int MAX_BLOCKSIZE = 1024 * 1024;
    private static final int MIN_UDP_BLOCKSIZE = 16;
    private static final int MAX_UDP_BLOCKSIZE = 65507;
    private static final double MAX_TCP_BUFFER = 512.0 * 1024 * 1024;
    private static final int MAX_MSS = 9 * 1024;
    private static final int MAX_BURST = 1000;
    private static final int MAX_OMIT = 60;
    private static final double MIN_INTERVAL = 0.1;
    private static final double MAX_INTERVAL = 60;
    private static final int MIN_RCV_TIMEOUT_MS = 100;
    private static final int MAX_TIMEOUT_MS = MAX_TIME * 1000;
    private static final int MAX_AFFINITY = 1024;
    private static final int MAX_FLOWLABEL = 0xfffff;
    private static final int DEBUG_LEVEL_MAX = 4;
    private static final int MAX_CONCURRENT_LIMIT = 1024;
    private static final int MAX_PER_CLIENT_LIMIT = 1024;
    private static final int MAX_QUEUE = 4096;
    private static final int DEFAULT_LATENCY_MS = 10;
    private static final int MAX_LATENCY_MS = 1000;
    private static final long MIN_TOTAL_RATE = 1000;

    /** Ends the parse with a result; thrown from setters and {@link #finish()}. */
    static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ParseResult result;

        Stop(ParseResult result) {
            super("stop", null, false, false); // control flow: no stack trace to fill in
            this.result = result;
        }
    }

    private final IperfOptions.Builder b = IperfOptions.builder();
    private final List<String> warnings = new ArrayList<>();
    private char role; // 0, 'c' or 's', as iperf3's test->role
    private boolean clientFlag;
    private boolean pkcs1Given;
    private boolean oaepGiven;
    private boolean serverFlag;
    /** {@code -p FIRST-LAST} given (a server's port range). */
    private boolean portRangeGiven;
    /** The {@code --max-concurrent} given; 0 when not given (the default runs 16, unnumbered). */
    private int maxConcurrentGiven;
    private boolean totalRateGiven;
    /** An option that serves many tests at once ({@code --queue}, {@code --max-per-client}) was given. */
    private boolean manyTestsFlag;
    private boolean oneOffFlag;
    private final List<AddressRule> addressRules = new ArrayList<>();
    private boolean rateFlag;
    private boolean durationFlag;
    private boolean rcvTimeoutFlag;
    private boolean portGiven;
    private boolean skewThresholdGiven;
    private boolean loopback;
    private boolean why;
    private boolean reverse;
    private boolean bidirectional;
    private boolean json;
    private boolean verbose;
    private boolean debug;
    private char format = 'a';
    private Transport protocol = Transport.TCP;
    private IpVersion ipVersion = IpVersion.ANY;
    private int blksize;
    private long bytes;
    private long blocks;
    private String host;
    private String username;
    private String rsaPublicKey;
    private String rsaPrivateKey;
    private String authorizedUsers;
    private boolean gsroFlag;

    // ---------------------------------------------------------------- failures

    static ParseResult.Failure parameterError(String text) {
        return new ParseResult.Failure(OptionParser.PROGRAM + ": parameter error - " + text, 1, true);
    }

    private static Stop fail(ErrorCode code) {
        // At parse time errno is 0, so perr codes end in ": " exactly as 3.12 prints them.
        return new Stop(parameterError(code.message(null)));
    }

    private static Stop outOfRange(String option, String value) {
        return new Stop(parameterError(ErrorCode.VALUE_RANGE.text() + ": " + option + " " + value));
    }

    /**
     * iperf3's {@code atoi}, for a value that is wholly a decimal number only (issue 46): atoi reads
     * {@code abc} as 0 and {@code 1x} as 1, so {@code -t abc} ran a test without end and {@code -P 2x}
     * two streams. Anything else is refused with the option's own error, the one its out-of-range
     * numbers get, as iperf3 words it.
     */
    private static int atoi(String v, Supplier<Stop> refusal) {
        if (!CNumbers.isWholeInteger(v)) {
            throw refusal.get();
        }
        return CNumbers.atoi(v);
    }

    /**
     * The value of an option iperf3 reads with {@code unit_atof}, {@code unit_atoi} or {@code unit_atof_rate}
     * ({@code -b -n -k -l -w --fq-rate --pacing-timer --connect-timeout --server-bitrate-limit}), refused as
     * 3.21 refuses it when its suffix is not one of K, M, G, T or it holds no number (issue 57: 3.12 read
     * {@code -b 10Q} as 10 bit/s, a typo of {@code 10G} measured in silence). Returns {@code v}.
     */
    private static String unitValue(String v) {
        if (!CNumbers.isUnitValue(v)) {
            throw new Stop(parameterError("invalid unit value or suffix: '" + v + "'"));
        }
        return v;
    }

    /** iperf3's {@code atof}, for a value that is wholly a number only; see {@link #atoi(String, Supplier)}. */
    private static double atof(String v, Supplier<Stop> refusal) {
        if (!CNumbers.isWholeDouble(v)) {
            throw refusal.get();
        }
        return CNumbers.atof(v);
    }

    /**
     * iperf3's {@code strtol(v, &end, 0)} (hex and octal too), for a value that is wholly a number only:
     * 3.12 refuses no digits at all but takes {@code 1x} as 1.
     */
    private static int strtol(String v, Supplier<Stop> refusal) {
        CNumbers.LongScan scan = CNumbers.strtol(v, 0);
        if (scan.end() == 0 || scan.end() != v.length()) {
            throw refusal.get();
        }
        return (int) scan.value(); // stored in an int before 3.12 checks it
    }

    private static Path path(String option, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new Stop(parameterError("invalid path for " + option + ": " + e.getMessage()));
        }
    }

    // ------------------------------------------------------- the options, in usage order

    /**
     * Reads one option as the scanner found it: runs its rule.
     *
     * @param value the option's argument; null for a flag and for an optional argument left out
     * @throws Stop when the option ends the parse
     */
    void apply(CommandLineOption option, String value) {
        switch (option) {
            case PORT -> port(value);
            case FORMAT -> format(value);
            case INTERVAL -> interval(value);
            case PIDFILE -> pidfile(value);
            case FILE -> file(value);
            case AFFINITY -> affinity(value);
            case BIND -> bind(value);
            case BIND_DEV -> bindDev(value);
            case VERBOSE -> verbose();
            case JSON -> json();
            case JSON_STREAM -> jsonStream();
            case JSON_STREAM_FULL_OUTPUT -> jsonStreamFullOutput();
            case LOGFILE -> logfile(value);
            case FORCEFLUSH -> forceflush();
            case TIMESTAMPS -> timestamps(value);
            case RCV_TIMEOUT -> rcvTimeout(value);
            case SND_TIMEOUT -> sndTimeout(value);
            case CNTL_KA -> cntlKa(value);
            case MPTCP -> mptcp();
            case DEBUG -> debug(value);
            case VERSION -> version();
            case HELP -> help();
            case SERVER -> server();
            case DAEMON -> daemon();
            case ONE_OFF -> oneOff();
            case SERVER_BITRATE_LIMIT -> serverBitrateLimit(value);
            case IDLE_TIMEOUT -> idleTimeout(value);
            case RSA_PRIVATE_KEY_PATH -> rsaPrivateKeyPath(value);
            case AUTHORIZED_USERS_PATH -> authorizedUsersPath(value);
            case TIME_SKEW_THRESHOLD -> timeSkewThreshold(value);
            case MAX_CONCURRENT -> maxConcurrent(value);
            case SERVER_MAX_DURATION -> serverMaxDuration(value);
            case MAX_PER_CLIENT -> maxPerClient(value);
            case QUEUE -> queue(value);
            case QUEUE_TIMEOUT -> queueTimeout(value);
            case ALLOW -> addressRule(value, true);
            case DENY -> addressRule(value, false);
            case SERVER_LOG -> serverLog(value);
            case TOTAL_RATE -> totalRate(value);
            case COOL_DOWN -> coolDown(value);
            case CLIENT -> client(value);
            case SCTP -> sctp();
            case XBIND -> xbind(value);
            case NSTREAMS -> nstreams(value);
            case UDP -> udp();
            case CONNECT_TIMEOUT -> connectTimeout(value);
            case BITRATE -> bitrate(value);
            case PACING_TIMER -> pacingTimer(value);
            case FQ_RATE -> fqRate(value);
            case TIME -> time(value);
            case BYTES -> bytes(value);
            case BLOCKCOUNT -> blockcount(value);
            case LENGTH -> length(value);
            case CPORT -> cport(value);
            case PARALLEL -> parallel(value);
            case REVERSE -> reverse();
            case BIDIR -> bidir();
            case LATENCY -> latency(value);
            case WINDOW -> window(value);
            case CONGESTION -> congestion(value);
            case SET_MSS -> setMss(value);
            case NO_DELAY -> noDelay();
            case VERSION4 -> version4();
            case VERSION6 -> version6();
            case TOS -> tos(value);
            case DSCP -> dscp(value);
            case FLOWLABEL -> flowlabel(value);
            case ZEROCOPY -> zerocopy();
            case SKIP_RX_COPY -> skipRxCopy();
            case OMIT -> omit(value);
            case TITLE -> title(value);
            case EXTRA_DATA -> extraData(value);
            case GET_SERVER_OUTPUT -> getServerOutput();
            case UDP_COUNTERS_64BIT -> udpCounters64bit();
            case GSRO -> gsro();
            case REPEATING_PAYLOAD -> repeatingPayload();
            case DONT_FRAGMENT -> dontFragment();
            case USERNAME -> username(value);
            case RSA_PUBLIC_KEY_PATH -> rsaPublicKeyPath(value);
            case USE_PKCS1_PADDING -> usePkcs1Padding();
            case USE_OAEP_PADDING -> useOaepPadding();
            case LOOPBACK -> loopback();
            case WHY -> why();
            case NO_FQ_SOCKET_PACING -> noFqSocketPacing();
            default -> throw new IllegalStateException("no rule for " + option); // CommandLineOptionTest covers all
        }
    }

    // ------------------------------------------------------- 3.12's longopts, in order

    void port(String v) {
        int dash = v.indexOf('-');
        if (dash > 0 && digits(v.substring(0, dash)) && digits(v.substring(dash + 1))) {
            portRange(v.substring(0, dash), v.substring(dash + 1));
            return;
        }
        int port = atoi(v, () -> fail(ErrorCode.BAD_PORT));
        if (port < 1 || port > 65535) {
            throw fail(ErrorCode.BAD_PORT);
        }
        b.port(port).portLast(0);
        portGiven = true;
        portRangeGiven = false;
    }

    /**
     * A server's {@code -p FIRST-LAST} (iperf3j; iperf3's atoi would read FIRST): every port of the range,
     * at most {@link IperfOptions#MAX_PORT_RANGE}; a client refuses it in {@link #finish()}.
     */
    private void portRange(String first, String last) {
        long from = first.length() > 5 ? 0 : Long.parseLong(first);
        long to = last.length() > 5 ? 0 : Long.parseLong(last);
        if (from < 1 || from > 65535 || to < 1 || to > 65535) {
            throw fail(ErrorCode.BAD_PORT);
        }
        if (to <= from || to - from + 1 > IperfOptions.MAX_PORT_RANGE) {
            throw fail(ErrorCode.PORT_RANGE);
        }
        b.port((int) from).portLast((int) to);
        portGiven = true;
        portRangeGiven = true;
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    void format(String v) {
        if (v.isEmpty() || "kmgtKMGT".indexOf(v.charAt(0)) < 0) {
            throw fail(ErrorCode.BAD_FORMAT);
        }
        format = v.charAt(0);
    }

    void interval(String v) {
        double interval = atof(v, () -> fail(ErrorCode.INTERVAL));
        // NaN passes 3.12's comparisons; iperf3j rejects it.
        if (Double.isNaN(interval) || ((interval < MIN_INTERVAL || interval > MAX_INTERVAL) && interval != 0)) {
            throw fail(ErrorCode.INTERVAL);
        }
        b.interval(interval);
    }

    void daemon() {
        b.daemon(true);
        serverFlag = true;
    }

    void oneOff() {
        b.oneOff(true);
        oneOffFlag = true;
        serverFlag = true;
    }

    void verbose() {
        verbose = true;
    }

    void json() {
        json = true;
    }

    void version() {
        throw new Stop(new ParseResult.Version(OptionParser.versionText()));
    }

    void server() {
        if (role == 'c') {
            throw fail(ErrorCode.SERVER_CLIENT);
        }
        if (loopback) {
            throw fail(ErrorCode.LOOPBACK_ROLE);
        }
        role = 's';
    }

    void client(String v) {
        if (role == 's') {
            throw fail(ErrorCode.SERVER_CLIENT);
        }
        if (loopback) {
            throw fail(ErrorCode.LOOPBACK_ROLE);
        }
        role = 'c';
        String[] hostDev = splitHostDevice(v);
        host = hostDev[0];
        if (hostDev[1] != null) {
            b.bindDevice(hostDev[1]);
        }
    }

    void udp() {
        protocol = Transport.UDP;
        clientFlag = true;
    }

    void bitrate(String v) {
        String rate = v;
        int slash = v.indexOf('/');
        if (slash >= 0) {
            rate = v.substring(0, slash);
            int burst = atoi(v.substring(slash + 1), () -> fail(ErrorCode.BURST));
            if (burst <= 0 || burst > MAX_BURST) {
                throw fail(ErrorCode.BURST);
            }
            b.burst(burst);
        }
        long bits = CNumbers.toUint64Bits(CNumbers.unitAtofRate(unitValue(rate)));
        if (bits < 0) { // negative, or 2^63 and more: 3.12 wraps it through uint64_t
            throw outOfRange("-b", v);
        }
        b.bitrate(bits);
        rateFlag = true;
        clientFlag = true;
    }

    void serverBitrateLimit(String v) {
        String rate = v;
        int slash = v.indexOf('/');
        if (slash >= 0) {
            rate = v.substring(0, slash);
            double window = atof(v.substring(slash + 1), () -> fail(ErrorCode.TOTAL_INTERVAL));
            if (Double.isNaN(window) || (window != 0 && (window < MIN_INTERVAL || window > MAX_INTERVAL))) {
                throw fail(ErrorCode.TOTAL_INTERVAL);
            }
            b.serverBitrateLimitInterval(window);
        }
        long bits = CNumbers.toUint64Bits(CNumbers.unitAtofRate(unitValue(rate)));
        if (bits < 0) {
            throw outOfRange("--server-bitrate-limit", v);
        }
        b.serverBitrateLimit(bits);
        serverFlag = true;
    }

    void time(String v) {
        if (CNumbers.isWholeDouble(v) && !CNumbers.isWholeInteger(v)) {
            // iperf3 (3.12 and 3.21) reads -t 0.5 with atoi as 0: a test without end
            throw new Stop(parameterError("-t " + v + ": " + ErrorCode.DURATION_WHOLE.text()));
        }
        int duration = atoi(v, () -> fail(ErrorCode.DURATION_RANGE));
        // 3.12 only rejects > 86400; iperf3j (like 3.17+) also rejects negative durations.
        if (duration < 0 || duration > MAX_TIME) {
            throw fail(ErrorCode.DURATION_RANGE);
        }
        b.durationSec(duration);
        durationFlag = true;
        clientFlag = true;
    }

    void bytes(String v) {
        bytes = CNumbers.unitAtoi(unitValue(v));
        if (bytes < 0) {
            throw outOfRange("-n", v);
        }
        clientFlag = true;
    }

    void blockcount(String v) {
        blocks = CNumbers.unitAtoi(unitValue(v));
        if (blocks < 0) {
            throw outOfRange("-k", v);
        }
        clientFlag = true;
    }

    void length(String v) {
        blksize = (int) CNumbers.unitAtoi(unitValue(v)); // int in 3.12: "-l 4G" wraps to 0, the default
        clientFlag = true;
    }

    void parallel(String v) {
        int streams = atoi(v, () -> outOfRange("-P", v));
        if (streams > MAX_STREAMS) {
            throw fail(ErrorCode.NUM_STREAMS);
        }
        if (streams < 1) {
            throw outOfRange("-P", v);
        }
        b.parallel(streams);
        clientFlag = true;
    }

    void reverse() {
        if (bidirectional) {
            throw fail(ErrorCode.REVERSE_BIDIR);
        }
        reverse = true;
        clientFlag = true;
    }

    void bidir() {
        if (reverse) {
            throw fail(ErrorCode.REVERSE_BIDIR);
        }
        bidirectional = true;
        clientFlag = true;
    }

    void window(String v) {
        double window = CNumbers.unitAtof(unitValue(v));
        if (window > MAX_TCP_BUFFER) {
            throw fail(ErrorCode.BUF_SIZE);
        }
        int bytes = CNumbers.toInt(window);
        if (bytes < 0) {
            throw outOfRange("-w", v);
        }
        b.window(bytes);
        clientFlag = true;
    }

    void bind(String v) {
        String[] hostDev = splitHostDevice(v);
        b.bindAddress(hostDev[0]);
        if (hostDev[1] != null) {
            b.bindDevice(hostDev[1]);
        }
    }

    void bindDev(String v) {
        b.bindDevice(v);
    }

    void cport(String v) {
        int port = atoi(v, () -> fail(ErrorCode.BAD_PORT));
        if (port < 1 || port > 65535) {
            throw fail(ErrorCode.BAD_PORT);
        }
        b.cport(port);
    }

    void setMss(String v) {
        int mss = atoi(v, () -> outOfRange("-M", v));
        if (mss > MAX_MSS) {
            throw fail(ErrorCode.MSS);
        }
        if (mss < 0) {
            throw outOfRange("-M", v);
        }
        b.mss(mss);
        clientFlag = true;
    }

    void noDelay() {
        b.noDelay(true);
        clientFlag = true;
    }

    void version4() {
        ipVersion = IpVersion.V4;
    }

    void version6() {
        ipVersion = IpVersion.V6;
    }

    void tos(String v) {
        int tos = strtol(v, () -> fail(ErrorCode.BAD_TOS));
        if (tos < 0 || tos > 255) {
            throw fail(ErrorCode.BAD_TOS);
        }
        b.tos(tos);
        clientFlag = true;
    }

    void dscp(String v) {
        int tos = Dscp.toTos(v);
        if (tos < 0) {
            throw fail(ErrorCode.BAD_TOS);
        }
        b.tos(tos);
        clientFlag = true;
    }

    void extraData(String v) {
        b.extraData(v);
        clientFlag = true;
    }

    void flowlabel(String v) {
        int label = strtol(v, () -> fail(ErrorCode.SET_FLOW));
        if (label < 1 || label > MAX_FLOWLABEL) {
            throw fail(ErrorCode.SET_FLOW);
        }
        b.flowLabel(label);
        clientFlag = true;
    }

    void zerocopy() {
        b.zeroCopy(true);
        clientFlag = true;
    }

    void omit(String v) {
        int omit = atoi(v, () -> fail(ErrorCode.OMIT));
        if (omit < 0 || omit > MAX_OMIT) {
            throw fail(ErrorCode.OMIT);
        }
        b.omitSec(omit);
        clientFlag = true;
    }

    void file(String v) {
        b.file(path("-F", v));
    }

    void repeatingPayload() {
        b.repeatingPayload(true);
        clientFlag = true;
    }

    void timestamps(String v) {
        b.timestampFormat(v == null ? "%c " : v);
    }

    void affinity(String v) {
        int comma = v.indexOf(',');
        int cpu = strtol(comma < 0 ? v : v.substring(0, comma), () -> fail(ErrorCode.AFFINITY));
        if (cpu < 0 || cpu > MAX_AFFINITY) {
            throw fail(ErrorCode.AFFINITY);
        }
        String affinity = Integer.toString(cpu);
        if (comma >= 0) {
            int serverCpu = atoi(v.substring(comma + 1), () -> fail(ErrorCode.AFFINITY));
            if (serverCpu < 0 || serverCpu > MAX_AFFINITY) {
                throw fail(ErrorCode.AFFINITY);
            }
            affinity += "," + serverCpu;
            clientFlag = true;
        }
        b.affinity(affinity);
    }

    void title(String v) {
        b.title(v);
        clientFlag = true;
    }

    void congestion(String v) {
        b.congestion(v);
        clientFlag = true;
    }

    void sctp() {
        throw fail(ErrorCode.NO_SCTP);
    }

    void nstreams(String v) {
        throw fail(ErrorCode.NO_SCTP);
    }

    void xbind(String v) {
        throw fail(ErrorCode.NO_SCTP);
    }

    void pidfile(String v) {
        b.pidFile(path("-I", v));
    }

    void logfile(String v) {
        b.logFile(path("--logfile", v));
    }

    void forceflush() {
        b.forceFlush(true);
    }

    void getServerOutput() {
        b.getServerOutput(true);
        clientFlag = true;
    }

    void udpCounters64bit() {
        b.udpCounters64(true);
    }

    void noFqSocketPacing() {
        // 3.12 prints this on stdout at once; iperf3j hands it to the CLI with the other warnings.
        warnings.add("Warning:  --no-fq-socket-pacing is deprecated");
        b.fqRate(0);
        clientFlag = true;
    }

    void dontFragment() {
        b.dontFragment(true);
        clientFlag = true;
    }

    void username(String v) {
        username = v;
    }

    void rsaPublicKeyPath(String v) {
        rsaPublicKey = v;
    }

    void rsaPrivateKeyPath(String v) {
        rsaPrivateKey = v;
    }

    void authorizedUsersPath(String v) {
        authorizedUsers = v;
    }

    void timeSkewThreshold(String v) {
        int threshold = atoi(v, () -> fail(ErrorCode.SKEW_THRESHOLD));
        if (threshold <= 0) {
            throw fail(ErrorCode.SKEW_THRESHOLD);
        }
        b.timeSkewThreshold(threshold);
        // not a server_flag option in 3.12: it is checked with the server authentication options
        skewThresholdGiven = true;
    }

    void fqRate(String v) {
        long bits = CNumbers.toUint64Bits(CNumbers.unitAtofRate(unitValue(v)));
        if (bits < 0) {
            throw outOfRange("--fq-rate", v);
        }
        b.fqRate(bits);
        clientFlag = true;
    }

    void pacingTimer(String v) {
        int micros = (int) CNumbers.unitAtoi(unitValue(v));
        if (micros < 0) {
            throw outOfRange("--pacing-timer", v);
        }
        b.pacingTimerUs(micros);
        clientFlag = true;
    }

    void connectTimeout(String v) {
        int millis = (int) CNumbers.unitAtoi(unitValue(v));
        if (millis < 0) {
            throw outOfRange("--connect-timeout", v);
        }
        b.connectTimeoutMs(millis);
        clientFlag = true;
    }

    void idleTimeout(String v) {
        int seconds = atoi(v, () -> fail(ErrorCode.IDLE_TIMEOUT));
        if (seconds <= 0 || seconds > MAX_TIME) {
            throw fail(ErrorCode.IDLE_TIMEOUT);
        }
        b.idleTimeoutSec(seconds);
        serverFlag = true;
    }

    void rcvTimeout(String v) {
        int millis = atoi(v, () -> fail(ErrorCode.RCV_TIMEOUT));
        if (millis < MIN_RCV_TIMEOUT_MS || millis > MAX_TIMEOUT_MS) {
            throw fail(ErrorCode.RCV_TIMEOUT);
        }
        b.rcvTimeoutMs(millis).rcvTimeoutGiven(true);
        rcvTimeoutFlag = true;
    }

    void sndTimeout(String v) {
        int millis = atoi(v, () -> fail(ErrorCode.SND_TIMEOUT));
        if (millis < 0 || millis > MAX_TIMEOUT_MS) {
            throw fail(ErrorCode.SND_TIMEOUT);
        }
        b.sndTimeoutMs(millis);
    }

    // The short -d never takes an argument (3.12's optstring has a plain "d"); only --debug=N does.
    void debug(String v) {
        debug = true;
        int level = DEBUG_LEVEL_MAX;
        if (v != null) {
            // 3.12 stores atoi(N) as is; levels above 4 act as 4, and iperf3j maps
            // 0, negatives and non-numbers (debug on, no levelled messages) to 1.
            level = Math.max(1, Math.min(DEBUG_LEVEL_MAX, CNumbers.atoi(v)));
        }
        b.debugLevel(level);
    }

    void help() {
        throw new Stop(new ParseResult.Help(OptionParser.usage()));
    }

    /** Another module's row given: a client-only or server-only one counts as iperf3's own do in {@link #finish()}. */
    void markScope(io.iperf3j.options.Scope scope) {
        switch (scope) {
            case CLIENT -> clientFlag = true;
            case SERVER -> serverFlag = true;
            case ANY -> {
            }
        }
    }

    // ---------------------------------------------------------------- iperf3j additions

    void jsonStream() {
        json = true; // as in iperf3 3.17+, --json-stream implies JSON output
        b.jsonStream(true);
    }

    void maxConcurrent(String v) {
        int max = atoi(v, () -> fail(ErrorCode.MAX_CONCURRENT));
        if (max < 1 || max > MAX_CONCURRENT_LIMIT) {
            throw fail(ErrorCode.MAX_CONCURRENT);
        }
        b.maxConcurrent(max);
        maxConcurrentGiven = max;
        serverFlag = true;
    }

    void coolDown(String v) {
        int seconds = atoi(v, () -> fail(ErrorCode.COOL_DOWN));
        if (seconds < 0 || seconds > MAX_TIME) {
            throw fail(ErrorCode.COOL_DOWN);
        }
        b.coolDownSec(seconds);
        serverFlag = true;
    }

    /**
     * {@code --total-rate}: iperf3's decimal rate suffixes (1600M is 1.6e9 bits/s), above 0. iperf3j's own
     * option, so stricter than iperf3's {@code unit_atof_rate} (issue 46): an unknown suffix is refused
     * ({@code 10Q} was a server held to 10 bit/s), and so is a rate below 1 kbit/s, which no link is
     * shared at and which is most likely a forgotten suffix ({@code --total-rate 50}).
     */
    void totalRate(String v) {
        if (!CNumbers.isNumberWithUnit(v)) {
            throw new Stop(parameterError("--total-rate " + v + ": " + ErrorCode.TOTAL_RATE_UNIT.text()));
        }
        long bits = CNumbers.toUint64Bits(CNumbers.unitAtofRate(v));
        if (bits <= 0) {
            throw fail(ErrorCode.TOTAL_RATE_RANGE);
        }
        if (bits < MIN_TOTAL_RATE) {
            boolean noSuffix = CNumbers.isWholeDouble(v);
            throw new Stop(parameterError("--total-rate " + v + ": " + ErrorCode.TOTAL_RATE_LOW.text()
                    + (noSuffix ? "; did you mean " + v.strip() + "M?" : "")));
        }
        b.totalRate(bits);
        totalRateGiven = true;
        serverFlag = true;
    }

    void queue(String v) {
        int n = atoi(v, () -> fail(ErrorCode.QUEUE));
        if (n < 0 || n > MAX_QUEUE) {
            throw fail(ErrorCode.QUEUE);
        }
        b.queue(n);
        manyTestsFlag |= n > 0;
        serverFlag = true;
    }

    void queueTimeout(String v) {
        int seconds = atoi(v, () -> fail(ErrorCode.QUEUE_TIMEOUT));
        if (seconds < 1 || seconds > MAX_TIME) {
            throw fail(ErrorCode.QUEUE_TIMEOUT);
        }
        b.queueTimeoutSec(seconds);
        serverFlag = true;
    }

    void maxPerClient(String v) {
        int max = atoi(v, () -> fail(ErrorCode.MAX_PER_CLIENT));
        if (max < 0 || max > MAX_PER_CLIENT_LIMIT) {
            throw fail(ErrorCode.MAX_PER_CLIENT);
        }
        b.maxPerClient(max);
        manyTestsFlag |= max > 0;
        serverFlag = true;
    }

    /**
     * {@code --allow}/{@code --deny}: a prefix, or {@code @path} with one per line (blank lines
     * and {@code #} comments skipped), read now, once; a bad one fails with its file and line.
     */
    void addressRule(String v, boolean allow) {
        String option = allow ? "--allow" : "--deny";
        if (!v.startsWith("@")) {
            addressRules.add(rule(v, allow, option + " " + v));
        } else {
            Path file = path(option, v.substring(1));
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException | UncheckedIOException e) {
                throw new Stop(parameterError(ErrorCode.ADDRESS_RULE.text() + ": cannot read " + file + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int hash = line.indexOf('#');
                String text = (hash < 0 ? line : line.substring(0, hash)).strip();
                if (!text.isEmpty()) {
                    addressRules.add(rule(text, allow, file + ":" + (i + 1)));
                }
            }
        }
        b.addressRules(addressRules);
        serverFlag = true;
    }

    private static AddressRule rule(String text, boolean allow, String where) {
        try {
            return AddressRule.parse(text, allow);
        } catch (IllegalArgumentException e) {
            throw new Stop(parameterError(ErrorCode.ADDRESS_RULE.text() + ": " + where + ": " + e.getMessage()));
        }
    }

    void serverMaxDuration(String v) {
        int seconds = atoi(v, () -> fail(ErrorCode.SERVER_MAX_DURATION));
        if (seconds < 0 || seconds > MAX_TIME) {
            throw fail(ErrorCode.SERVER_MAX_DURATION);
        }
        b.serverMaxDurationSec(seconds);
        serverFlag = true;
    }

    // On either side, without setting a role's flag: a server takes PKCS#1 v1.5 tokens only
    // (3.17+'s server option, same name and meaning); a client pads its token with it only
    // (iperf3j's, for 3.16 and older servers; 3.21 refuses it on a client).
    void usePkcs1Padding() {
        b.authPadding(RsaPadding.PKCS1);
        pkcs1Given = true;
    }

    // iperf3j's, on either side: a server takes OAEP tokens only (a 3.17+ server's default); a
    // client pads with OAEP only. Without either, a server takes both (issue 66).
    void useOaepPadding() {
        b.authPadding(RsaPadding.OAEP);
        oaepGiven = true;
    }

    // --server-log alone is today's text lines; an optional value attaches only with '=' (getopt).
    void serverLog(String v) {
        b.serverLog(switch (v == null ? "text" : v) {
            case "text" -> ServerLogFormat.TEXT;
            case "json" -> ServerLogFormat.JSON;
            default -> throw fail(ErrorCode.SERVER_LOG_FORMAT);
        });
        serverFlag = true;
    }

    void loopback() {
        if (role != 0) {
            throw fail(ErrorCode.LOOPBACK_ROLE);
        }
        loopback = true;
    }

    // iperf3j's latency under load (docs/design/latency.md): a probe every N ms, 10 without a value.
    void latency(String v) {
        int ms = DEFAULT_LATENCY_MS;
        if (v != null) {
            Supplier<Stop> refusal = () -> new Stop(parameterError("latency probe interval must be 1.."
                    + MAX_LATENCY_MS + " ms: --latency=" + v));
            ms = atoi(v, refusal);
            if (ms < 1 || ms > MAX_LATENCY_MS) {
                throw refusal.get();
            }
        }
        b.latencyMs(ms);
        clientFlag = true;
    }

    // ------------------------------------------------- options of iperf3 3.18 to 3.21
    // In 3.21's longopts these sit among 3.12's; their getoptOrder (CommandLineOption) only decides how an
    // ambiguous abbreviation lists its candidates.

    void jsonStreamFullOutput() {
        b.jsonStreamFullOutput(true); // as 3.21: no effect without --json-stream, and not client only
    }

    /**
     * 3.21's {@code OPT_CNTL_KA}: {@code --cntl-ka[=idle[/interval[/count]]]}, each part
     * optional and read with {@code atoi}; an idle time not above interval × count (as
     * given, 0 when left out) is refused at once. Either role.
     */
    void cntlKa(String v) {
        int idle = 0;
        int interval = 0;
        int count = 0;
        if (v != null) {
            String[] parts = v.split("/", 3);
            if (parts.length > 2 && !parts[2].isEmpty()) {
                count = atoi(parts[2], () -> fail(ErrorCode.CNTL_KA));
            }
            if (parts.length > 1 && !parts[1].isEmpty()) {
                interval = atoi(parts[1], () -> fail(ErrorCode.CNTL_KA));
            }
            if (!parts[0].isEmpty()) {
                idle = atoi(parts[0], () -> fail(ErrorCode.CNTL_KA));
            }
        }
        if (idle != 0 && (long) idle <= (long) count * interval) {
            throw fail(ErrorCode.CNTL_KA);
        }
        b.controlKeepalive(new IperfOptions.ControlKeepalive(idle, interval, count));
    }

    /** 3.21's {@code -m}: like {@code set_protocol(test, Ptcp)}, so a later {@code -u} wins and an earlier one loses. */
    void mptcp() {
        protocol = Transport.TCP;
        b.mptcp(true);
    }

    /** {@code --why}: iperf3j's own, and a client's, as {@code --latency} (issue 57: {@code -s --why} said nothing). */
    void why() {
        why = true;
        clientFlag = true;
    }

    void skipRxCopy() {
        b.skipRxCopy(true);
        clientFlag = true;
    }

    /** Checked after the loop, after the client-only check, as 3.21 does. */
    void gsro() {
        b.gsro(true);
        gsroFlag = true;
    }

    // ---------------------------------------------------------------- after the loop

    /** 3.12's checks after its getopt loop, in its order; then the options. */
    ParseResult.Run finish() {
        if (loopback) {
            role = 'c';
        }
        if (role == 'c' && serverFlag) {
            throw fail(ErrorCode.SERVER_ONLY);
        }
        if (role == 's' && clientFlag) {
            throw fail(ErrorCode.CLIENT_ONLY);
        }
        if (role == 's' && gsroFlag) {
            throw fail(ErrorCode.CLIENT_ONLY);
        }
        boolean anyClientAuth = username != null || rsaPublicKey != null;
        if (role == 's' && anyClientAuth) {
            throw fail(ErrorCode.CLIENT_ONLY);
        }
        if (role == 'c' && anyClientAuth && (username == null || rsaPublicKey == null)) {
            throw fail(ErrorCode.SET_CLIENT_AUTH);
        }
        boolean anyServerAuth = rsaPrivateKey != null || authorizedUsers != null;
        if (role == 'c' && (anyServerAuth || skewThresholdGiven)) {
            throw fail(ErrorCode.SERVER_ONLY);
        }
        if (role == 's' && anyServerAuth && (rsaPrivateKey == null || authorizedUsers == null)) {
            throw fail(ErrorCode.SET_SERVER_AUTH);
        }
        if (pkcs1Given && oaepGiven) {
            throw fail(ErrorCode.PADDING_CONFLICT);
        }
        if (role == 's' && totalRateGiven && oneOffFlag) {
            throw fail(ErrorCode.TOTAL_RATE_ONE_OFF);
        }
        if (role == 's' && oneOffFlag && manyTestsFlag) {
            throw fail(ErrorCode.ONE_OFF_ADMISSION);
        }
        if (portRangeGiven && role == 'c') {
            throw fail(ErrorCode.PORT_RANGE_SERVER_ONLY);
        }
        b.numberedReports(role == 's' && (maxConcurrentGiven > 1 || portRangeGiven));
        if (role == 'c' && rcvTimeoutFlag && !reverse && !bidirectional) {
            throw fail(ErrorCode.REVERSE_ONLY_RCV_TIMEOUT);
        }
        // 0 keeps the protocol's default (IperfOptions.blockSize); 3.12 fills it in here.
        if ((protocol != Transport.UDP && blksize < 0) || blksize > MAX_BLOCKSIZE) {
            throw fail(ErrorCode.BLOCK_SIZE);
        }
        // 3.12 skips this check for negative UDP lengths and keeps them; iperf3j rejects them.
        if (protocol == Transport.UDP && blksize != 0
                && (blksize < MIN_UDP_BLOCKSIZE || blksize > MAX_UDP_BLOCKSIZE)) {
            throw fail(ErrorCode.UDP_BLOCK_SIZE);
        }
        if ((bytes != 0 || blocks != 0) && !durationFlag) {
            b.durationSec(0);
        }
        if ((durationFlag && bytes != 0) || (durationFlag && blocks != 0) || (bytes != 0 && blocks != 0)) {
            throw fail(ErrorCode.END_CONDITIONS);
        }
        if (role != 'c' && role != 's') {
            throw fail(ErrorCode.NO_ROLE);
        }
        if (json && format != 'a') {
            warnings.add("warning: Report format (-f) flag ignored with JSON output (-J)");
        }
        if (json && verbose) {
            warnings.add("warning: Verbose output (-v) may interfere with JSON output (-J)");
        }
        if (json && debug) {
            warnings.add("warning: Debug output (-d) may interfere with JSON output (-J)");
        }

        b.role(role == 'c' ? Role.CLIENT : Role.SERVER)
                .format(format)
                .verbose(verbose)
                .json(json)
                .ipVersion(ipVersion)
                .protocol(protocol)
                .blockSize(blksize)
                .bytes(bytes)
                .blocks(blocks)
                .reverse(reverse)
                .bidirectional(bidirectional)
                .loopback(loopback)
                .why(why);
        if (loopback) {
            b.host(ipVersion == IpVersion.V6 ? "::1" : "127.0.0.1");
            if (!portGiven) {
                b.port(0); // ephemeral: the embedded server picks a free port
            }
        } else {
            b.host(role == 'c' ? host : null);
        }
        if (username != null) {
            b.username(username);
        }
        if (rsaPublicKey != null) {
            b.rsaPublicKeyPath(path("--rsa-public-key-path", rsaPublicKey));
        }
        if (rsaPrivateKey != null) {
            b.rsaPrivateKeyPath(path("--rsa-private-key-path", rsaPrivateKey));
        }
        if (authorizedUsers != null) {
            b.authorizedUsersPath(path("--authorized-users-path", authorizedUsers));
        }
        return new ParseResult.Run(b.build(), warnings);
    }

    /**
     * {@code host[%dev]} as 3.12's {@code iperf_parse_hostname} splits it with
     * {@code strtok(spec, "%")}: with two tokens, the first is the host and the second
     * the device, unless the host is an IPv6 link-local literal, whose {@code %scope}
     * stays part of the host. With fewer tokens ({@code "h%"}, {@code "%lo"}) the whole
     * string is the host.
     *
     * @return {host, device or null}
     */
    static String[] splitHostDevice(String spec) {
        int i = 0;
        while (i < spec.length() && spec.charAt(i) == '%') {
            i++;
        }
        int end1 = spec.indexOf('%', i);
        if (i == spec.length() || end1 < 0) {
            return new String[] {spec, null};
        }
        int j = end1;
        while (j < spec.length() && spec.charAt(j) == '%') {
            j++;
        }
        if (j == spec.length()) {
            return new String[] {spec, null};
        }
        int end2 = spec.indexOf('%', j);
        String first = spec.substring(i, end1);
        String second = spec.substring(j, end2 < 0 ? spec.length() : end2);
        if (isIpv6LinkLocal(first)) {
            return new String[] {spec, null};
        }
        return new String[] {first, second};
    }

    private static boolean isIpv6LinkLocal(String literal) {
        if (literal.indexOf(':') < 0 || literal.startsWith("[")) {
            return false; // not something inet_pton(AF_INET6) accepts; never a name lookup
        }
        try {
            return Inet6Address.ofLiteral(literal) instanceof Inet6Address a && a.isLinkLocalAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
