package io.iperf3j;

import java.util.List;
import java.util.Optional;

/**
 * One element of iperf3's {@code intervals}.
 *
 * @param streams the per-stream figures, in the document's order
 * @param sum the sum over the streams (of the main direction in a bidir test)
 * @param sumBidirReverse the sum of the reverse direction of a {@code --bidir} test
 * @param latency the interval's probe figures of {@code iperf3j --latency}
 */
public record IperfInterval(List<IperfSample> streams, IperfSample sum, Optional<IperfSample> sumBidirReverse,
                            Optional<RttFigures> latency) {
    /** Copies {@code streams}. */
    public IperfInterval {
        streams = List.copyOf(streams);
    }
}
