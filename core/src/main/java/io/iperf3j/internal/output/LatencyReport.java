package io.iperf3j.internal.output;

import io.iperf3j.RttFigures;
import io.iperf3j.internal.format.CFormat;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.stats.LatencyRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.iperf3j.internal.format.UnitFormat.ms;

/**
 * The text and JSON of {@code --latency} (docs/design/latency.md): a column on interval lines, a block
 * after the summary with one line per phase, and the verdict; the {@code latency} objects of
 * {@code -J}/{@code --json-stream}. Pure functions of the figures; the test thread calls them. Numbers
 * are rounded as glibc's {@code %.Nf} ({@link io.iperf3j.internal.format.UnitFormat#ms}, {@link CFormat#fixed}),
 * as iperf3's printf output is, and as the HTML report's units.js writes them.
 */
final class LatencyReport {
    /** Appended to the interval header when the option is on. */
    static final String HEADER_COLUMN = "  RTT p50/p99";

    private LatencyReport() {
    }

    /** The interval lines' column: {@code "  p50/p99 ms"}, or {@code "  -"} when no probe was answered. */
    static String column(RttFigures f) {
        if (f == null) {
            return "";
        }
        if (!f.hasSamples()) {
            return "  -" + (f.lost() > 0 ? " (" + f.lost() + " lost)" : "");
        }
        return "  " + ms(f.p50Micros()) + "/" + ms(f.p99Micros()) + " ms" + (f.lost() > 0 ? " (" + f.lost() + " lost)" : "");
    }

    /** The block printed after iperf3's summary. */
    static List<String> lines(LatencyRecord r) {
        List<String> out = new ArrayList<>();
        out.add(TextFormats.SEPARATOR);
        if (r.unavailable != null) {
            out.add("Latency: not measured - " + r.unavailable);
            return out;
        }
        out.add("Latency (round trip of a UDP probe every " + r.intervalMs + " ms, in ms):");
        out.add(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %9s %7s %5s", "", "min", "p50", "p90", "p99", "max",
                "count", "lost"));
        phaseLine(out, "idle", r.idle);
        phaseLine(out, "loaded", r.loaded);
        phaseLine(out, "tail", r.tail);
        out.add(verdict(r));
        return out;
    }

    private static void phaseLine(List<String> out, String name, RttFigures f) {
        if (f == null) {
            return;
        }
        out.add(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %9s %7d %5d", name, ms(f.minMicros()), ms(f.p50Micros()),
                ms(f.p90Micros()), ms(f.p99Micros()), ms(f.maxMicros()), f.count(), f.lost()));
    }

    /** The one line to act on: loaded p50 minus idle p50, and their ratio. */
    static String verdict(LatencyRecord r) {
        if (r.idle == null || r.loaded == null || !r.idle.hasSamples() || !r.loaded.hasSamples()) {
            return "Latency under load: not enough answered probes (idle " + count(r.idle) + ", loaded " + count(r.loaded) + ")";
        }
        double added = r.loaded.p50Micros() - r.idle.p50Micros();
        return "Latency under load: " + (added >= 0 ? "+" : "-") + ms(Math.abs(added)) + " ms (p50 " + ms(r.idle.p50Micros())
                + " ms idle, " + ms(r.loaded.p50Micros()) + " ms loaded: " + ratio(r) + "x)";
    }

    private static long count(RttFigures f) {
        return f == null ? 0 : f.count();
    }

    private static String ratio(LatencyRecord r) {
        double x = r.loaded.p50Micros() / r.idle.p50Micros();
        return CFormat.fixed(x, x >= 10 ? 0 : 2);
    }

    /** {@code end.latency}. */
    static JsonObject json(LatencyRecord r) {
        JsonObject o = new JsonObject().put("interval_ms", r.intervalMs);
        if (r.unavailable != null) {
            return o.put("error", r.unavailable);
        }
        o.put("idle_seconds", r.idleSeconds).put("tail_seconds", r.tailSeconds);
        if (r.idle != null) {
            o.put("idle", phase(r.idle));
        }
        if (r.loaded != null) {
            o.put("loaded", phase(r.loaded));
        }
        if (r.tail != null) {
            o.put("tail", phase(r.tail));
        }
        if (r.idle != null && r.loaded != null && r.idle.hasSamples() && r.loaded.hasSamples()) {
            o.put("added_p50_us", r.loaded.p50Micros() - r.idle.p50Micros())
                    .put("p50_ratio", r.loaded.p50Micros() / r.idle.p50Micros());
        }
        return o;
    }

    /**
     * A phase of {@code end.latency}: as {@link #json(RttFigures)}, and {@code cdf}, the distribution as
     * {@code [[percentile, rtt_us], ...]} at {@link RttFigures#CDF_PERCENTILES}, when the probe gave one.
     * Only phases have it (an interval's object stays as small as before).
     */
    static JsonObject phase(RttFigures f) {
        JsonObject o = json(f);
        if (f.hasSamples() && !f.cdfMicros().isEmpty()) {
            List<Object> cdf = new ArrayList<>();
            for (int i = 0; i < f.cdfMicros().size(); i++) {
                cdf.add(List.of(RttFigures.CDF_PERCENTILES.get(i), f.cdfMicros().get(i)));
            }
            o.put("cdf", cdf);
        }
        return o;
    }

    /** One span's figures: count and lost always, the times (µs) when a probe was answered. */
    static JsonObject json(RttFigures f) {
        JsonObject o = new JsonObject().put("count", f.count()).put("lost", f.lost());
        if (f.hasSamples()) {
            o.put("min_us", f.minMicros()).put("p50_us", f.p50Micros()).put("p90_us", f.p90Micros())
                    .put("p99_us", f.p99Micros()).put("max_us", f.maxMicros());
        }
        return o;
    }
}
