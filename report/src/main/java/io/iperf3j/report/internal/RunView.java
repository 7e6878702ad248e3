package io.iperf3j.report.internal;

import java.util.List;
import java.util.Map;

/**
 * The intervals of a run as one side reported them: the client's document, or the server's
 * ({@code server_output_json} of {@code --get-server-output}).
 *
 * @param side "client" or "server"
 * @param start interval start times, seconds since the test started
 * @param end interval end times
 * @param omitted whether each interval fell in the {@code -O} warm-up
 * @param series the sums and streams, each with arrays as long as {@code start}
 * @param latency each interval's {@code latency} figures of an {@code iperf3j --latency} run (count, lost,
 *                min_us ... max_us; NaN where an interval had none), keyed as in the input; empty when
 *                no interval had any
 */
public record RunView(String side, double[] start, double[] end, boolean[] omitted, List<Series> series,
                      Map<String, double[]> latency) {
    public int intervals() {
        return start.length;
    }
}
