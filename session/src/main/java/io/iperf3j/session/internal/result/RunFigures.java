package io.iperf3j.session.internal.result;

import io.iperf3j.Cause;
import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.session.TestResult;
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
 * @param receivedBytes bytes the receiver got (0 when it failed)
 * @param sentBitsPerSecond the sender's rate (0 when it failed)
 * @param retransmits TCP retransmits
 * @param rttSeconds mean smoothed RTT
 * @param lossPercent UDP datagrams lost, percent
 * @param jitterSeconds UDP jitter
 * @param durationSeconds the test's wall time
 * @param endedUnixSeconds when it ended
 * @param limits what held each direction of data back ({@link TestResult#why()}): none when it failed
 * @param skipped the run did not happen ({@link #skipped(long, double)}): its hosts' slots were not free within its slip, or
 *        the session was not running; not ok, and no rate, bytes or duration
 */
public record RunFigures(long run, boolean ok, double receivedBitsPerSecond, double sentBitsPerSecond, long receivedBytes,
        OptionalLong retransmits, OptionalDouble rttSeconds, OptionalDouble lossPercent, OptionalDouble jitterSeconds,
        double durationSeconds, double endedUnixSeconds, List<Limit> limits, boolean skipped) {

    /** Copies {@code limits}; a skipped run is not ok. */
    public RunFigures {
        limits = List.copyOf(limits);
        if (skipped && ok) {
            throw new IllegalArgumentException("a skipped run is not ok");
        }
    }

    /** Figures of a run that ran (completed or failed). */
    public RunFigures(long run, boolean ok, double receivedBitsPerSecond, double sentBitsPerSecond, long receivedBytes,
            OptionalLong retransmits, OptionalDouble rttSeconds, OptionalDouble lossPercent, OptionalDouble jitterSeconds,
            double durationSeconds, double endedUnixSeconds, List<Limit> limits) {
        this(run, ok, receivedBitsPerSecond, sentBitsPerSecond, receivedBytes, retransmits, rttSeconds, lossPercent, jitterSeconds,
                durationSeconds, endedUnixSeconds, limits, false);
    }

    /**
     * A run that did not happen (issue 66): not ok, so a test whose runs are skipped (its host down, its slots held) shows 0 in
     * {@code test_success} as a failed one does, rather than its last good run's 1; stamped when it was given up.
     */
    public static RunFigures skipped(long run, double givenUpUnixSeconds) {
        return new RunFigures(run, false, 0, 0, 0, OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), 0, givenUpUnixSeconds, List.of(), true);
    }

    /** Figures without verdicts. */
    public RunFigures(long run, boolean ok, double receivedBitsPerSecond, double sentBitsPerSecond, long receivedBytes,
            OptionalLong retransmits, OptionalDouble rttSeconds, OptionalDouble lossPercent, OptionalDouble jitterSeconds,
            double durationSeconds, double endedUnixSeconds) {
        this(run, ok, receivedBitsPerSecond, sentBitsPerSecond, receivedBytes, retransmits, rttSeconds, lossPercent,
                jitterSeconds, durationSeconds, endedUnixSeconds, List.of());
    }

    /**
     * What held one direction of a run's data back.
     *
     * @param from the node that sent the data
     * @param to the node that received it
     * @param cause the cause ({@link Cause#NOT_DETERMINED} when it could not be told)
     */
    public record Limit(String from, String to, Cause cause) {
    }

    /** A result's verdicts as limits. */
    public static List<Limit> limits(TestResult r) {
        return r.why().stream().map(v -> new Limit(r.dataSender(v), r.dataReceiver(v), v.cause())).toList();
    }

    /** A result's figures. */
    public static RunFigures of(long run, TestResult r, double endedUnixSeconds) {
        double seconds = r.elapsed().toNanos() / 1e9;
        if (!(r.outcome() instanceof TestResult.Outcome.Completed c)) {
            return new RunFigures(run, false, 0, 0, 0, OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
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
        return new RunFigures(run, true, finite(c.receivedBitsPerSecond()), finite(c.sentBitsPerSecond()), c.receivedBytes(), retransmits, rtt,
                loss, jitter, seconds, endedUnixSeconds, limits(r));
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
