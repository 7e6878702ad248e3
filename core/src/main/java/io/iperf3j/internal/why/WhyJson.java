package io.iperf3j.internal.why;

import io.iperf3j.Cause;
import io.iperf3j.Confidence;
import io.iperf3j.Transport;
import io.iperf3j.Why;
import io.iperf3j.WhyFigures;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.JsonTypeException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** {@code end.iperf3j_why} of {@code -J} (docs/design/why.md has its shape): written from a {@link Why}, read back. */
public final class WhyJson {
    /** The key under {@code end}; iperf3's parsers ignore it. */
    public static final String KEY = "iperf3j_why";

    private WhyJson() {
    }

    public static JsonObject write(Why why) {
        List<Object> dirs = new ArrayList<>();
        for (Why.DirectionWhy d : why.directions()) {
            JsonObject j = new JsonObject().put("sender", d.senderIsClient() ? "client" : "server");
            verdict(j, d.verdict());
            if (!d.streams().isEmpty()) {
                List<Object> streams = new ArrayList<>();
                for (Why.StreamWhy s : d.streams()) {
                    JsonObject sj = new JsonObject().put("id", s.id()).put("socket", s.socket());
                    verdict(sj, s.verdict());
                    streams.add(sj);
                }
                j.put("streams", streams);
            }
            dirs.add(j);
        }
        return new JsonObject().put("directions", dirs);
    }

    private static void verdict(JsonObject j, Why.Verdict v) {
        j.put("cause", v.cause().key());
        if (v.cause() != Cause.NOT_DETERMINED) {
            j.put("confidence", v.confidence().key());
            v.closeTo().ifPresent(c -> j.put("close_to", c.key()));
        }
        j.put("headline", v.headline());
        j.put("reason", v.reason());
        v.remedy().ifPresent(r -> j.put("remedy", r));
        j.put("figures", figures(v.figures()));
    }

    private static JsonObject figures(WhyFigures f) {
        JsonObject j = new JsonObject()
                .put("protocol", f.transport().name())
                .put("seconds", f.seconds())
                .put("bits_per_second", f.bitsPerSecond())
                .put("target_bits_per_second", f.targetBitsPerSecond())
                .put("fq_rate_bits_per_second", f.fqRateBitsPerSecond());
        put(j, "busy_share", f.busyShare());
        put(j, "rwnd_limited_share", f.rwndLimitedShare());
        put(j, "sndbuf_limited_share", f.sndbufLimitedShare());
        put(j, "cwnd_limited_share", f.cwndLimitedShare());
        put(j, "sender_thread_run_share", f.senderRunShare());
        put(j, "sender_thread_wait_share", f.senderWaitShare());
        put(j, "receiver_thread_run_share", f.receiverRunShare());
        put(j, "receiver_thread_wait_share", f.receiverWaitShare());
        put(j, "sender_cpu_percent", f.senderCpuPercent());
        put(j, "receiver_cpu_percent", f.receiverCpuPercent());
        put(j, "rtt_us", f.rttMicros());
        put(j, "bdp_bytes", f.bdpBytes());
        put(j, "receiver_window_bytes", f.receiverWindowBytes());
        put(j, "congestion_window_bytes", f.congestionWindowBytes());
        put(j, "sender_buffer_bytes", f.senderBufferBytes());
        put(j, "lost_share", f.lostShare());
        put(j, "socket_dropped_share", f.droppedShare());
        put(j, "receiver_socket_buffer_bytes", f.receiverBufferBytes());
        put(j, "srtt_us", f.srttMicros());
        put(j, "receiver_buffer_max_bytes", f.receiverBufferCeilingBytes());
        put(j, "sender_buffer_max_bytes", f.senderBufferCeilingBytes());
        put(j, "send_blocked_share", f.sendBlockedShare());
        put(j, "retransmit_share", f.retransmitShare());
        put(j, "sender_shaper_bits_per_second", f.senderShaperBitsPerSecond());
        put(j, "sender_shaper_overlimits", f.senderShaperOverlimits());
        WhyFigures.Sides s = f.sides();
        JsonObject sides = new JsonObject().put("sender", s.senderIsClient() ? "client" : "server")
                .put("streams", s.streams()).put("zerocopy", s.zeroCopy());
        if (s.local()) {
            sides.put("local", true);
        }
        if (s.senderCores() > 0) {
            sides.put("sender_cores", s.senderCores());
        }
        if (s.receiverCores() > 0) {
            sides.put("receiver_cores", s.receiverCores());
        }
        j.put("sides", sides);
        j.put("unseen", new ArrayList<Object>(f.unseen()));
        return j;
    }

    private static void put(JsonObject j, String key, OptionalDouble v) {
        if (v.isPresent()) {
            j.put(key, v.getAsDouble());
        }
    }

    private static void put(JsonObject j, String key, OptionalLong v) {
        if (v.isPresent()) {
            j.put(key, v.getAsLong());
        }
    }

    /** Reads {@code end.iperf3j_why} of a document; empty when absent or not of this shape. */
    public static Optional<Why> read(JsonObject document) {
        try {
            JsonObject end = document.getObject("end");
            JsonObject why = end == null ? null : end.getObject(KEY);
            if (why == null || why.getArray("directions") == null) {
                return Optional.empty();
            }
            List<Why.DirectionWhy> dirs = new ArrayList<>();
            for (Object o : why.getArray("directions")) {
                JsonObject d = (JsonObject) o;
                List<Why.StreamWhy> streams = new ArrayList<>();
                if (d.getArray("streams") != null) {
                    for (Object so : d.getArray("streams")) {
                        JsonObject s = (JsonObject) so;
                        streams.add(new Why.StreamWhy(s.getLong("id").intValue(), s.getLong("socket").intValue(),
                                readVerdict(s)));
                    }
                }
                dirs.add(new Why.DirectionWhy("client".equals(d.getString("sender")), readVerdict(d), streams));
            }
            return Optional.of(new Why(dirs));
        } catch (JsonTypeException | ClassCastException | NullPointerException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Why.Verdict readVerdict(JsonObject j) {
        String conf = j.getString("confidence");
        String close = j.getString("close_to");
        return new Why.Verdict(Cause.ofKey(j.getString("cause")),
                conf == null ? Confidence.CLEAR : Confidence.ofKey(conf),
                close == null ? Optional.empty() : Optional.of(Cause.ofKey(close)), readFigures(j.getObject("figures")),
                j.getString("reason"), Optional.ofNullable(j.getString("remedy")));
    }

    private static WhyFigures readFigures(JsonObject f) {
        List<String> unseen = new ArrayList<>();
        for (Object o : f.getArray("unseen")) {
            unseen.add((String) o);
        }
        return new WhyFigures(Transport.valueOf(f.getString("protocol")), f.getDouble("seconds"),
                f.getDouble("bits_per_second"), f.getLong("target_bits_per_second"),
                f.getLong("fq_rate_bits_per_second"), d(f, "busy_share"), d(f, "rwnd_limited_share"),
                d(f, "sndbuf_limited_share"), d(f, "cwnd_limited_share"), d(f, "sender_thread_run_share"),
                d(f, "sender_thread_wait_share"), d(f, "receiver_thread_run_share"),
                d(f, "receiver_thread_wait_share"), d(f, "sender_cpu_percent"), d(f, "receiver_cpu_percent"),
                l(f, "rtt_us"), l(f, "bdp_bytes"), l(f, "receiver_window_bytes"), l(f, "congestion_window_bytes"),
                l(f, "sender_buffer_bytes"), d(f, "lost_share"), d(f, "socket_dropped_share"),
                l(f, "receiver_socket_buffer_bytes"), unseen, l(f, "srtt_us"), l(f, "receiver_buffer_max_bytes"),
                l(f, "sender_buffer_max_bytes"), d(f, "send_blocked_share"), d(f, "retransmit_share"),
                readSides(f.getObject("sides")), l(f, "sender_shaper_bits_per_second"),
                l(f, "sender_shaper_overlimits"));
    }

    private static WhyFigures.Sides readSides(JsonObject s) {
        if (s == null) {
            return WhyFigures.Sides.UNKNOWN;
        }
        Long streams = s.getLong("streams");
        Long sc = s.getLong("sender_cores");
        Long rc = s.getLong("receiver_cores");
        Boolean z = s.getBoolean("zerocopy");
        Boolean local = s.getBoolean("local");
        return new WhyFigures.Sides(!"server".equals(s.getString("sender")), streams == null ? 1 : streams.intValue(),
                sc == null ? 0 : sc.intValue(), rc == null ? 0 : rc.intValue(), z != null && z,
                local != null && local);
    }

    private static OptionalDouble d(JsonObject j, String key) {
        Double v = j.getDouble(key);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private static OptionalLong l(JsonObject j, String key) {
        Long v = j.getLong(key);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
