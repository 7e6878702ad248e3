package io.iperf3j.internal.why;

import io.iperf3j.internal.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a real iperf3 sender (a server with {@code -R}) says of one sending stream in the output it returns for
 * {@code get_server_output}: per interval its retransmits and congestion window, and, when that server runs with
 * {@code -J}, its largest send window and its smallest RTT. iperf3 3.12 and 3.21 send their JSON document
 * ({@code server_output_json}) only when the server itself was started with {@code -J}; otherwise their text
 * ({@code server_output_text}), whose interval lines carry {@code Retr} and {@code Cwnd}. Neither has the socket's
 * chronos, its send buffer or the thread's wait to run.
 *
 * @param intervals the stream's intervals in order, omitted ones left out
 * @param sndWndMax the largest {@code snd_wnd} (JSON only)
 * @param minRttMicros the smallest RTT (JSON only)
 * @param source {@code "json"} or {@code "text"}
 * @param segments the segments the stream carried (its bytes over the MSS), 0 when not known: set by the assembler
 */
public record SenderReport(List<Interval> intervals, OptionalLong sndWndMax, OptionalLong minRttMicros, String source,
                           long segments) {
    /** An interval shorter than this (the tail after the last full one) is not counted as one. */
    static final double FULL_INTERVAL = 0.5;

    /**
     * One interval of the stream.
     *
     * @param seconds its length
     * @param retransmits retransmitted segments in it
     * @param cwnd the congestion window at its end, bytes
     */
    public record Interval(double seconds, long retransmits, long cwnd) {
    }

    /** Copies {@code intervals}. */
    public SenderReport {
        intervals = List.copyOf(intervals);
    }

    /** A report as read, the segments not known yet. */
    public SenderReport(List<Interval> intervals, OptionalLong sndWndMax, OptionalLong minRttMicros, String source) {
        this(intervals, sndWndMax, minRttMicros, source, 0);
    }

    /** This report with the segments its stream carried. */
    SenderReport withSegments(long n) {
        return new SenderReport(intervals, sndWndMax, minRttMicros, source, n);
    }

    /** The full intervals (the short tail left out). */
    List<Interval> full() {
        return intervals.stream().filter(i -> i.seconds() >= FULL_INTERVAL).toList();
    }

    /** All retransmits. */
    long retransmits() {
        return intervals.stream().mapToLong(Interval::retransmits).sum();
    }

    /** The largest congestion window, or empty. */
    OptionalLong cwndMax() {
        long m = intervals.stream().mapToLong(Interval::cwnd).max().orElse(0);
        return m > 0 ? OptionalLong.of(m) : OptionalLong.empty();
    }

    /** The sending streams' reports, in the order the server listed them; empty when it returned none of ours. */
    public static List<SenderReport> of(JsonObject results) {
        if (results == null) {
            return List.of();
        }
        try {
            JsonObject json = results.getObject("server_output_json");
            if (json != null) {
                return fromJson(json);
            }
            String text = results.getString("server_output_text");
            return text == null ? List.of() : fromText(text);
        } catch (RuntimeException e) { // a peer's odd document: nothing seen, never a failed test
            return List.of();
        }
    }

    private static List<SenderReport> fromJson(JsonObject doc) {
        Map<Long, List<Interval>> bySocket = new LinkedHashMap<>();
        List<Object> intervals = doc.getArray("intervals");
        if (intervals == null) {
            return List.of();
        }
        for (Object o : intervals) {
            if (!(o instanceof JsonObject interval) || interval.getArray("streams") == null) {
                continue;
            }
            for (Object so : interval.getArray("streams")) {
                if (!(so instanceof JsonObject s) || !Boolean.TRUE.equals(s.getBoolean("sender"))
                        || Boolean.TRUE.equals(s.getBoolean("omitted")) || s.getLong("socket") == null
                        || s.getLong("snd_cwnd") == null) {
                    continue;
                }
                Double seconds = s.getDouble("seconds");
                Long retr = s.getLong("retransmits");
                bySocket.computeIfAbsent(s.getLong("socket"), k -> new ArrayList<>()).add(new Interval(
                        seconds == null ? 0 : seconds, retr == null ? 0 : retr, s.getLong("snd_cwnd")));
            }
        }
        Map<Long, JsonObject> ends = new LinkedHashMap<>();
        JsonObject end = doc.getObject("end");
        if (end != null && end.getArray("streams") != null) {
            for (Object o : end.getArray("streams")) {
                if (o instanceof JsonObject e && e.getObject("sender") instanceof JsonObject snd
                        && snd.getLong("socket") != null) {
                    ends.put(snd.getLong("socket"), snd);
                }
            }
        }
        List<SenderReport> out = new ArrayList<>();
        bySocket.forEach((socket, list) -> {
            JsonObject e = ends.get(socket);
            out.add(new SenderReport(list, positive(e == null ? null : e.getLong("max_snd_wnd")),
                    positive(e == null ? null : e.getLong("min_rtt")), "json"));
        });
        return out;
    }

    /** iperf3's interval line of a TCP sender: {@code [  5]   1.00-2.00   sec  10.2 MBytes  85.9 Mbits/sec  242    328 KBytes}. */
    private static final Pattern LINE = Pattern.compile(
            "^\\[\\s*(\\d+)]\\s+([\\d.]+)-\\s*([\\d.]+)\\s+sec\\s+[\\d.]+\\s+[KMGT]?Bytes\\s+[\\d.]+\\s+[KMGT]?bits/sec"
                    + "\\s+(\\d+)\\s+([\\d.]+)\\s+([KMGT]?)Bytes\\s*$");

    private static List<SenderReport> fromText(String text) {
        Map<String, List<Interval>> bySocket = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            double seconds = Double.parseDouble(m.group(3)) - Double.parseDouble(m.group(2));
            long cwnd = (long) (Double.parseDouble(m.group(5)) * switch (m.group(6)) {
                case "K" -> 1024.0;
                case "M" -> 1024.0 * 1024;
                case "G" -> 1024.0 * 1024 * 1024;
                case "T" -> 1024.0 * 1024 * 1024 * 1024;
                default -> 1.0;
            });
            bySocket.computeIfAbsent(m.group(1), k -> new ArrayList<>())
                    .add(new Interval(seconds, Long.parseLong(m.group(4)), cwnd));
        }
        List<SenderReport> out = new ArrayList<>();
        bySocket.values().forEach(l -> out.add(new SenderReport(l, OptionalLong.empty(), OptionalLong.empty(), "text")));
        return out;
    }

    /** Several streams of one direction as one: interval by interval, retransmits and windows summed. */
    static SenderReport sum(List<SenderReport> reports) {
        if (reports.size() == 1) {
            return reports.getFirst();
        }
        int n = reports.stream().mapToInt(r -> r.intervals().size()).min().orElse(0);
        List<Interval> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double seconds = 0;
            long retr = 0;
            long cwnd = 0;
            for (SenderReport r : reports) {
                Interval x = r.intervals().get(i);
                seconds = Math.max(seconds, x.seconds());
                retr += x.retransmits();
                cwnd += x.cwnd();
            }
            out.add(new Interval(seconds, retr, cwnd));
        }
        boolean wnd = reports.stream().allMatch(r -> r.sndWndMax().isPresent());
        boolean rtt = reports.stream().allMatch(r -> r.minRttMicros().isPresent());
        return new SenderReport(out,
                wnd ? OptionalLong.of(reports.stream().mapToLong(r -> r.sndWndMax().getAsLong()).sum()) : OptionalLong.empty(),
                rtt ? OptionalLong.of(reports.stream().mapToLong(r -> r.minRttMicros().getAsLong()).min().getAsLong())
                        : OptionalLong.empty(), reports.getFirst().source(),
                reports.stream().allMatch(r -> r.segments() > 0) ? reports.stream().mapToLong(SenderReport::segments).sum() : 0);
    }

    private static OptionalLong positive(Long v) {
        return v != null && v > 0 ? OptionalLong.of(v) : OptionalLong.empty();
    }
}
