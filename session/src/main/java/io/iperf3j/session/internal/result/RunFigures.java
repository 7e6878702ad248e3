package io.iperf3j.session.internal.result;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.session.TestResult;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One scheduled run's figures, as {@code --metrics.listen} serves them and the state file keeps them: small
 * (no interval samples), so a session holds one per test for days. A figure the outputs do not give
 * (iperf2's retransmits, a UDP test's RTT, a failed run's) is empty, never 0; a failed run's throughput is 0.
 * Retransmits are the sender's (the iperf client's) over its intervals, RTT its mean smoothed RTT; loss
 * (percent) and jitter are the receiver's (the iperf server's): lost over sent datagrams of its intervals,
 * and the jitter of its last interval, as iperf3's end summary gives them.
 *
 * @param run the run (period) number
 * @param ok whether the test ran
 * @param receivedBitsPerSecond the receiver's rate (0 when it failed)
 * @param sentBitsPerSecond the sender's rate (0 when it failed)
 * @param retransmits TCP retransmits
 * @param rttSeconds mean smoothed RTT
 * @param lossPercent UDP datagrams lost, percent
 * @param jitterSeconds UDP jitter
 * @param durationSeconds the test's wall time
 * @param endedUnixSeconds when it ended
 */
public record RunFigures(long run, boolean ok, double receivedBitsPerSecond, double sentBitsPerSecond,
        OptionalLong retransmits, OptionalDouble rttSeconds, OptionalDouble lossPercent, OptionalDouble jitterSeconds,
        double durationSeconds, double endedUnixSeconds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A result's figures. */
    public static RunFigures of(long run, TestResult r, double endedUnixSeconds) {
        double seconds = r.elapsed().toNanos() / 1e9;
        if (!(r.outcome() instanceof TestResult.Outcome.Completed c)) {
            return new RunFigures(run, false, 0, 0, OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                    OptionalDouble.empty(), seconds, endedUnixSeconds);
        }
        List<IntervalMetrics> sender = measured(r.clientParsed(), Direction.SENDER);
        List<IntervalMetrics> receiver = measured(r.serverParsed(), Direction.RECEIVER);
        OptionalLong retransmits = sender.stream().anyMatch(m -> m.tcpRetransmits().isPresent())
                ? OptionalLong.of(sender.stream().mapToLong(m -> m.tcpRetransmits().orElse(0)).sum()) : OptionalLong.empty();
        OptionalDouble rtt = sender.stream().filter(m -> m.tcpRttSeconds().isPresent())
                .mapToDouble(m -> m.tcpRttSeconds().getAsDouble()).average();
        long packets = receiver.stream().mapToLong(m -> m.udpPackets().orElse(0)).sum();
        OptionalDouble loss = packets > 0 && receiver.stream().anyMatch(m -> m.udpLostPackets().isPresent())
                ? OptionalDouble.of(100.0 * receiver.stream().mapToLong(m -> m.udpLostPackets().orElse(0)).sum() / packets)
                : OptionalDouble.empty();
        OptionalDouble jitter = receiver.stream().filter(m -> m.udpJitterSeconds().isPresent())
                .reduce((a, b) -> b).map(m -> m.udpJitterSeconds()).orElse(OptionalDouble.empty());
        return new RunFigures(run, true, finite(c.receivedBitsPerSecond()), finite(c.sentBitsPerSecond()), retransmits, rtt,
                loss, jitter, seconds, endedUnixSeconds);
    }

    /**
     * A scheduled run's {@code tests.jsonl} line ({@code base}, the session's line of the result) with these
     * figures after it, so the file alone is the plan's history ({@code iperf3j report} draws it):
     * {@code end_timestamp_seconds}, {@code retransmits}, {@code rtt_seconds}, {@code loss_percent},
     * {@code jitter_seconds}, {@code duration_seconds}; a figure the run did not give is null.
     */
    public String line(String base) {
        ObjectNode n = parse(base);
        n.put("end_timestamp_seconds", millis(endedUnixSeconds));
        if (retransmits.isPresent()) {
            n.put("retransmits", retransmits.getAsLong());
        } else {
            n.putNull("retransmits");
        }
        optional(n, "rtt_seconds", rttSeconds);
        optional(n, "loss_percent", lossPercent);
        optional(n, "jitter_seconds", jitterSeconds);
        n.put("duration_seconds", durationSeconds);
        return n.toString();
    }

    /** A skipped run's line ({@code base}) with when it was given up, {@code end_timestamp_seconds}. */
    public static String skippedLine(String base, double givenUpUnixSeconds) {
        ObjectNode n = parse(base);
        n.put("end_timestamp_seconds", millis(givenUpUnixSeconds));
        return n.toString();
    }

    /** Unix seconds to the millisecond, written as such (1795708916.553, not 1.795708916553E9). */
    private static java.math.BigDecimal millis(double unixSeconds) {
        return java.math.BigDecimal.valueOf(Math.round(unixSeconds * 1000), 3);
    }

    private static ObjectNode parse(String line) {
        try {
            return (ObjectNode) JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void optional(ObjectNode n, String key, OptionalDouble v) {
        if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
            n.put(key, v.getAsDouble());
        } else {
            n.putNull(key);
        }
    }

    /** An output's sums over streams in {@code direction} (a {@code --bidir} output has both), outside the {@code -O} warm-up. */
    private static List<IntervalMetrics> measured(Optional<TestResult.ParsedOutput> output, Direction direction) {
        return output.map(TestResult.ParsedOutput::intervals).orElse(List.of()).stream()
                .filter(m -> m.direction() == direction && !m.omitted() && m.streamId().isEmpty()).toList();
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
