package io.iperf3j.report.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.iperf3j.report.PairChange;
import io.iperf3j.report.PairChange.Figures;
import io.iperf3j.report.PairChange.Verdict;
import io.iperf3j.report.RunComparison;

import java.io.IOException;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code report --compare --json}: one object, {@code baseline}, {@code current}, {@code threshold_percent},
 * {@code gate} (whether {@code --fail-below} was given), {@code regressed}, {@code counts} (verdict → pairs) and
 * {@code pairs}, each with {@code id}, {@code sender}, {@code receiver}, {@code direction}, {@code protocol},
 * {@code kind}, {@code half}, {@code verdict}, {@code change_percent} (null when not computed),
 * {@code tolerance_percent}, and {@code baseline} / {@code current} (null when absent): {@code runs}, {@code failed},
 * {@code median_bits_per_second}, {@code spread_percent} (null under 3 runs) and {@code error}.
 */
public final class CompareJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private CompareJson() {
    }

    public static void write(RunComparison c, boolean gate, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("baseline", c.baseline());
            g.writeStringField("current", c.current());
            number(g, "threshold_percent", c.thresholdPercent());
            g.writeBooleanField("gate", gate);
            g.writeBooleanField("regressed", c.regressed());
            Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
            for (PairChange p : c.pairs()) {
                counts.merge(p.verdict(), 1, Integer::sum);
            }
            g.writeObjectFieldStart("counts");
            for (Verdict v : Verdict.values()) {
                g.writeNumberField(v.word(), counts.getOrDefault(v, 0));
            }
            g.writeEndObject();
            g.writeArrayFieldStart("pairs");
            for (PairChange p : c.pairs()) {
                g.writeStartObject();
                g.writeStringField("id", p.id());
                g.writeStringField("sender", p.sender());
                g.writeStringField("receiver", p.receiver());
                g.writeStringField("direction", p.direction());
                g.writeStringField("protocol", p.protocol());
                g.writeStringField("kind", p.kind());
                g.writeStringField("half", p.half());
                g.writeStringField("verdict", p.verdict().word());
                number(g, "change_percent", p.changePercent());
                number(g, "tolerance_percent", p.tolerancePercent());
                figures(g, "baseline", p.baseline());
                figures(g, "current", p.current());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
        out.flush();
    }

    private static void figures(JsonGenerator g, String name, Figures f) throws IOException {
        if (f == null) {
            g.writeNullField(name);
            return;
        }
        g.writeObjectFieldStart(name);
        g.writeNumberField("runs", f.runs());
        g.writeNumberField("failed", f.failed());
        number(g, "median_bits_per_second", f.medianBitsPerSecond());
        number(g, "spread_percent", f.spreadPercent());
        if (f.error() == null) {
            g.writeNullField("error");
        } else {
            g.writeStringField("error", f.error());
        }
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String name, double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNullField(name);
        } else if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
            g.writeNumberField(name, (long) v);
        } else {
            g.writeNumberField(name, v);
        }
    }
}
