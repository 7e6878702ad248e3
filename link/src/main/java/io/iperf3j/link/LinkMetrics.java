package io.iperf3j.link;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection's counters at one moment (legume's {@code Metrics} plus what it lacked). Counters
 * count from the start of the connection.
 *
 * @param latencyMillis     round-trip time in milliseconds, mean of the last 4 ping/keep-alive samples
 *                          (legume's {@code latency}); NaN before the first sample
 * @param rttSamples        RTT samples taken (pings and keep-alives)
 * @param rttP50Micros      median RTT of all samples, microseconds (HdrHistogram); NaN without samples
 * @param rttP90Micros      90th percentile
 * @param rttP99Micros      99th percentile
 * @param rttMaxMicros      largest sample
 * @param retransmitTimeoutMicros current resend delay for a reliable message sent once (from the ack RTT)
 * @param outBufferBytes    bytes waiting in the out-buffer: queued, plus sent and not yet acked
 * @param pendingAcks       reliable messages sent and not yet acked
 * @param inBytes           datagram bytes received (header + data)
 * @param outBytes          datagram bytes sent
 * @param inPackets         datagrams received
 * @param outPackets        datagrams sent
 * @param inMessages        messages received (every message, system ones included, duplicates not)
 * @param outMessages       messages sent (first sends; resends are {@code resends})
 * @param keepAliveCount    keep-alive requests sent (server) or received (client), as legume counts them
 * @param reorderQueue      ordered messages held until the ones before them arrive
 * @param resends           reliable messages sent again for want of an ack
 * @param duplicatesDropped reliable messages received again and dropped (they are still acked)
 * @param pingsSent         pings sent
 * @param pingsLost         pings that got no pong within 2 s
 * @param malformedDatagrams datagrams from the peer that failed to decode (dropped whole)
 */
public record LinkMetrics(
        double latencyMillis,
        long rttSamples,
        double rttP50Micros,
        double rttP90Micros,
        double rttP99Micros,
        double rttMaxMicros,
        long retransmitTimeoutMicros,
        long outBufferBytes,
        long pendingAcks,
        long inBytes,
        long outBytes,
        long inPackets,
        long outPackets,
        long inMessages,
        long outMessages,
        long keepAliveCount,
        long reorderQueue,
        long resends,
        long duplicatesDropped,
        long pingsSent,
        long pingsLost,
        long malformedDatagrams) {

    /** The figures by snake_case name (legume's property names where it has one), for exporters. */
    public Map<String, Number> asMap() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("latency_ms", latencyMillis);
        m.put("rtt_samples", rttSamples);
        m.put("rtt_p50_us", rttP50Micros);
        m.put("rtt_p90_us", rttP90Micros);
        m.put("rtt_p99_us", rttP99Micros);
        m.put("rtt_max_us", rttMaxMicros);
        m.put("retransmit_timeout_us", retransmitTimeoutMicros);
        m.put("out_buffer_bytes", outBufferBytes);
        m.put("pending_acks", pendingAcks);
        m.put("in_bytes", inBytes);
        m.put("out_bytes", outBytes);
        m.put("in_packets", inPackets);
        m.put("out_packets", outPackets);
        m.put("in_messages", inMessages);
        m.put("out_messages", outMessages);
        m.put("keepalive_count", keepAliveCount);
        m.put("reorder_queue", reorderQueue);
        m.put("resends", resends);
        m.put("duplicates_dropped", duplicatesDropped);
        m.put("pings_sent", pingsSent);
        m.put("pings_lost", pingsLost);
        m.put("malformed_datagrams", malformedDatagrams);
        return m;
    }

    /**
     * The figures for {@link io.iperf3j.MetricEvent.Gauges} (exported as {@code iperf3j_link_client_<key>}
     * and {@code iperf3j_link_server_<key>}): {@link #asMap()}'s, in base units as Prometheus wants them
     * ({@code latency_seconds}, {@code rtt_p50_seconds}, ..., {@code retransmit_timeout_seconds}) and
     * {@code keepalives} for {@code keepalive_count} (a {@code _count} suffix is reserved). NaN while not
     * known (no RTT sample yet).
     */
    public Map<String, Double> gauges() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("latency_seconds", latencyMillis / 1e3);
        m.put("rtt_samples", (double) rttSamples);
        m.put("rtt_p50_seconds", rttP50Micros / 1e6);
        m.put("rtt_p90_seconds", rttP90Micros / 1e6);
        m.put("rtt_p99_seconds", rttP99Micros / 1e6);
        m.put("rtt_max_seconds", rttMaxMicros / 1e6);
        m.put("retransmit_timeout_seconds", retransmitTimeoutMicros / 1e6);
        m.put("out_buffer_bytes", (double) outBufferBytes);
        m.put("pending_acks", (double) pendingAcks);
        m.put("in_bytes", (double) inBytes);
        m.put("out_bytes", (double) outBytes);
        m.put("in_packets", (double) inPackets);
        m.put("out_packets", (double) outPackets);
        m.put("in_messages", (double) inMessages);
        m.put("out_messages", (double) outMessages);
        m.put("keepalives", (double) keepAliveCount);
        m.put("reorder_queue", (double) reorderQueue);
        m.put("resends", (double) resends);
        m.put("duplicates_dropped", (double) duplicatesDropped);
        m.put("pings_sent", (double) pingsSent);
        m.put("pings_lost", (double) pingsLost);
        m.put("malformed_datagrams", (double) malformedDatagrams);
        return m;
    }
}
