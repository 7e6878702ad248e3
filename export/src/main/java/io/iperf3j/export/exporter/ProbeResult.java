package io.iperf3j.export.exporter;

import io.iperf3j.IperfResult;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one probe found: whether the test succeeded and, if so, the
 * iperf3_exporter gauges read from the {@code end.sum_sent} / {@code end.sum_received}
 * objects of the test's JSON.
 *
 * @param request the probe
 * @param up whether the test ran to its end without error in time
 * @param values metric name to value, in exposition order (empty when down)
 * @param error why the probe is down, or empty
 * @param durationSeconds how long the probe took
 * @param timestampUnixSeconds when it ended
 * @param test the test's result (its JSON), if the test ran to an end
 */
public record ProbeResult(ProbeRequest request, boolean up, Map<String, Double> values, Optional<String> error,
                          double durationSeconds, double timestampUnixSeconds, Optional<IperfResult> test) {
    /** HELP texts of the probe families. */
    static final Map<String, String> HELP = help();

    /** Copies the map. */
    public ProbeResult {
        Objects.requireNonNull(request, "request");
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A failed probe. */
    static ProbeResult down(ProbeRequest request, String error, double duration) {
        return new ProbeResult(request, false, Map.of(), Optional.of(error), duration, now(), Optional.empty());
    }

    /** Reads a finished test. */
    static ProbeResult of(ProbeRequest request, IperfResult result, double duration) {
        if (!result.succeeded()) {
            return new ProbeResult(request, false, Map.of(), Optional.of(result.error().orElse("test failed")), duration,
                    now(), Optional.of(result));
        }
        Map<String, Object> end = map(result.json().get("end"));
        Map<String, Object> sent = map(end.get("sum_sent"));
        Map<String, Object> received = map(end.get("sum_received"));
        if (sent.isEmpty() || received.isEmpty()) {
            return down(request, "the test has no end summary", duration);
        }
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("iperf3_sent_seconds", number(sent, "seconds"));
        v.put("iperf3_sent_bytes", number(sent, "bytes"));
        v.put("iperf3_received_seconds", number(received, "seconds"));
        v.put("iperf3_received_bytes", number(received, "bytes"));
        if (sent.get("retransmits") instanceof Number n) {
            v.put("iperf3_retransmits", n.doubleValue());
        }
        if (request.udp()) {
            for (String side : new String[] {"sent", "received"}) {
                Map<String, Object> o = side.equals("sent") ? sent : received;
                v.put("iperf3_" + side + "_packets", number(o, "packets"));
                v.put("iperf3_" + side + "_jitter_seconds", number(o, "jitter_ms") / 1000.0);
                v.put("iperf3_" + side + "_lost_packets", number(o, "lost_packets"));
                v.put("iperf3_" + side + "_lost_percent", number(o, "lost_percent"));
            }
        }
        return new ProbeResult(request, true, v, Optional.empty(), duration, now(), Optional.of(result));
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static double number(Map<String, Object> o, String key) {
        return o.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static Map<String, String> help() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("iperf3_up", "Whether the iperf3 probe succeeded (1) or not (0).");
        h.put("iperf3_sent_seconds", "Total seconds spent sending packets.");
        h.put("iperf3_sent_bytes", "Total sent bytes.");
        h.put("iperf3_received_seconds", "Total seconds spent receiving packets.");
        h.put("iperf3_received_bytes", "Total received bytes.");
        h.put("iperf3_retransmits", "Total TCP retransmits of the sender.");
        for (String side : new String[] {"sent", "received"}) {
            h.put("iperf3_" + side + "_packets", "Total UDP packets (" + side + " side).");
            h.put("iperf3_" + side + "_jitter_seconds", "UDP jitter in seconds (" + side + " side).");
            h.put("iperf3_" + side + "_lost_packets", "UDP packets lost (" + side + " side).");
            h.put("iperf3_" + side + "_lost_percent", "UDP packet loss in percent (" + side + " side).");
        }
        return java.util.Collections.unmodifiableMap(h);
    }
}
