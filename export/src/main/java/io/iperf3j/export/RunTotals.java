package io.iperf3j.export;

import io.iperf3j.IntervalMetrics;
import io.iperf3j.MetricEvent;
import io.iperf3j.WindowMetrics;

import java.util.OptionalLong;

/**
 * Cumulative counts since a sink started: what the {@code <prefix>_run_*_total}
 * counters carry. Unlike the per-interval gauges they only ever grow, so
 * {@code rate()} and {@code increase()} work on them and a dropped push loses
 * nothing. Optional totals stay absent until a sample carries the field.
 * Negative inputs count as zero. Immutable.
 *
 * @param transferredBytes bytes moved
 * @param tcpRetransmits TCP retransmits (sender)
 * @param udpPackets UDP datagrams
 * @param udpLostPackets UDP datagrams lost (receiver)
 * @param udpOutOfOrderPackets UDP datagrams out of order (receiver)
 */
public record RunTotals(long transferredBytes, OptionalLong tcpRetransmits, OptionalLong udpPackets,
                        OptionalLong udpLostPackets, OptionalLong udpOutOfOrderPackets) {
    /** Nothing counted yet. */
    public static final RunTotals EMPTY = new RunTotals(0, OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.empty(), OptionalLong.empty());

    /** These totals plus what {@code event} counted (a {@link MetricEvent.Gauges} counts nothing here). */
    public RunTotals plus(MetricEvent event) {
        return switch (event) {
            case MetricEvent.Interval(IntervalMetrics m) -> plus(m);
            case MetricEvent.Window(WindowMetrics w) -> plus(w);
            case MetricEvent.Gauges g -> this;
        };
    }

    /** These totals plus one interval sample. */
    public RunTotals plus(IntervalMetrics m) {
        return new RunTotals(transferredBytes + Math.max(0, m.transferredBytes()),
                add(tcpRetransmits, m.tcpRetransmits()), add(udpPackets, m.udpPackets()),
                add(udpLostPackets, m.udpLostPackets()), add(udpOutOfOrderPackets, m.udpOutOfOrderPackets()));
    }

    /** These totals plus the sums of one window. */
    public RunTotals plus(WindowMetrics w) {
        return new RunTotals(transferredBytes + Math.max(0, w.transferredBytes()),
                add(tcpRetransmits, w.tcpRetransmits()), add(udpPackets, w.udpPackets()),
                add(udpLostPackets, w.udpLostPackets()), add(udpOutOfOrderPackets, w.udpOutOfOrderPackets()));
    }

    private static OptionalLong add(OptionalLong total, OptionalLong more) {
        if (more.isEmpty()) {
            return total;
        }
        return OptionalLong.of(total.orElse(0) + Math.max(0, more.getAsLong()));
    }
}
