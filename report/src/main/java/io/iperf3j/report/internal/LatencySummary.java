package io.iperf3j.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The {@code end.latency} object of an {@code iperf3j -c HOST --latency} run (docs/design/latency.md),
 * as the page draws it: the probe interval, the idle/loaded/tail phases (count, lost, min/p50/p90/p99/max
 * in µs and the phase's {@code cdf}), the verdict ({@code added_p50_us}, {@code p50_ratio}), or the
 * {@code error} that says why nothing was measured. Only iperf3j writes these keys; a run without them
 * has no latency section. Keys absent or not numbers are left out (never shown as 0); a {@code cdf} that
 * is not a list of {@code [percentile, rtt_us]} number pairs, or longer than
 * {@link InputLimits#MAX_CDF_POINTS}, is a bad input.
 */
final class LatencySummary {
    static final List<String> PHASES = List.of("idle", "loaded", "tail");
    /** The keys of a phase object and of an interval's {@code latency} object, in the order tables show them. */
    static final List<String> FIGURES = List.of("count", "lost", "min_us", "p50_us", "p90_us", "p99_us", "max_us");

    private LatencySummary() {
    }

    /** @return the page's copy of {@code latency}, or null when the run has none */
    static ObjectNode of(JsonNode latency, String source) throws InputFormatException {
        if (latency == null || !latency.isObject()) {
            return null;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String key : List.of("interval_ms", "idle_seconds", "tail_seconds", "added_p50_us", "p50_ratio")) {
            copyNumber(latency, key, out);
        }
        JsonNode error = latency.get("error");
        if (error != null && !error.isNull()) {
            out.put("error", Texts.cut(error.isTextual() ? error.asText() : error.toString()));
        }
        for (String phase : PHASES) {
            JsonNode p = latency.get(phase);
            if (p == null || !p.isObject()) {
                continue;
            }
            ObjectNode q = out.putObject(phase);
            for (String key : FIGURES) {
                copyNumber(p, key, q);
            }
            JsonNode cdf = p.get("cdf");
            if (cdf != null && !cdf.isNull()) {
                q.set("cdf", cdf(cdf, source + ": end.latency." + phase + ".cdf"));
            }
        }
        return out;
    }

    private static ArrayNode cdf(JsonNode cdf, String where) throws InputFormatException {
        if (!cdf.isArray()) {
            throw new InputFormatException(where + " is not a list of [percentile, rtt_us] pairs");
        }
        if (cdf.size() > InputLimits.MAX_CDF_POINTS) {
            throw new InputFormatException(where + " has " + cdf.size() + " points, more than the limit of "
                    + InputLimits.MAX_CDF_POINTS);
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode(cdf.size());
        for (int i = 0; i < cdf.size(); i++) {
            JsonNode pair = cdf.get(i);
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isNumber() || !pair.get(1).isNumber()) {
                throw new InputFormatException(where + " point " + (i + 1) + " is not a [percentile, rtt_us] pair of numbers: "
                        + Texts.cut(pair.toString()));
            }
            double percentile = pair.get(0).asDouble();
            if (percentile < 0 || percentile > 100) {
                throw new InputFormatException(where + " point " + (i + 1) + " has percentile " + percentile
                        + ", outside 0..100");
            }
            out.addArray().add(pair.get(0)).add(pair.get(1));
        }
        return out;
    }

    private static void copyNumber(JsonNode from, String key, ObjectNode to) {
        JsonNode v = from.get(key);
        if (v != null && v.isNumber()) {
            to.set(key, v);
        }
    }
}
