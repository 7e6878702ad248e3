package io.iperf3j.session.internal.result;

import io.iperf3j.Direction;
import io.iperf3j.IntervalMetrics;
import io.iperf3j.Role;
import io.iperf3j.Transport;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Builds {@link IntervalMetrics} for the parsers. Pure. */
final class Samples {
    private Samples() {
    }

    /** A sample with only the fields iperf2 gives (bytes, rate; UDP loss and jitter on the receiver). */
    static IntervalMetrics basic(Role role, Direction direction, Transport transport, double timestamp, double start,
            double end, long bytes, double bitsPerSecond, int streams, OptionalLong udpPackets, OptionalLong udpLost,
            OptionalLong udpOutOfOrder, OptionalDouble jitterSeconds) {
        return new IntervalMetrics(role, direction, transport, timestamp, start, end, end - start, bytes, bitsPerSecond,
                streams, false, OptionalInt.empty(), OptionalLong.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), udpPackets, udpLost,
                udpOutOfOrder, jitterSeconds);
    }
}
