package io.iperf3j.export;

import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.Role;
import io.iperf3j.Transport;

import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Hand-made samples for unit tests. */
final class Samples {
    private Samples() {
    }

    static IntervalMetrics tcp(Role role, Direction direction, double start, long bytes, long retrans) {
        return new IntervalMetrics(role, direction, Transport.TCP, 1.7e9 + start, start, start + 1, 1.0, bytes, bytes * 8.0,
                2, false, OptionalInt.empty(), OptionalLong.of(retrans), OptionalDouble.of(0.000123),
                OptionalDouble.of(0.00004), OptionalDouble.of(65536), OptionalDouble.of(131072), OptionalDouble.of(1500),
                OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalDouble.empty());
    }

    static IntervalMetrics udpReceiver(double start, long packets, long lost) {
        return new IntervalMetrics(Role.SERVER, Direction.RECEIVER, Transport.UDP, 1.7e9 + start, start, start + 1, 1.0,
                packets * 1448, packets * 1448 * 8.0, 1, start < 1, OptionalInt.empty(), OptionalLong.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalLong.of(packets), OptionalLong.of(lost), OptionalLong.of(1),
                OptionalDouble.of(0.0002));
    }
}
