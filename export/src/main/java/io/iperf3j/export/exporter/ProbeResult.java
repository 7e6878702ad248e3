package io.iperf3j.export.exporter;

import io.iperf3j.IperfResult;
import io.iperf3j.IperfSample;
import io.iperf3j.IperfSummary;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one probe found: whether the test succeeded and, if so, the
 * iperf3_exporter gauges read from the test's typed summary ({@code end.sum_sent} /
 * {@code end.sum_received}, {@link IperfResult#summary()}).
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
        Optional<IperfSummary> summary = result.summary();
        if (summary.isEmpty()) {
            return down(request, "the test has no end summary", duration);
        }
        IperfSample sent = summary.get().sent();
        IperfSample received = summary.get().received();
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("iperf3_sent_seconds", sent.seconds());
        v.put("iperf3_sent_bytes", (double) sent.bytes());
        v.put("iperf3_received_seconds", received.seconds());
        v.put("iperf3_received_bytes", (double) received.bytes());
        sent.retransmits().ifPresent(n -> v.put("iperf3_retransmits", (double) n));
        if (request.udp()) {
            for (IperfSample o : List.of(sent, received)) {
                String side = o == sent ? "sent" : "received";
                v.put("iperf3_" + side + "_packets", number(o.packets()));
                v.put("iperf3_" + side + "_jitter_seconds", o.jitterMillis().orElse(Double.NaN) / 1000.0);
                v.put("iperf3_" + side + "_lost_packets", number(o.lostPackets()));
                v.put("iperf3_" + side + "_lost_percent", o.lostPercent().orElse(Double.NaN));
            }
        }
        return new ProbeResult(request, true, v, Optional.empty(), duration, now(), Optional.of(result));
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private static double number(OptionalLong n) {
        return n.isPresent() ? n.getAsLong() : Double.NaN;
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
