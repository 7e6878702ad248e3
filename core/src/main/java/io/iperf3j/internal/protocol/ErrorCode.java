package io.iperf3j.internal.protocol;

/**
 * iperf3's error numbers ({@code i_errno}) and texts, as iperf3 3.12 defines them
 * ({@code iperf_api.h} and {@code iperf_strerror} in {@code iperf_error.c}), plus
 * two codes from later upstream versions and a few iperf3j-only codes (numbers
 * 1000 and up, which never appear on the wire).
 *
 * <p>The numbers travel on the wire after SERVER_ERROR; the texts are what iperf3
 * prints. The texts were checked against the installed 3.12 library by calling
 * its {@code iperf_strerror} for every number, so 3.12's oddities are kept on
 * purpose: 28 and 139 have no text in 3.12 (it prints {@code int_errno=28}), 138
 * ends with a newline, and 148 repeats the MSS text.
 *
 * <p>{@link #appendsSystemError()} tells whether iperf3 appends
 * {@code ": " + strerror(errno)} to the text (its {@code perr} flag). 3.12 appends
 * the {@code ": "} even when {@code errno} is 0, which is why parameter errors
 * such as {@code "unable to set CPU affinity: "} end with a colon and a space;
 * {@link #message(String)} renders exactly that.
 */
public enum ErrorCode {
    NONE(0, "no error"),

    // Parameter errors (1-37)
    SERVER_CLIENT(1, "cannot be both server and client"),
    NO_ROLE(2, "must either be a client (-c) or server (-s)"),
    SERVER_ONLY(3, "some option you are trying to set is server only"),
    CLIENT_ONLY(4, "some option you are trying to set is client only"),
    DURATION(5, "test duration too long (maximum = 86400 seconds)"),
    NUM_STREAMS(6, "number of parallel streams too large (maximum = 128)"),
    BLOCK_SIZE(7, "block size too large (maximum = 1048576 bytes)"),
    BUF_SIZE(8, "socket buffer size too large (maximum = 536870912 bytes)"),
    INTERVAL(9, "invalid report interval (min = 0.1, max = 60 seconds)"),
    MSS(10, "TCP MSS too large (maximum = 9216 bytes)"),
    NO_SENDFILE(11, "this OS does not support sendfile"),
    OMIT(12, "bogus value for --omit"),
    UNIMPLEMENTED(13, "an option you are trying to set is not implemented yet"),
    FILE(14, "unable to open -F file", true),
    BURST(15, "invalid burst count (maximum = 1000)"),
    END_CONDITIONS(16, "only one test end condition (-t, -n, -k) may be specified"),
    LOG_FILE(17, "unable to open log file", true),
    NO_SCTP(18, "no SCTP support available"),
    BIND(19, "--bind must be specified to use --cport"),
    UDP_BLOCK_SIZE(20, "block size invalid (minimum = 16 bytes, maximum = 65507 bytes)"),
    BAD_TOS(21, "bad TOS value (must be between 0 and 255 inclusive)"),
    SET_CLIENT_AUTH(22, "you must specify a username, password, and path to a valid RSA public key"),
    SET_SERVER_AUTH(23, "you must specify a path to a valid RSA private key and a user credential file"),
    BAD_FORMAT(24, "bad format specifier (valid formats are in the set [kmgtKMGT])"),
    REVERSE_BIDIR(25, "cannot be both reverse and bidirectional"),
    BAD_PORT(26, "port number must be between 1 and 65535 inclusive"),
    TOTAL_RATE(27, "total required bandwidth is larger than server limit"),
    /** IETOTALINTERVAL: 3.12 has no text for it and prints its default {@code int_errno=28: }. */
    TOTAL_INTERVAL(28, "int_errno=28", true),
    SKEW_THRESHOLD(29, "skew threshold must be a positive number"),
    IDLE_TIMEOUT(30, "idle timeout parameter is not positive or larger than allowed limit"),
    RCV_TIMEOUT(31, "receive timeout value is incorrect or not in range", true),
    REVERSE_ONLY_RCV_TIMEOUT(32, "client receive timeout is valid only in receiving mode", true),
    SND_TIMEOUT(33, "send timeout value is incorrect or not in range", true),
    /** IECNTLKA, iperf3 3.18+: {@code --cntl-ka} idle time not above interval times count. */
    CNTL_KA(36, "control connection Keepalive period should be larger than the full retry period (interval * count)",
            true),
    /** IERVRSONLYSKIPRXCOPY, iperf3 3.18+: no MSG_TRUNC here (iperf3j: FFM unavailable). */
    SKIP_RX_COPY_UNSUPPORTED(39, "this OS does not support --skip-rx-copy"),
    /**
     * IEMAXSERVERTESTDURATIONEXCEEDED, new in iperf3 3.20: a server started with
     * {@code --server-max-duration} refuses a longer (or unlimited) test with it.
     * Not in 3.12; a 3.12 client prints {@code int_errno=37: }.
     */
    MAX_SERVER_TEST_DURATION_EXCEEDED(37, "client's requested duration exceeds the server's maximum permitted limit"),

    // Test errors (100-160)
    NEW_TEST(100, "unable to create a new test", true),
    INIT_TEST(101, "test initialization failed", true),
    LISTEN(102, "unable to start listener for connections", true),
    CONNECT(103, "unable to connect to server", true),
    ACCEPT(104, "unable to accept connection from client", true),
    SEND_COOKIE(105, "unable to send cookie to server", true),
    RECV_COOKIE(106, "unable to receive cookie at server", true),
    CTRL_WRITE(107, "unable to write to the control socket", true),
    CTRL_READ(108, "unable to read from the control socket", true),
    CTRL_CLOSE(109, "control socket has closed unexpectedly"),
    MESSAGE(110, "received an unknown control message"),
    SEND_MESSAGE(111, "unable to send control message", true),
    RECV_MESSAGE(112, "unable to receive control message", true),
    SEND_PARAMS(113, "unable to send parameters to server", true),
    RECV_PARAMS(114, "unable to receive parameters from client", true),
    PACKAGE_RESULTS(115, "unable to package results", true),
    SEND_RESULTS(116, "unable to send results", true),
    RECV_RESULTS(117, "unable to receive results", true),
    SELECT(118, "select failed", true),
    CLIENT_TERM(119, "the client has terminated"),
    SERVER_TERM(120, "the server has terminated"),
    ACCESS_DENIED(121, "the server is busy running a test. try again later"),
    SET_NODELAY(122, "unable to set TCP/SCTP NODELAY", true),
    SET_MSS(123, "unable to set TCP/SCTP MSS", true),
    SET_BUF(124, "unable to set socket buffer size", true),
    SET_TOS(125, "unable to set IP TOS", true),
    SET_COS(126, "unable to set IPv6 traffic class", true),
    SET_FLOW(127, "unable to set IPv6 flow label"),
    REUSE_ADDR(128, "unable to reuse address on socket", true),
    NON_BLOCKING(129, "unable to set socket to non-blocking", true),
    SET_WINDOW_SIZE(130, "unable to set socket window size", true),
    PROTOCOL(131, "protocol does not exist"),
    AFFINITY(132, "unable to set CPU affinity", true),
    DAEMON(133, "unable to become a daemon", true),
    SET_CONGESTION(134, "unable to set TCP_CONGESTION: Supplied congestion control algorithm not supported on this host"),
    PID_FILE(135, "unable to write PID file", true),
    V6_ONLY(136, "Unable to set/reset IPV6_V6ONLY", true),
    SET_SCTP_DISABLE_FRAG(137, "unable to set SCTP_DISABLE_FRAGMENTS", true),
    /** 3.12's text really ends with a newline. */
    SET_SCTP_NSTREAM(138, "unable to set SCTP_INIT num of SCTP streams\n", true),
    /** IESETSCTPBINDX: 3.12 has no text for it and prints its default {@code int_errno=139: }. */
    SET_SCTP_BINDX(139, "int_errno=139", true),
    SET_PACING(140, "unable to set socket pacing", true),
    SET_BUF2(141, "socket buffer size not set correctly"),
    AUTH_TEST(142, "test authorization failed"),
    BIND_DEV(143, "Unable to bind-to-device (check perror, maybe permissions?)"),
    NO_MSG(144, "idle timeout for receiving data"),
    SET_DONT_FRAGMENT(145, "unable to set IP Do-Not-Fragment flag"),
    BIND_DEV_NO_SUPPORT(146, "`<ip>%<dev>` is not supported as system does not support bind to device"),
    HOST_DEV(147, "host device name (ip%<dev>) is supported (and required) only for IPv6 link-local address"),
    /** IESETUSERTIMEOUT (TCP_USER_TIMEOUT for {@code --snd-timeout}): 3.12 prints the MSS text for it. */
    SET_USER_TIMEOUT(148, "unable to set TCP/SCTP MSS", true),
    /** IESETCNTLKA..IESETCNTLKACOUNT, iperf3 3.18+: setting {@code --cntl-ka}'s options failed. */
    SET_CNTL_KA(155, "unable to set socket keepalive (SO_KEEPALIVE) option", true),
    SET_CNTL_KA_KEEPIDLE(156, "unable to set socket keepalive TCP period (TCP_KEEPIDLE) option", true),
    SET_CNTL_KA_INTERVAL(157, "unable to set/get socket keepalive TCP retry interval (TCP_KEEPINTVL) option", true),
    SET_CNTL_KA_COUNT(158, "unable to set/get socket keepalive TCP number of retries (TCP_KEEPCNT) option", true),
    /**
     * IESERVERTESTDURATIONEXPIRED, from iperf3 3.20/3.21: the {@code --server-max-duration}
     * timer ended a running test. Not in 3.12; a 3.12 client prints {@code int_errno=160: }.
     */
    SERVER_TEST_DURATION_EXPIRED(160, "server test duration expired", true),

    // Stream errors (200-208)
    CREATE_STREAM(200, "unable to create a new stream", true),
    INIT_STREAM(201, "unable to initialize stream", true),
    STREAM_LISTEN(202, "unable to start stream listener", true),
    STREAM_CONNECT(203, "unable to connect stream", true),
    STREAM_ACCEPT(204, "unable to accept stream connection", true),
    STREAM_WRITE(205, "unable to write to stream socket", true),
    STREAM_READ(206, "unable to read from stream socket", true),
    STREAM_CLOSE(207, "stream socket has closed unexpectedly"),
    STREAM_ID(208, "stream has an invalid id"),

    // Timer errors (300-301)
    NEW_TIMER(300, "unable to create new timer", true),
    UPDATE_TIMER(301, "unable to update timer", true),

    // iperf3j only (1000 and up): parameter errors of options iperf3 3.12 does not have,
    // and values 3.12 accepts but iperf3j refuses. Never sent on the wire.
    /** {@code --max-concurrent} out of range. */
    MAX_CONCURRENT(1000, "max concurrent tests must be between 1 and 1024 inclusive"),
    /** {@code --server-max-duration} out of range. */
    SERVER_MAX_DURATION(1001, "server max duration must be between 0 and 86400 seconds (0 = no limit)"),
    /** {@code --loopback} together with {@code -s} or {@code -c}. */
    LOOPBACK_ROLE(1002, "--loopback runs its own server and client and cannot be combined with -s or -c"),
    /**
     * A value 3.12 accepts but cannot honour (a negative size, count, rate or timeout,
     * fewer than one stream, a count beyond 2^63-1). Rendered with the option and
     * value appended: {@code "value out of range: -n -1"}.
     */
    VALUE_RANGE(1003, "value out of range"),
    /** {@code -t} below 0 or above 86400; the wording is iperf3 3.17's, which also rejects negative durations. */
    DURATION_RANGE(1004, "test duration valid values are 0 to 86400 seconds"),
    /**
     * {@code -t} with a fraction ({@code 0.5}): iperf3 reads it with atoi, so {@code -t 0.5} is 0, a test without
     * end (3.12 and 3.21 alike); iperf3j says the duration is whole seconds and what ends a shorter test.
     */
    DURATION_WHOLE(1042, "the test duration is whole seconds, 0 to 86400 (0 = no end);"
            + " for a shorter test, end it by bytes (-n) or blocks (-k)"),
    /** {@code --use-pkcs1-padding} together with {@code --use-oaep-padding}. */
    PADDING_CONFLICT(1005, "--use-pkcs1-padding and --use-oaep-padding cannot be used together"),
    // 1006-1015: issue 29's admission and rate options; 1016-1019: its observability options.
    /** {@code --max-per-client} out of range. */
    MAX_PER_CLIENT(1006, "max tests per client must be between 0 and 1024 inclusive (0 = no limit)"),
    /** {@code --queue} or {@code --max-per-client} with {@code -1}, which runs one test only. */
    ONE_OFF_ADMISSION(1007, "--queue and --max-per-client cannot be used with -1 (one test only)"),
    /** A bad {@code --allow}/{@code --deny} rule; the parse error adds the rule (or file:line) and why. */
    ADDRESS_RULE(1008, "invalid --allow or --deny rule"),
    /** {@code --queue} out of range. */
    QUEUE(1009, "queue length must be between 0 and 4096 inclusive (0 = answer busy)"),
    /** {@code --queue-timeout} out of range. */
    QUEUE_TIMEOUT(1010, "queue timeout must be between 1 and 86400 seconds"),
    /** {@code --total-rate} zero, negative or beyond 2^63-1 bits/s. */
    TOTAL_RATE_RANGE(1013, "total rate must be above 0 bits/sec"),
    /** {@code --total-rate} with a suffix iperf3's unit letters do not have ({@code 10Q}), or no number. */
    TOTAL_RATE_UNIT(1011, "invalid unit value or suffix (K, M, G or T)"),
    /** {@code --total-rate} above 0 but below 1 kbit/s: a forgotten suffix, most likely. */
    TOTAL_RATE_LOW(1012, "below 1 kbit/s"),
    /** {@code --total-rate} with {@code -1}: one test has nothing to share with. */
    TOTAL_RATE_ONE_OFF(1014, "--total-rate cannot be used with -1 (one test only)"),
    /** {@code --cool-down} out of range. */
    COOL_DOWN(1023, "cool-down must be between 0 and 86400 seconds"),
    /** {@code --server-log=} with a format other than text or json. */
    SERVER_LOG_FORMAT(1016, "server log format must be text or json"),
    // 1040-1049: issue 36's port range.
    /** A server's {@code -p FIRST-LAST} with LAST below FIRST or more than {@code MAX_PORT_RANGE} ports. */
    PORT_RANGE(1040, "port range must be FIRST-LAST with FIRST < LAST, at most 64 ports"),
    /** {@code -p FIRST-LAST} on a client (or {@code --loopback}): a client connects to one port. */
    PORT_RANGE_SERVER_ONLY(1041, "a port range (-p FIRST-LAST) is for the server only");

    private final int number;
    private final String text;
    private final boolean appendsSystemError;

    ErrorCode(int number, String text) {
        this(number, text, false);
    }

    ErrorCode(int number, String text, boolean appendsSystemError) {
        this.number = number;
        this.text = text;
        this.appendsSystemError = appendsSystemError;
    }

    /** The {@code i_errno} value. */
    public int number() {
        return number;
    }

    /** iperf3's message text, without any appended system error. */
    public String text() {
        return text;
    }

    /**
     * Whether iperf3 follows the text with {@code ": " + strerror(errno)} (its
     * {@code perr} flag in {@code iperf_strerror}).
     */
    public boolean appendsSystemError() {
        return appendsSystemError;
    }

    /** True for the iperf3j-only codes (1000 and up), which have no iperf3 counterpart. */
    public boolean isIperf3jOnly() {
        return number >= 1000;
    }

    /**
     * The message exactly as iperf3 3.12's {@code iperf_strerror} renders it: the
     * text, then for {@link #appendsSystemError()} codes {@code ": "} followed by the
     * system error text (which is empty when there is none, as with 3.12 and
     * {@code errno == 0}). Other codes ignore {@code systemError}.
     *
     * @param systemError the {@code strerror(errno)} text, e.g. "Connection refused", or null
     */
    public String message(String systemError) {
        if (!appendsSystemError) {
            return text;
        }
        return text + ": " + (systemError == null ? "" : systemError);
    }

    /**
     * What iperf3 3.12 prints for any error number, including ones it does not know
     * (for example codes sent by newer servers): {@code "int_errno=N: " + systemError}.
     */
    public static String describe(int number, String systemError) {
        ErrorCode code = ofNumber(number);
        if (code != null) {
            return code.message(systemError);
        }
        return "int_errno=" + number + ": " + (systemError == null ? "" : systemError);
    }

    /** The code with this number, or null if there is none. */
    public static ErrorCode ofNumber(int number) {
        for (ErrorCode c : values()) {
            if (c.number == number) {
                return c;
            }
        }
        return null;
    }
}
