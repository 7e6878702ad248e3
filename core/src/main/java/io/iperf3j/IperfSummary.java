package io.iperf3j;

import io.iperf3j.internal.json.JsonObject;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The end figures of a test, typed, read from the {@code end} object of iperf3's
 * JSON. "Sent" and "received" are the two ends of the main direction (client to
 * server, or server to client with {@code -R}); the reverse direction of a
 * {@code --bidir} test is in {@link #reverse()}.
 *
 * @param transport TCP or UDP
 * @param sent bytes and rate the sender reported
 * @param received bytes and rate the receiver reported
 * @param retransmits TCP retransmits of the sender, if measured
 * @param jitterMillis UDP receiver's jitter
 * @param lostPackets UDP datagrams lost
 * @param packets UDP datagrams counted by the receiver
 * @param lostPercent UDP loss in percent
 * @param reverse the other direction of a bidir test
 * @param cpuLocalPercent this side's CPU use (100 = one core)
 * @param cpuRemotePercent the peer's CPU use as it reported it (0 on a server)
 */
public record IperfSummary(
        Transport transport,
        Transfer sent,
        Transfer received,
        OptionalLong retransmits,
        OptionalDouble jitterMillis,
        OptionalLong lostPackets,
        OptionalLong packets,
        OptionalDouble lostPercent,
        Optional<IperfSummary> reverse,
        double cpuLocalPercent,
        double cpuRemotePercent) {

    /** One end of a transfer. */
    public record Transfer(long bytes, double seconds, double bitsPerSecond) {
        static Transfer of(JsonObject o) {
            return new Transfer(longOr(o, "bytes"), doubleOr(o, "seconds"), doubleOr(o, "bits_per_second"));
        }
    }

    /** Reads the summary from a JSON document; empty when the test ended before its summary. */
    static Optional<IperfSummary> of(JsonObject document) {
        JsonObject end = document.getObject("end");
        if (end == null || !end.has("sum_sent") || !end.has("sum_received")) {
            return Optional.empty();
        }
        Transport transport = end.has("sum") ? Transport.UDP : Transport.TCP;
        JsonObject cpu = end.getObject("cpu_utilization_percent");
        double local = cpu == null ? 0 : doubleOr(cpu, "host_total");
        double remote = cpu == null ? 0 : doubleOr(cpu, "remote_total");
        Optional<IperfSummary> reverse = Optional.empty();
        if (end.has("sum_sent_bidir_reverse") && end.has("sum_received_bidir_reverse")) {
            reverse = Optional.of(direction(transport, end.getObject("sum_sent_bidir_reverse"),
                    end.getObject("sum_received_bidir_reverse"), Optional.empty(), local, remote));
        }
        return Optional.of(direction(transport, end.getObject("sum_sent"), end.getObject("sum_received"), reverse,
                local, remote));
    }

    private static IperfSummary direction(Transport transport, JsonObject sent, JsonObject received,
                                          Optional<IperfSummary> reverse, double local, double remote) {
        OptionalLong retrans = sent.has("retransmits") ? OptionalLong.of(longOr(sent, "retransmits")) : OptionalLong.empty();
        boolean udp = transport == Transport.UDP;
        return new IperfSummary(transport, Transfer.of(sent), Transfer.of(received), retrans,
                udp ? OptionalDouble.of(doubleOr(received, "jitter_ms")) : OptionalDouble.empty(),
                udp ? OptionalLong.of(longOr(received, "lost_packets")) : OptionalLong.empty(),
                udp ? OptionalLong.of(longOr(received, "packets")) : OptionalLong.empty(),
                udp ? OptionalDouble.of(doubleOr(received, "lost_percent")) : OptionalDouble.empty(),
                reverse, local, remote);
    }

    private static long longOr(JsonObject o, String key) {
        Object v = o.get(key);
        return v instanceof Number n ? n.longValue() : 0;
    }

    private static double doubleOr(JsonObject o, String key) {
        Object v = o.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
