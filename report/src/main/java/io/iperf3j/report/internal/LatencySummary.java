package io.iperf3j.report.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iperf3j.IperfLatency;
import io.iperf3j.RttFigures;

import java.util.List;
import java.util.Optional;

/**
 * The {@code end.latency} object of an {@code iperf3j -c HOST --latency} run (docs/design/latency.md), as the
 * page draws it: the probe interval, the idle/loaded/tail phases (count, lost, min/p50/p90/p99/max in µs and the
 * phase's {@code cdf}), the verdict ({@code added_p50_us}, {@code p50_ratio}), or the {@code error} that says why
 * nothing was measured. Core's reader checks the CDF (pairs, 0..100, at most its limit of points); figures absent
 * are left out (never shown as 0).
 */
final class LatencySummary {
    static final List<String> PHASES = List.of("idle", "loaded", "tail");
    /** The keys of a phase object and of an interval's {@code latency} object, in the order tables show them. */
    static final List<String> FIGURES = List.of("count", "lost", "min_us", "p50_us", "p90_us", "p99_us", "max_us");

    private LatencySummary() {
    }

    /** @return the page's copy of {@code latency} */
    static ObjectNode of(IperfLatency latency) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (latency.intervalMs() > 0) {
            out.put("interval_ms", latency.intervalMs());
        }
        latency.idleSeconds().ifPresent(v -> RunSummary.number(out, "idle_seconds", v));
        latency.tailSeconds().ifPresent(v -> RunSummary.number(out, "tail_seconds", v));
        latency.addedP50Micros().ifPresent(v -> RunSummary.number(out, "added_p50_us", v));
        latency.p50Ratio().ifPresent(v -> RunSummary.number(out, "p50_ratio", v));
        latency.error().ifPresent(e -> out.put("error", Texts.cut(e)));
        List<Optional<IperfLatency.Phase>> phases = List.of(latency.idle(), latency.loaded(), latency.tail());
        for (int i = 0; i < PHASES.size(); i++) {
            if (phases.get(i).isEmpty()) {
                continue;
            }
            IperfLatency.Phase p = phases.get(i).get();
            ObjectNode q = out.putObject(PHASES.get(i));
            RttFigures f = p.figures();
            q.put("count", f.count());
            q.put("lost", f.lost());
            double[] values = {f.minMicros(), f.p50Micros(), f.p90Micros(), f.p99Micros(), f.maxMicros()};
            for (int k = 0; k < values.length; k++) {
                RunSummary.number(q, FIGURES.get(k + 2), values[k]);
            }
            if (!p.cdf().isEmpty()) {
                ArrayNode cdf = q.putArray("cdf");
                for (IperfLatency.CdfPoint point : p.cdf()) {
                    ArrayNode pair = cdf.addArray();
                    add(pair, point.percentile());
                    add(pair, point.rttMicros());
                }
            }
        }
        return out;
    }

    private static void add(ArrayNode a, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            a.add((long) v);
        } else {
            a.add(v);
        }
    }
}
