package io.iperf3j.export;

import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.MetricEvent;
import io.iperf3j.Role;
import io.iperf3j.WindowMetrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * Which samples a Prometheus exposition carries, as iperf3-rs: sums only (no
 * per-stream samples), and one direction per side. A {@code --bidir} test reports
 * both halves; like iperf3-rs the client exports its sending half and the server
 * its receiving half, since both halves would otherwise be the same series. The
 * other half of an interval is dropped when the preferred half of the same
 * interval (same role, start and end) came before it, which is the order the
 * engine reports them in; outside {@code --bidir} a side has one direction, so
 * every sum passes. {@link MetricEvent.Gauges} always pass. Thread-safe.
 */
final class HalfSelection {
    private final Map<Role, double[]> lastPreferred = new EnumMap<>(Role.class);

    synchronized boolean accept(MetricEvent event) {
        return switch (event) {
            case MetricEvent.Interval(IntervalMetrics m) ->
                    m.streamId().isEmpty() && accept(m.role(), m.direction(), m.startSeconds(), m.endSeconds());
            case MetricEvent.Window(WindowMetrics w) ->
                    w.streamId().isEmpty() && accept(w.role(), w.direction(), w.startSeconds(), w.endSeconds());
            case MetricEvent.Gauges g -> true; // one set per instance, no halves
        };
    }

    private boolean accept(Role role, Direction direction, double start, double end) {
        Direction preferred = role == Role.CLIENT ? Direction.SENDER : Direction.RECEIVER;
        if (direction == preferred) {
            lastPreferred.put(role, new double[] {start, end});
            return true;
        }
        double[] last = lastPreferred.get(role);
        return last == null || last[0] != start || last[1] != end;
    }
}
