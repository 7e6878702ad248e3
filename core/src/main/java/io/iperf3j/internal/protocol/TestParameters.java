package io.iperf3j.internal.protocol;

import io.iperf3j.Transport;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.JsonTypeException;
import io.iperf3j.internal.options.IperfOptions;

/**
 * The parameter message a client sends after PARAM_EXCHANGE. {@link #toJson()}
 * writes iperf3 3.12's keys in 3.12's order; {@link #fromJson(JsonObject)} reads a
 * peer's message strictly: wrong JSON types and out-of-range values are refused
 * (as upstream iperf3 3.18+ and its current HEAD do), so a malformed or hostile
 * client ends its own test with an error, never anything worse.
 *
 * @param udp UDP rather than TCP
 * @param omit {@code -O} seconds
 * @param serverAffinity {@code -A n,m}'s m, or -1
 * @param time {@code -t} seconds (0 for byte/block limited tests)
 * @param num {@code -n} bytes, 0 = unset
 * @param blockcount {@code -k} blocks, 0 = unset
 * @param mss {@code -M}, 0 = unset
 * @param nodelay {@code -N}
 * @param parallel {@code -P}
 * @param reverse {@code -R}
 * @param bidirectional {@code --bidir}
 * @param window {@code -w}, 0 = unset
 * @param len block or datagram size
 * @param bandwidth per-stream rate in bits/s, 0 = unlimited
 * @param fqrate {@code --fq-rate}, 0 = unset
 * @param pacingTimer {@code --pacing-timer} µs
 * @param burst {@code -b R/N}'s N, 0 = unset
 * @param tos TOS byte, 0 = unset
 * @param flowlabel IPv6 flow label, 0 = unset
 * @param title {@code -T}, or null
 * @param extraData {@code --extra-data}, or null
 * @param congestion {@code -C}, or null
 * @param getServerOutput {@code --get-server-output}
 * @param udpCounters64 {@code --udp-counters-64bit}
 * @param repeatingPayload {@code --repeating-payload}
 * @param zerocopy {@code -Z}
 * @param dontFragment {@code --dont-fragment}
 * @param authToken the encrypted credentials, or null
 * @param clientVersion the client's version string, or null
 * @param mptcp {@code -m} (iperf3 3.18+: {@code "mptcp": true})
 * @param skipRxCopy {@code --skip-rx-copy} (3.18+: {@code "skip_rx_copy": 1}): receivers read with MSG_TRUNC
 * @param gso UDP only: 3.21's {@code gso} (1 with {@code --gsro}) and the sizes it sends with it
 *        ({@code gso_dg_size}, {@code gso_bf_size}, {@code gro}, {@code gro_bf_size})
 */
public record TestParameters(
        boolean udp,
        int omit,
        int serverAffinity,
        int time,
        long num,
        long blockcount,
        int mss,
        boolean nodelay,
        int parallel,
        boolean reverse,
        boolean bidirectional,
        int window,
        int len,
        long bandwidth,
        long fqrate,
        int pacingTimer,
        int burst,
        int tos,
        int flowlabel,
        String title,
        String extraData,
        String congestion,
        boolean getServerOutput,
        boolean udpCounters64,
        boolean repeatingPayload,
        boolean zerocopy,
        boolean dontFragment,
        String authToken,
        String clientVersion,
        boolean mptcp,
        boolean skipRxCopy,
        Offload gso) {

    /**
     * 3.21's five UDP offload keys, which its client sends for every UDP test (zeros
     * without {@code --gsro}) and its server reads when present.
     */
    public record Offload(int gso, int gsoDgSize, int gsoBfSize, int gro, int groBfSize) {
        /** 3.21's GSO_BF_MAX_SIZE and GRO_BF_MAX_SIZE (MAX_UDP_BLOCKSIZE). */
        public static final int MAX_BUFFER = 65507;
        /** What a 3.21 client without {@code --gsro} sends. */
        public static final Offload OFF = new Offload(0, 0, MAX_BUFFER, 0, MAX_BUFFER);

        /** What a 3.21 client sends: with {@code --gsro}, datagrams of {@code len} (0: dynamic, 1460) in a buffer of whole datagrams. */
        public static Offload of(boolean gsro, int len) {
            if (!gsro) {
                return OFF;
            }
            int dg = len > 0 ? len : 1460;
            int bf = len > 0 ? MAX_BUFFER / len * len : MAX_BUFFER;
            return new Offload(1, dg, bf, 1, MAX_BUFFER);
        }
    }

    /** The version string this implementation sends: the protocol level it speaks. */
    public static final String CLIENT_VERSION = "3.12";

    // Limits of iperf3's command line, applied to received parameters too.
    static final int MAX_TIME = 86400;
    static final int MAX_OMIT = 600;
    static final int MAX_STREAMS = 128;
    static final int MAX_TCP_BLOCKSIZE = 1024 * 1024;
    static final int MIN_UDP_BLOCKSIZE = 16;
    static final int MAX_UDP_BLOCKSIZE = 65507;
    static final int MAX_WINDOW = 512 * 1024 * 1024;
    static final int MAX_MSS = 9216;
    static final int MAX_BURST = 1000;

    /** The parameters a client with these options sends. */
    public static TestParameters of(IperfOptions o, int blockSize, String authToken) {
        boolean udp = o.protocol() == Transport.UDP;
        return new TestParameters(udp, o.omitSec(), serverAffinity(o.affinity()), o.durationSec(), o.bytes(),
                o.blocks(), o.mss(), o.noDelay(), o.parallel(), o.reverse(), o.bidirectional(), o.window(), blockSize, o.effectiveBitrate(), o.fqRate(),
                o.pacingTimerUs(), o.burst(), o.tos(), o.flowLabel(), o.title(), o.extraData(), o.congestion(),
                o.getServerOutput(), o.udpCounters64(), o.repeatingPayload(), o.zeroCopy(), o.dontFragment(),
                authToken, CLIENT_VERSION, o.mptcp(), o.skipRxCopy(),
                udp ? Offload.of(o.gsro(), o.blockSize()) : null);
    }

    /** {@code -A n,m}'s m, or -1. */
    static int serverAffinity(String affinity) {
        int comma = affinity == null ? -1 : affinity.indexOf(',');
        return comma < 0 ? -1 : Integer.parseInt(affinity.substring(comma + 1));
    }

    /** The message in iperf3 3.12's key order; flags are sent only when set, always as {@code true} or {@code 1}. */
    public JsonObject toJson() {
        JsonObject j = new JsonObject();
        j.put(udp ? "udp" : "tcp", true);
        j.put("omit", omit);
        if (serverAffinity >= 0) {
            j.put("server_affinity", serverAffinity);
        }
        j.put("time", time);
        j.put("num", num);
        j.put("blockcount", blockcount);
        if (mss > 0) {
            j.put("MSS", mss);
        }
        if (nodelay) {
            j.put("nodelay", true);
        }
        j.put("parallel", parallel);
        if (reverse) {
            j.put("reverse", true);
        }
        if (bidirectional) {
            j.put("bidirectional", true);
        }
        if (mptcp) {
            j.put("mptcp", true);
        }
        if (window > 0) {
            j.put("window", window);
        }
        if (len > 0) {
            j.put("len", len);
        }
        if (bandwidth > 0) {
            j.put("bandwidth", bandwidth);
        }
        if (fqrate > 0) {
            j.put("fqrate", fqrate);
        }
        if (pacingTimer > 0) {
            j.put("pacing_timer", pacingTimer);
        }
        if (burst > 0) {
            j.put("burst", burst);
        }
        if (gso != null) { // 3.21 sends these for every UDP test, --gsro or not
            j.put("gso", gso.gso());
            j.put("gso_dg_size", gso.gsoDgSize());
            j.put("gso_bf_size", gso.gsoBfSize());
            j.put("gro", gso.gro());
            j.put("gro_bf_size", gso.groBfSize());
        }
        if (tos > 0) {
            j.put("TOS", tos);
        }
        if (flowlabel > 0) {
            j.put("flowlabel", flowlabel);
        }
        if (title != null) {
            j.put("title", title);
        }
        if (extraData != null) {
            j.put("extra_data", extraData);
        }
        if (congestion != null) {
            j.put("congestion", congestion);
        }
        if (getServerOutput) {
            j.put("get_server_output", 1);
        }
        if (udpCounters64) {
            j.put("udp_counters_64bit", 1);
        }
        if (repeatingPayload) {
            j.put("repeating_payload", 1);
        }
        if (zerocopy) {
            j.put("zerocopy", 1);
        }
        if (dontFragment) {
            j.put("dont_fragment", 1);
        }
        if (authToken != null) {
            j.put("authtoken", authToken);
        }
        if (skipRxCopy) {
            j.put("skip_rx_copy", 1);
        }
        j.put("client_version", clientVersion == null ? CLIENT_VERSION : clientVersion);
        return j;
    }

    /**
     * Reads and checks a client's parameters.
     *
     * @throws IperfException with iperf3's code for the offending value (for example
     *         {@link ErrorCode#NUM_STREAMS} for {@code parallel}), or
     *         {@link ErrorCode#RECV_PARAMS} for a wrong JSON type or a missing key
     */
    public static TestParameters fromJson(JsonObject j) throws IperfException {
        try {
            // 3.12 honours these flags by presence alone; a value other than true is
            // refused here rather than guessed at (upstream 3.18 ignores such keys).
            boolean udp = flag(j, "udp");
            boolean tcp = flag(j, "tcp");
            if (flag(j, "sctp")) {
                throw new IperfException(ErrorCode.NO_SCTP);
            }
            if (udp && tcp) {
                throw invalid("both \"tcp\" and \"udp\" are set");
            }
            int omit = intIn(j, "omit", 0, 0, MAX_OMIT, ErrorCode.OMIT);
            int time = intIn(j, "time", 0, 0, MAX_TIME, ErrorCode.DURATION);
            long num = longAtLeast(j, "num", 0);
            long blockcount = longAtLeast(j, "blockcount", 0);
            int mss = intIn(j, "MSS", 0, 0, MAX_MSS, ErrorCode.MSS);
            boolean nodelay = flag(j, "nodelay");
            int parallel = intIn(j, "parallel", 1, 1, MAX_STREAMS, ErrorCode.NUM_STREAMS);
            boolean reverse = flag(j, "reverse");
            boolean bidirectional = flag(j, "bidirectional");
            if (reverse && bidirectional) {
                throw new IperfException(ErrorCode.REVERSE_BIDIR);
            }
            int window = intIn(j, "window", 0, 0, MAX_WINDOW, ErrorCode.BUF_SIZE);
            int len = udp
                    ? intIn(j, "len", 0, 0, MAX_UDP_BLOCKSIZE, ErrorCode.UDP_BLOCK_SIZE)
                    : intIn(j, "len", 0, 0, MAX_TCP_BLOCKSIZE, ErrorCode.BLOCK_SIZE);
            if (udp && len != 0 && len < MIN_UDP_BLOCKSIZE) {
                throw new IperfException(ErrorCode.UDP_BLOCK_SIZE);
            }
            long bandwidth = longAtLeast(j, "bandwidth", 0);
            long fqrate = longAtLeast(j, "fqrate", 0);
            int pacingTimer = intIn(j, "pacing_timer", 1000, 0, Integer.MAX_VALUE, ErrorCode.RECV_PARAMS);
            int burst = intIn(j, "burst", 0, 0, MAX_BURST, ErrorCode.BURST);
            int tos = intIn(j, "TOS", 0, 0, 255, ErrorCode.BAD_TOS);
            int flowlabel = intIn(j, "flowlabel", 0, 0, 0xFFFFF, ErrorCode.RECV_PARAMS);
            int serverAffinity = intIn(j, "server_affinity", -1, 0, 1024, ErrorCode.AFFINITY);
            boolean mptcp = flag(j, "mptcp");
            Offload gso = null;
            if (j.has("gso") || j.has("gso_dg_size") || j.has("gso_bf_size") || j.has("gro") || j.has("gro_bf_size")) {
                gso = new Offload(intIn(j, "gso", 0, 0, Integer.MAX_VALUE, ErrorCode.RECV_PARAMS),
                        intIn(j, "gso_dg_size", 0, 0, Integer.MAX_VALUE, ErrorCode.RECV_PARAMS),
                        intIn(j, "gso_bf_size", Offload.MAX_BUFFER, 0, Integer.MAX_VALUE, ErrorCode.RECV_PARAMS),
                        intIn(j, "gro", 0, 0, 1, ErrorCode.RECV_PARAMS),
                        intIn(j, "gro_bf_size", Offload.MAX_BUFFER, 0, Integer.MAX_VALUE, ErrorCode.RECV_PARAMS));
            }
            return new TestParameters(udp, omit, serverAffinity, time, num, blockcount, mss, nodelay, parallel,
                    reverse, bidirectional, window, len, bandwidth, fqrate, pacingTimer, burst, tos, flowlabel,
                    j.getString("title"), j.getString("extra_data"), j.getString("congestion"),
                    present(j, "get_server_output"), present(j, "udp_counters_64bit"), present(j, "repeating_payload"),
                    nonZero(j, "zerocopy"), nonZero(j, "dont_fragment"),
                    j.getString("authtoken"), j.getString("client_version"), mptcp, nonZero(j, "skip_rx_copy"), gso);
        } catch (JsonTypeException e) {
            throw new IperfException(ErrorCode.RECV_PARAMS, e.getMessage());
        }
    }

    private static IperfException invalid(String why) {
        return new IperfException(ErrorCode.RECV_PARAMS, why);
    }

    /** A presence flag: absent = false, {@code true} = true, anything else refused. */
    private static boolean flag(JsonObject j, String key) throws IperfException {
        if (!j.has(key)) {
            return false;
        }
        if (!Boolean.TRUE.equals(j.get(key))) {
            throw invalid("parameter \"" + key + "\" must be true when present");
        }
        return true;
    }

    /** iperf3 sends these as the integer 1; accept any integer or boolean, honour by presence as 3.12 does. */
    private static boolean present(JsonObject j, String key) throws IperfException {
        if (!j.has(key)) {
            return false;
        }
        Object v = j.get(key);
        if (!(v instanceof Boolean) && !(v instanceof Long) && !(v instanceof Integer)) {
            throw invalid("parameter \"" + key + "\" must be a number");
        }
        return true;
    }

    /**
     * 3.12 reads {@code zerocopy} and {@code dont_fragment} by value; JSON {@code null}
     * counts as absent, as it does for every other key (cJSON's {@code valueint} of a
     * null is 0). Found by the fuzzer: this used to throw a NullPointerException.
     */
    private static boolean nonZero(JsonObject j, String key) {
        if (!j.has(key)) {
            return false;
        }
        Object v = j.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        Long n = j.getLong(key);
        return n != null && n != 0;
    }

    private static int intIn(JsonObject j, String key, int absent, int min, int max, ErrorCode onRange) throws IperfException {
        Long v = j.getLong(key);
        if (v == null) {
            return absent;
        }
        if (v < min || v > max) {
            throw new IperfException(onRange, onRange == ErrorCode.RECV_PARAMS
                    ? "parameter \"" + key + "\" out of range: " + v : null);
        }
        return v.intValue();
    }

    private static long longAtLeast(JsonObject j, String key, long min) throws IperfException {
        Long v = j.getLong(key);
        if (v == null) {
            return 0;
        }
        if (v < min) {
            throw invalid("parameter \"" + key + "\" out of range: " + v);
        }
        return v;
    }
}
