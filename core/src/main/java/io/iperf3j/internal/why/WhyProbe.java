package io.iperf3j.internal.why;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.JsonTypeException;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One stream's raw figures as one side saw them at the end of the test: its socket's TCP_INFO (a TCP sender's chronos,
 * window and RTT; a receiver's own window and RTT estimate) and its worker thread's schedstat. Sent to the peer under
 * {@code iperf3j_why} in the results exchange, so the side that prints the verdict has both ends of each stream.
 *
 * @param id iperf3's stream id
 * @param sending whether this side sent the stream's data
 * @param busyMicros {@code tcpi_busy_time}
 * @param rwndLimitedMicros {@code tcpi_rwnd_limited}
 * @param sndbufLimitedMicros {@code tcpi_sndbuf_limited}
 * @param minRttMicros {@code tcpi_min_rtt} (else the smoothed {@code tcpi_rtt})
 * @param rcvRttMicros a receiver's {@code tcpi_rcv_rtt}
 * @param sndWndMax the largest {@code tcpi_snd_wnd} the intervals saw (the receiver's advertised window)
 * @param cwndMax the largest congestion window the intervals saw, bytes
 * @param sndBuf {@code SO_SNDBUF} at the end
 * @param rcvWnd a receiver's {@code tcpi_rcv_wnd} (Linux 6.2+)
 * @param runNanos the worker thread's time on a CPU
 * @param waitNanos the worker thread's time waiting on a run queue
 * @param wallNanos the worker's wall time between its two readings
 * @param socketDrops a UDP receiver's socket: datagrams its kernel dropped ({@code SK_MEMINFO_DROPS})
 * @param rcvBuf a receiver's {@code SO_RCVBUF}
 * @param srttMicros a TCP sender's smoothed RTT ({@code tcpi_rtt}), the mean of the intervals' samples: the round trip
 *        the data in flight took, queues and the receiver's delays included
 * @param bufCeiling the most this side's buffer of the stream could grow to: a sender's send buffer, a receiver's
 *        receive buffer; the size {@code -w} set (the kernel's doubled figure), else {@code tcp_wmem}/{@code tcp_rmem}'s
 *        max
 * @param sendBlockedNanos a UDP sender's time waiting for room in its full socket buffer
 * @param cores the CPUs this side's process may run on
 * @param qdiscRate a sender's egress interface's shaper rate ({@code tbf}'s, an {@code fq}'s maxrate), bits/s
 * @param qdiscOverlimits how often that interface's root qdisc held a packet back during the test (tbf: no tokens)
 */
public record WhyProbe(int id, boolean sending, OptionalLong busyMicros, OptionalLong rwndLimitedMicros,
                       OptionalLong sndbufLimitedMicros, OptionalLong minRttMicros, OptionalLong rcvRttMicros,
                       OptionalLong sndWndMax, OptionalLong cwndMax, OptionalLong sndBuf, OptionalLong rcvWnd,
                       OptionalLong runNanos, OptionalLong waitNanos, OptionalLong wallNanos,
                       OptionalLong socketDrops, OptionalLong rcvBuf, OptionalLong srttMicros,
                       OptionalLong bufCeiling, OptionalLong sendBlockedNanos, OptionalLong cores,
                       OptionalLong qdiscRate, OptionalLong qdiscOverlimits) {

    /** A probe without the figures issue 56 added (as an older iperf3j peer sends it). */
    public WhyProbe(int id, boolean sending, OptionalLong busyMicros, OptionalLong rwndLimitedMicros,
                    OptionalLong sndbufLimitedMicros, OptionalLong minRttMicros, OptionalLong rcvRttMicros,
                    OptionalLong sndWndMax, OptionalLong cwndMax, OptionalLong sndBuf, OptionalLong rcvWnd,
                    OptionalLong runNanos, OptionalLong waitNanos, OptionalLong wallNanos, OptionalLong socketDrops,
                    OptionalLong rcvBuf) {
        this(id, sending, busyMicros, rwndLimitedMicros, sndbufLimitedMicros, minRttMicros, rcvRttMicros, sndWndMax,
                cwndMax, sndBuf, rcvWnd, runNanos, waitNanos, wallNanos, socketDrops, rcvBuf, OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty());
    }

    /** The results-exchange key, an object iperf3's parsers ignore. */
    public static final String KEY = "iperf3j_why";

    JsonObject toJson() {
        JsonObject j = new JsonObject().put("id", id).put("sending", sending);
        put(j, "busy_us", busyMicros);
        put(j, "rwnd_limited_us", rwndLimitedMicros);
        put(j, "sndbuf_limited_us", sndbufLimitedMicros);
        put(j, "min_rtt_us", minRttMicros);
        put(j, "rcv_rtt_us", rcvRttMicros);
        put(j, "snd_wnd_max", sndWndMax);
        put(j, "snd_cwnd_max", cwndMax);
        put(j, "sndbuf", sndBuf);
        put(j, "rcv_wnd", rcvWnd);
        put(j, "thread_run_ns", runNanos);
        put(j, "thread_wait_ns", waitNanos);
        put(j, "thread_wall_ns", wallNanos);
        put(j, "socket_drops", socketDrops);
        put(j, "rcvbuf", rcvBuf);
        put(j, "srtt_us", srttMicros);
        put(j, "buf_max", bufCeiling);
        put(j, "send_blocked_ns", sendBlockedNanos);
        put(j, "cores", cores);
        put(j, "qdisc_rate", qdiscRate);
        put(j, "qdisc_overlimits", qdiscOverlimits);
        return j;
    }

    /** {@code {"streams": [...]}}, the value of {@link #KEY} in a side's results. */
    public static JsonObject toJson(List<WhyProbe> probes) {
        List<Object> list = new ArrayList<>();
        for (WhyProbe p : probes) {
            list.add(p.toJson());
        }
        return new JsonObject().put("streams", list);
    }

    /** Reads a peer's {@link #KEY} object; empty for anything malformed (the verdict then says what was not seen). */
    public static List<WhyProbe> fromJson(JsonObject j) {
        List<WhyProbe> out = new ArrayList<>();
        if (j == null) {
            return out;
        }
        try {
            List<Object> list = j.getArray("streams");
            if (list == null || list.size() > 512) {
                return out;
            }
            for (Object o : list) {
                if (!(o instanceof JsonObject s) || s.getLong("id") == null) {
                    continue;
                }
                Boolean sending = s.getBoolean("sending");
                out.add(new WhyProbe(s.getLong("id").intValue(), sending != null && sending, get(s, "busy_us"),
                        get(s, "rwnd_limited_us"), get(s, "sndbuf_limited_us"), get(s, "min_rtt_us"),
                        get(s, "rcv_rtt_us"), get(s, "snd_wnd_max"), get(s, "snd_cwnd_max"), get(s, "sndbuf"),
                        get(s, "rcv_wnd"), get(s, "thread_run_ns"), get(s, "thread_wait_ns"),
                        get(s, "thread_wall_ns"), get(s, "socket_drops"), get(s, "rcvbuf"), get(s, "srtt_us"),
                        get(s, "buf_max"), get(s, "send_blocked_ns"), get(s, "cores"), get(s, "qdisc_rate"),
                        get(s, "qdisc_overlimits")));
            }
        } catch (JsonTypeException e) {
            out.clear();
        }
        return out;
    }

    private static void put(JsonObject j, String key, OptionalLong v) {
        if (v.isPresent()) {
            j.put(key, v.getAsLong());
        }
    }

    private static OptionalLong get(JsonObject j, String key) {
        Long v = j.getLong(key);
        return v == null || v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
