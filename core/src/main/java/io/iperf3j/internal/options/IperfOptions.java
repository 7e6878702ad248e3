package io.iperf3j.internal.options;

import io.iperf3j.Role;
import io.iperf3j.Transport;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one iperf3 invocation asks for, after parsing and validation: the
 * engine's only input. Values use iperf3's units (seconds, milliseconds,
 * microseconds, bytes, bits per second) and iperf3's defaults; "unset" is
 * spelled out per component.
 *
 * <p>Instances are immutable; make them with {@link OptionParser} (from
 * iperf3 arguments) or {@link #builder()}.
 *
 * @param role client or server
 * @param host client: the server to connect to, without any {@code %dev} suffix; null for a server
 * @param port control port, default 5201; 0 only with {@code loopback} and no {@code -p}: an ephemeral port
 * @param format {@code -f} letter for the bitrate column: {@code a} (adaptive bits, the default) or one of {@code kmgtKMGT}
 * @param interval seconds between interval reports; 0 turns them off
 * @param pidFile {@code -I}, or null
 * @param file {@code -F}, or null
 * @param affinity {@code -A} as {@code "n"} or {@code "n,m"} (client CPU, server CPU; decimal), or null
 * @param bindAddress {@code -B} address, or null
 * @param bindDevice {@code --bind-dev} or the {@code %dev} of {@code -B}/{@code -c}, or null
 * @param verbose {@code -V}
 * @param json {@code -J}
 * @param jsonStream {@code --json-stream}
 * @param latencyMs iperf3j's {@code --latency[=MS]}: a round-trip probe every MS ms around the test; 0 = off
 * @param logFile {@code --logfile}, or null
 * @param forceFlush {@code --forceflush}
 * @param timestampFormat strftime format of {@code --timestamps}, or null when off
 * @param rcvTimeoutMs {@code --rcv-timeout}, default 120000
 * @param rcvTimeoutGiven whether {@code --rcv-timeout} was on the command line
 * @param sndTimeoutMs {@code --snd-timeout} (TCP_USER_TIMEOUT); 0 = system default
 * @param debugLevel {@code -d} level 1-4 ({@code -d} alone: 4); 0 = off
 * @param ipVersion {@code -4}/{@code -6}
 * @param daemon {@code -D}
 * @param oneOff {@code -1}
 * @param serverBitrateLimit {@code --server-bitrate-limit} in bits/s; 0 = none
 * @param serverBitrateLimitInterval averaging window of the limit in seconds, default 5
 * @param idleTimeoutSec {@code --idle-timeout}; 0 = none
 * @param rsaPrivateKeyPath server authentication key, or null
 * @param authorizedUsersPath server credentials file, or null
 * @param timeSkewThreshold seconds of clock skew accepted in an auth token, default 10
 * @param maxConcurrent most tests a server runs at once
 * @param serverMaxDurationSec longest test a server accepts; 0 = no limit
 * @param serverLog {@code --server-log[=text|json]}: the operator log's format, or off (iperf3j only)
 * @param totalRate {@code --total-rate} in bits/s: the server's rate, divided fairly among its running tests; 0 = none (iperf3j only)
 * @param protocol TCP or UDP
 * @param connectTimeoutMs {@code --connect-timeout}; 0 = the system's
 * @param bitrate {@code -b} in bits/s per stream; -1 = not given (TCP unlimited, UDP 1048576)
 * @param burst packets per burst from {@code -b R/N}; 0 = none
 * @param pacingTimerUs {@code --pacing-timer}, default 1000
 * @param fqRate {@code --fq-rate} in bits/s; 0 = off
 * @param durationSec {@code -t}, default 10; 0 when {@code -n}/{@code -k} is given without {@code -t}
 * @param bytes {@code -n}; 0 = unset
 * @param blocks {@code -k}; 0 = unset
 * @param blockSize {@code -l}; 0 = the protocol's default
 * @param cport {@code --cport}; 0 = ephemeral
 * @param parallel {@code -P}, default 1
 * @param reverse {@code -R}
 * @param bidirectional {@code --bidir}
 * @param window {@code -w} in bytes; 0 = system default
 * @param congestion {@code -C}, or null
 * @param mss {@code -M}; 0 = unset
 * @param noDelay {@code -N}
 * @param tos IP TOS byte from {@code -S} or {@code --dscp}
 * @param flowLabel {@code -L}; 0 = unset
 * @param zeroCopy {@code -Z}
 * @param omitSec {@code -O}
 * @param title {@code -T}, or null
 * @param extraData {@code --extra-data}, or null
 * @param getServerOutput {@code --get-server-output}
 * @param udpCounters64 {@code --udp-counters-64bit}
 * @param repeatingPayload {@code --repeating-payload}
 * @param dontFragment {@code --dont-fragment}
 * @param username {@code --username}, or null
 * @param rsaPublicKeyPath {@code --rsa-public-key-path}, or null
 * @param authPadding RSA padding of the authentication token
 * @param loopback iperf3j's {@code --loopback}: run an embedded server and a client against it
 *        (role is then CLIENT and host 127.0.0.1, or ::1 with {@code -6})
 * @param jsonStreamFullOutput {@code --json-stream-full-output} (iperf3 3.20+): with
 *        {@code --json-stream}, also print the whole {@code -J} document at the end
 * @param controlKeepalive {@code --cntl-ka[=idle/interval/count]} (iperf3 3.19+), or null when off
 * @param mptcp {@code -m/--mptcp} (iperf3 3.19+): TCP data streams over IPPROTO_MPTCP
 * @param skipRxCopy {@code --skip-rx-copy} (iperf3 3.19+): receivers discard data with MSG_TRUNC
 * @param gsro {@code --gsro} (iperf3 3.20+): UDP segmentation offload (GSO) and GRO on both sides
 * @param queue {@code --queue}: new tests that may wait for a place; 0 = answer busy
 * @param queueTimeoutSec {@code --queue-timeout}: how long one may wait, default 60
 * @param addressRules {@code --allow} and {@code --deny}, files read; empty for none
 * @param maxPerClient {@code --max-per-client}: tests one client address (IPv6: one /64) runs at once; 0 = no limit
 * @param coolDownSec {@code --cool-down}: how long an address whose test was cut for its rate
 *        ({@code --total-rate}'s police, {@code --server-bitrate-limit}) is refused; 0 = not at all
 * @param portLast a server's {@code -p FIRST-LAST}: the range's last port ({@code port} is the first); 0 for one port
 * @param why iperf3j's {@code --why}: after the summary, what held the test back (docs/design/why.md)
 * @param numberedReports a server's test report lines start with {@code test=N} (its operator log's number):
 *        set with {@code --max-concurrent} above 1 or a port range, never on an iperf3 command line
 */
public record IperfOptions(
        Role role,
        String host,
        int port,
        char format,
        double interval,
        Path pidFile,
        Path file,
        String affinity,
        String bindAddress,
        String bindDevice,
        boolean verbose,
        boolean json,
        boolean jsonStream,
        int latencyMs,
        Path logFile,
        boolean forceFlush,
        String timestampFormat,
        int rcvTimeoutMs,
        boolean rcvTimeoutGiven,
        int sndTimeoutMs,
        int debugLevel,
        IpVersion ipVersion,
        boolean daemon,
        boolean oneOff,
        double serverBitrateLimit,
        double serverBitrateLimitInterval,
        int idleTimeoutSec,
        Path rsaPrivateKeyPath,
        Path authorizedUsersPath,
        int timeSkewThreshold,
        int maxConcurrent,
        int serverMaxDurationSec,
        ServerLogFormat serverLog,
        long totalRate,
        Transport protocol,
        int connectTimeoutMs,
        long bitrate,
        int burst,
        int pacingTimerUs,
        long fqRate,
        int durationSec,
        long bytes,
        long blocks,
        int blockSize,
        int cport,
        int parallel,
        boolean reverse,
        boolean bidirectional,
        int window,
        String congestion,
        int mss,
        boolean noDelay,
        int tos,
        int flowLabel,
        boolean zeroCopy,
        int omitSec,
        String title,
        String extraData,
        boolean getServerOutput,
        boolean udpCounters64,
        boolean repeatingPayload,
        boolean dontFragment,
        String username,
        Path rsaPublicKeyPath,
        RsaPadding authPadding,
        boolean loopback,
        boolean jsonStreamFullOutput,
        ControlKeepalive controlKeepalive,
        boolean mptcp,
        boolean skipRxCopy,
        boolean gsro,
        int maxPerClient,
        List<AddressRule> addressRules,
        int queue,
        int queueTimeoutSec,
        int coolDownSec,
        int portLast,
        boolean numberedReports,
        boolean why) {

    /** iperf3's default control port. */
    public static final int DEFAULT_PORT = 5201;
    /** iperf3's default TCP block size (128 KiB). */
    public static final int DEFAULT_TCP_BLOCKSIZE = 128 * 1024;
    /** iperf3's fallback UDP datagram size when no MSS is known. */
    public static final int DEFAULT_UDP_BLOCKSIZE = 1460;
    /** iperf3's default UDP rate: "1 Mbit/sec", really 1 Mibit/s. */
    public static final long DEFAULT_UDP_RATE = 1024 * 1024;
    /** Default for {@code --max-concurrent}. */
    public static final int DEFAULT_MAX_CONCURRENT = 16;
    /** The most ports of a server's {@code -p FIRST-LAST}: each is a listener and, for UDP tests, a router. */
    public static final int MAX_PORT_RANGE = 64;
    /** Default for {@code --queue-timeout}: a held client sees nothing, so not "forever". */
    public static final int DEFAULT_QUEUE_TIMEOUT_SEC = 60;
    /**
     * Default for {@code --cool-down}: a policed upload that restarts at once may use its 5 s
     * window once a minute, a twelfth of the time, instead of nearly all of it.
     */
    public static final int DEFAULT_COOL_DOWN_SEC = 60;

    public enum IpVersion { ANY, V4, V6 }

    /** The ports a server listens on: {@code port}, or {@code port} to {@code portLast}. */
    public java.util.List<Integer> ports() {
        if (portLast <= port) {
            return java.util.List.of(port);
        }
        java.util.List<Integer> all = new java.util.ArrayList<>(portLast - port + 1);
        for (int p = port; p <= portLast; p++) {
            all.add(p);
        }
        return java.util.List.copyOf(all);
    }

    /**
     * RSA padding of the authentication token: PKCS#1 v1.5 (iperf3 up to 3.16) or OAEP (3.17+
     * default); {@code AUTO} (neither flag given) is a client's OAEP token first and, if the
     * server denies it, one more attempt with PKCS#1 v1.5, so both generations of servers work.
     * A server takes PKCS#1 v1.5 tokens only with {@code --use-pkcs1-padding} (as iperf3 3.17+),
     * OAEP tokens only with {@code --use-oaep-padding}, either otherwise ({@code AUTO}: one RSA
     * operation, both paddings checked with no branch on the block, {@code TokenBlock}).
     */
    public enum RsaPadding { PKCS1, OAEP, AUTO }

    /**
     * {@code --cntl-ka}: SO_KEEPALIVE on the control connection, with TCP_KEEPIDLE,
     * TCP_KEEPINTVL and TCP_KEEPCNT where given (0 = the system's value), as 3.21's
     * {@code iperf_set_control_keepalive}.
     */
    public record ControlKeepalive(int idleSec, int intervalSec, int count) {
        /** {@code --cntl-ka} without values: keepalive with the system's settings. */
        public static final ControlKeepalive SYSTEM = new ControlKeepalive(0, 0, 0);
    }

    public IperfOptions {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(ipVersion, "ipVersion");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(authPadding, "authPadding");
    }

    public boolean isClient() {
        return role == Role.CLIENT;
    }

    public boolean isServer() {
        return role == Role.SERVER;
    }

    /** The rate the client asks for, per stream, in bits/s: {@code -b}, else 0 for TCP and 1048576 for UDP. */
    public long effectiveBitrate() {
        if (bitrate >= 0) {
            return bitrate;
        }
        return protocol == Transport.UDP ? DEFAULT_UDP_RATE : 0;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from a copy of these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link IperfOptions}; starts from iperf3's defaults for a client. No validation happens here: see {@link OptionParser}. */
    public static final class Builder {
        private Role role = Role.CLIENT;
        private String host;
        private int port = DEFAULT_PORT;
        private char format = 'a';
        private double interval = 1.0;
        private Path pidFile;
        private Path file;
        private String affinity;
        private String bindAddress;
        private String bindDevice;
        private boolean verbose;
        private boolean json;
        private boolean jsonStream;
        private int latencyMs;
        private Path logFile;
        private boolean forceFlush;
        private String timestampFormat;
        private int rcvTimeoutMs = 120_000;
        private boolean rcvTimeoutGiven;
        private int sndTimeoutMs;
        private int debugLevel;
        private IpVersion ipVersion = IpVersion.ANY;
        private boolean daemon;
        private boolean oneOff;
        private double serverBitrateLimit;
        private double serverBitrateLimitInterval = 5.0;
        private int idleTimeoutSec;
        private Path rsaPrivateKeyPath;
        private Path authorizedUsersPath;
        private int timeSkewThreshold = 10;
        private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
        private int serverMaxDurationSec;
        private ServerLogFormat serverLog = ServerLogFormat.OFF;
        private long totalRate;
        private Transport protocol = Transport.TCP;
        private int connectTimeoutMs;
        private long bitrate = -1;
        private int burst;
        private int pacingTimerUs = 1000;
        private long fqRate;
        private int durationSec = 10;
        private long bytes;
        private long blocks;
        private int blockSize;
        private int cport;
        private int parallel = 1;
        private boolean reverse;
        private boolean bidirectional;
        private int window;
        private String congestion;
        private int mss;
        private boolean noDelay;
        private int tos;
        private int flowLabel;
        private boolean zeroCopy;
        private int omitSec;
        private String title;
        private String extraData;
        private boolean getServerOutput;
        private boolean udpCounters64;
        private boolean repeatingPayload;
        private boolean dontFragment;
        private String username;
        private Path rsaPublicKeyPath;
        private RsaPadding authPadding = RsaPadding.AUTO;
        private boolean loopback;
        private boolean jsonStreamFullOutput;
        private ControlKeepalive controlKeepalive;
        private boolean mptcp;
        private boolean skipRxCopy;
        private boolean gsro;
        private int maxPerClient;
        private List<AddressRule> addressRules = List.of();
        private int queue;
        private int queueTimeoutSec = DEFAULT_QUEUE_TIMEOUT_SEC;
        private int coolDownSec = DEFAULT_COOL_DOWN_SEC;
        private int portLast;
        private boolean numberedReports;
        private boolean why;

        Builder() {
        }

        Builder(IperfOptions o) {
            role = o.role; host = o.host; port = o.port; format = o.format; interval = o.interval;
            pidFile = o.pidFile; file = o.file; affinity = o.affinity; bindAddress = o.bindAddress;
            bindDevice = o.bindDevice; verbose = o.verbose; json = o.json; jsonStream = o.jsonStream;
            latencyMs = o.latencyMs;
            logFile = o.logFile; forceFlush = o.forceFlush; timestampFormat = o.timestampFormat;
            rcvTimeoutMs = o.rcvTimeoutMs; rcvTimeoutGiven = o.rcvTimeoutGiven; sndTimeoutMs = o.sndTimeoutMs;
            debugLevel = o.debugLevel; ipVersion = o.ipVersion; daemon = o.daemon; oneOff = o.oneOff;
            serverBitrateLimit = o.serverBitrateLimit; serverBitrateLimitInterval = o.serverBitrateLimitInterval;
            idleTimeoutSec = o.idleTimeoutSec; rsaPrivateKeyPath = o.rsaPrivateKeyPath;
            authorizedUsersPath = o.authorizedUsersPath; timeSkewThreshold = o.timeSkewThreshold;
            maxConcurrent = o.maxConcurrent; serverMaxDurationSec = o.serverMaxDurationSec; serverLog = o.serverLog;
            totalRate = o.totalRate;
            protocol = o.protocol; connectTimeoutMs = o.connectTimeoutMs; bitrate = o.bitrate; burst = o.burst;
            pacingTimerUs = o.pacingTimerUs; fqRate = o.fqRate; durationSec = o.durationSec; bytes = o.bytes;
            blocks = o.blocks; blockSize = o.blockSize; cport = o.cport; parallel = o.parallel;
            reverse = o.reverse; bidirectional = o.bidirectional; window = o.window; congestion = o.congestion;
            mss = o.mss; noDelay = o.noDelay; tos = o.tos; flowLabel = o.flowLabel; zeroCopy = o.zeroCopy;
            omitSec = o.omitSec; title = o.title; extraData = o.extraData; getServerOutput = o.getServerOutput;
            udpCounters64 = o.udpCounters64; repeatingPayload = o.repeatingPayload; dontFragment = o.dontFragment;
            username = o.username; rsaPublicKeyPath = o.rsaPublicKeyPath; authPadding = o.authPadding;
            loopback = o.loopback;
            jsonStreamFullOutput = o.jsonStreamFullOutput; controlKeepalive = o.controlKeepalive; mptcp = o.mptcp;
            skipRxCopy = o.skipRxCopy; gsro = o.gsro;
            maxPerClient = o.maxPerClient; addressRules = o.addressRules;
            queue = o.queue; queueTimeoutSec = o.queueTimeoutSec; coolDownSec = o.coolDownSec;
            portLast = o.portLast; numberedReports = o.numberedReports; why = o.why;
        }

        public Builder role(Role v) { role = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder format(char v) { format = v; return this; }
        public Builder interval(double v) { interval = v; return this; }
        public Builder pidFile(Path v) { pidFile = v; return this; }
        public Builder file(Path v) { file = v; return this; }
        public Builder affinity(String v) { affinity = v; return this; }
        public Builder bindAddress(String v) { bindAddress = v; return this; }
        public Builder bindDevice(String v) { bindDevice = v; return this; }
        public Builder verbose(boolean v) { verbose = v; return this; }
        public Builder json(boolean v) { json = v; return this; }
        public Builder jsonStream(boolean v) { jsonStream = v; return this; }
        public Builder latencyMs(int v) { latencyMs = v; return this; }
        public Builder logFile(Path v) { logFile = v; return this; }
        public Builder forceFlush(boolean v) { forceFlush = v; return this; }
        public Builder timestampFormat(String v) { timestampFormat = v; return this; }
        public Builder rcvTimeoutMs(int v) { rcvTimeoutMs = v; return this; }
        public Builder rcvTimeoutGiven(boolean v) { rcvTimeoutGiven = v; return this; }
        public Builder sndTimeoutMs(int v) { sndTimeoutMs = v; return this; }
        public Builder debugLevel(int v) { debugLevel = v; return this; }
        public Builder ipVersion(IpVersion v) { ipVersion = v; return this; }
        public Builder daemon(boolean v) { daemon = v; return this; }
        public Builder oneOff(boolean v) { oneOff = v; return this; }
        public Builder serverBitrateLimit(double v) { serverBitrateLimit = v; return this; }
        public Builder serverBitrateLimitInterval(double v) { serverBitrateLimitInterval = v; return this; }
        public Builder idleTimeoutSec(int v) { idleTimeoutSec = v; return this; }
        public Builder rsaPrivateKeyPath(Path v) { rsaPrivateKeyPath = v; return this; }
        public Builder authorizedUsersPath(Path v) { authorizedUsersPath = v; return this; }
        public Builder timeSkewThreshold(int v) { timeSkewThreshold = v; return this; }
        public Builder maxConcurrent(int v) { maxConcurrent = v; return this; }
        public Builder serverMaxDurationSec(int v) { serverMaxDurationSec = v; return this; }
        public Builder serverLog(ServerLogFormat v) { serverLog = v; return this; }
        public Builder totalRate(long v) { totalRate = v; return this; }
        public Builder protocol(Transport v) { protocol = v; return this; }
        public Builder connectTimeoutMs(int v) { connectTimeoutMs = v; return this; }
        public Builder bitrate(long v) { bitrate = v; return this; }
        public Builder burst(int v) { burst = v; return this; }
        public Builder pacingTimerUs(int v) { pacingTimerUs = v; return this; }
        public Builder fqRate(long v) { fqRate = v; return this; }
        public Builder durationSec(int v) { durationSec = v; return this; }
        public Builder bytes(long v) { bytes = v; return this; }
        public Builder blocks(long v) { blocks = v; return this; }
        public Builder blockSize(int v) { blockSize = v; return this; }
        public Builder cport(int v) { cport = v; return this; }
        public Builder parallel(int v) { parallel = v; return this; }
        public Builder reverse(boolean v) { reverse = v; return this; }
        public Builder bidirectional(boolean v) { bidirectional = v; return this; }
        public Builder window(int v) { window = v; return this; }
        public Builder congestion(String v) { congestion = v; return this; }
        public Builder mss(int v) { mss = v; return this; }
        public Builder noDelay(boolean v) { noDelay = v; return this; }
        public Builder tos(int v) { tos = v; return this; }
        public Builder flowLabel(int v) { flowLabel = v; return this; }
        public Builder zeroCopy(boolean v) { zeroCopy = v; return this; }
        public Builder omitSec(int v) { omitSec = v; return this; }
        public Builder title(String v) { title = v; return this; }
        public Builder extraData(String v) { extraData = v; return this; }
        public Builder getServerOutput(boolean v) { getServerOutput = v; return this; }
        public Builder udpCounters64(boolean v) { udpCounters64 = v; return this; }
        public Builder repeatingPayload(boolean v) { repeatingPayload = v; return this; }
        public Builder dontFragment(boolean v) { dontFragment = v; return this; }
        public Builder username(String v) { username = v; return this; }
        public Builder rsaPublicKeyPath(Path v) { rsaPublicKeyPath = v; return this; }
        public Builder authPadding(RsaPadding v) { authPadding = v; return this; }
        public Builder loopback(boolean v) { loopback = v; return this; }
        public Builder jsonStreamFullOutput(boolean v) { jsonStreamFullOutput = v; return this; }
        public Builder controlKeepalive(ControlKeepalive v) { controlKeepalive = v; return this; }
        public Builder mptcp(boolean v) { mptcp = v; return this; }
        public Builder skipRxCopy(boolean v) { skipRxCopy = v; return this; }
        public Builder gsro(boolean v) { gsro = v; return this; }
        public Builder maxPerClient(int v) { maxPerClient = v; return this; }
        public Builder addressRules(List<AddressRule> v) { addressRules = List.copyOf(v); return this; }
        public Builder queue(int v) { queue = v; return this; }
        public Builder queueTimeoutSec(int v) { queueTimeoutSec = v; return this; }
        public Builder coolDownSec(int v) { coolDownSec = v; return this; }
        public Builder portLast(int v) { portLast = v; return this; }
        public Builder numberedReports(boolean v) { numberedReports = v; return this; }
        public Builder why(boolean v) { why = v; return this; }

        public IperfOptions build() {
            return new IperfOptions(role, host, port, format, interval, pidFile, file, affinity, bindAddress,
                    bindDevice, verbose, json, jsonStream, latencyMs, logFile, forceFlush, timestampFormat, rcvTimeoutMs,
                    rcvTimeoutGiven, sndTimeoutMs, debugLevel, ipVersion, daemon, oneOff, serverBitrateLimit,
                    serverBitrateLimitInterval, idleTimeoutSec, rsaPrivateKeyPath, authorizedUsersPath,
                    timeSkewThreshold, maxConcurrent, serverMaxDurationSec, serverLog, totalRate, protocol, connectTimeoutMs, bitrate,
                    burst, pacingTimerUs, fqRate, durationSec, bytes, blocks, blockSize, cport, parallel, reverse,
                    bidirectional, window, congestion, mss, noDelay, tos, flowLabel, zeroCopy, omitSec, title,
                    extraData, getServerOutput, udpCounters64, repeatingPayload, dontFragment, username,
                    rsaPublicKeyPath, authPadding, loopback,
                    jsonStreamFullOutput, controlKeepalive, mptcp, skipRxCopy, gsro, maxPerClient,
                    addressRules, queue, queueTimeoutSec, coolDownSec, portLast, numberedReports, why);
        }
    }
}
