package io.iperf3j.report.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.function.IntToLongFunction;

/**
 * Writes the page's data model: the JSON the page's script draws from (runs with their
 * summaries and per-interval columns, and the session's tests). Missing values are null.
 * Bit rates are rounded to whole bits per second and times to microseconds (iperf3's own
 * resolution); the raw inputs embedded beside the model keep every digit.
 *
 * <p>{@code <}, {@code >} and {@code &} are written as {@code \\u003c} etc., so the JSON can sit
 * inside a {@code <script>} element whatever the inputs' strings hold.
 */
public final class ModelWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = new JsonFactory(MAPPER);

    private ModelWriter() {
    }

    public static void write(Writer out, String title, List<RunDocument> runs, List<SessionTest> session, String sessionDir,
            History history) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out);
        g.setCharacterEscapes(new HtmlSafeEscapes());
        g.writeStartObject();
        g.writeStringField("title", title);
        g.writeArrayFieldStart("runs");
        for (int i = 0; i < runs.size(); i++) {
            writeRun(g, i, runs.get(i));
        }
        g.writeEndArray();
        if (session != null) {
            g.writeObjectFieldStart("session");
            g.writeStringField("dir", sessionDir);
            g.writeArrayFieldStart("tests");
            for (SessionTest t : session) {
                g.writeStartObject();
                g.writeStringField("id", t.id());
                g.writeStringField("sender", t.sender());
                g.writeStringField("receiver", t.receiver());
                g.writeStringField("direction", t.direction());
                g.writeStringField("protocol", t.protocol());
                g.writeStringField("kind", t.kind());
                g.writeNumberField("repeat", t.repeat());
                g.writeStringField("status", t.status());
                g.writeStringField("error", t.error());
                nullableNumber(g, "sent_bits_per_second", t.sentBitsPerSecond());
                nullableNumber(g, "received_bits_per_second", t.receivedBitsPerSecond());
                if (t.receivedBytes() == null) {
                    g.writeNullField("received_bytes");
                } else {
                    g.writeNumberField("received_bytes", t.receivedBytes());
                }
                nullableNumber(g, "reverse_received_bits_per_second", t.reverseReceivedBitsPerSecond());
                g.writeNumberField("run", t.run());
                g.writeStringField("note", t.note());
                if (!t.why().isEmpty()) {
                    g.writeArrayFieldStart("why");
                    for (SessionTest.Why w : t.why()) {
                        g.writeStartObject();
                        g.writeStringField("from", w.from());
                        g.writeStringField("to", w.to());
                        g.writeStringField("cause", w.cause());
                        g.writeStringField("headline", w.headline());
                        g.writeStringField("reason", w.reason());
                        g.writeStringField("remedy", w.remedy());
                        g.writeStringField("confidence", w.confidence());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        if (history != null) {
            writeHistory(g, history);
        }
        g.writeEndObject();
        g.flush();
    }

    /**
     * {@code history}: the files read (or the Prometheus query), the limit, and per test its labels, totals and points as columns
     * ({@code first_run}, {@code last_run}, {@code time} (unix seconds, null when the lines had none),
     * {@code ok}, {@code failed}, {@code skipped}, then the means of {@link HistorySeries#FIGURES}).
     */
    private static void writeHistory(JsonGenerator g, History h) throws IOException {
        g.writeObjectFieldStart("history");
        g.writeStringField("dir", h.dir());
        g.writeArrayFieldStart("files");
        for (String f : h.files()) {
            g.writeString(f);
        }
        g.writeEndArray();
        g.writeStringField("query", h.query());
        g.writeNumberField("lines", h.lines());
        g.writeNumberField("max_points", h.maxPoints());
        g.writeArrayFieldStart("tests");
        for (HistorySeries s : h.tests()) {
            g.writeStartObject();
            g.writeStringField("id", s.id());
            g.writeStringField("sender", s.sender());
            g.writeStringField("receiver", s.receiver());
            g.writeStringField("direction", s.direction());
            g.writeStringField("protocol", s.protocol());
            g.writeStringField("kind", s.kind());
            g.writeNumberField("ok", s.okTotal());
            g.writeNumberField("failed", s.failedTotal());
            g.writeNumberField("skipped", s.skippedTotal());
            g.writeStringField("last_status", s.lastStatus());
            g.writeStringField("last_error", s.lastError());
            g.writeNumberField("last_error_run", s.lastErrorRun());
            if (!s.lastWhy().isEmpty()) {
                // what held the last ok run with a verdict back (--why), each direction's
                g.writeNumberField("last_why_run", s.lastWhyRun());
                g.writeArrayFieldStart("last_why");
                for (HistorySeries.Why w : s.lastWhy()) {
                    g.writeStartObject();
                    g.writeStringField("from", w.from());
                    g.writeStringField("to", w.to());
                    g.writeStringField("cause", w.cause());
                    g.writeStringField("headline", w.headline());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeNumberField("width", s.width());
            g.writeObjectFieldStart("points");
            int n = s.points();
            longColumn(g, "first_run", n, s::firstRun);
            longColumn(g, "last_run", n, s::lastRun);
            doubleColumn(g, "time", n, s::time, false);
            longColumn(g, "ok", n, s::ok);
            longColumn(g, "failed", n, s::failed);
            longColumn(g, "skipped", n, s::skipped);
            for (int f = 0; f < HistorySeries.FIGURES.length; f++) {
                int figure = f;
                String key = HistorySeries.FIGURES[f];
                doubleColumn(g, key, n, i -> s.mean(figure, i), key.endsWith("bits_per_second"));
            }
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void writeRun(JsonGenerator g, int index, RunDocument run) throws IOException {
        g.writeStartObject();
        g.writeNumberField("index", index);
        g.writeStringField("label", run.label());
        g.writeStringField("error", run.error());
        g.writeFieldName("summary");
        MAPPER.writeTree(g, run.summary());
        g.writeBooleanField("raw", run.raw() != null);
        g.writeArrayFieldStart("views");
        for (RunView v : run.views()) {
            g.writeStartObject();
            g.writeStringField("side", v.side());
            g.writeNumberField("intervals", v.intervals());
            g.writeFieldName("start");
            column(g, v.start(), false);
            g.writeFieldName("end");
            column(g, v.end(), false);
            g.writeArrayFieldStart("omitted");
            for (int i = 0; i < v.omitted().length; i++) {
                if (v.omitted()[i]) {
                    g.writeNumber(i);
                }
            }
            g.writeEndArray();
            g.writeArrayFieldStart("series");
            for (Series s : v.series()) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                g.writeBooleanField("stream", s.stream());
                g.writeBooleanField("c2s", s.clientToServer());
                g.writeBooleanField("sender", s.sender());
                g.writeObjectFieldStart("metrics");
                for (Map.Entry<String, double[]> m : s.metrics().entrySet()) {
                    g.writeFieldName(m.getKey());
                    column(g, m.getValue(), m.getKey().equals("bits_per_second"));
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!v.latency().isEmpty()) {
                g.writeObjectFieldStart("latency");
                for (Map.Entry<String, double[]> m : v.latency().entrySet()) {
                    g.writeFieldName(m.getKey());
                    column(g, m.getValue(), false);
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void longColumn(JsonGenerator g, String name, int n, IntToLongFunction value) throws IOException {
        g.writeArrayFieldStart(name);
        for (int i = 0; i < n; i++) {
            g.writeNumber(value.applyAsLong(i));
        }
        g.writeEndArray();
    }

    private static void doubleColumn(JsonGenerator g, String name, int n, IntToDoubleFunction value, boolean wholeNumbers)
            throws IOException {
        g.writeArrayFieldStart(name);
        for (int i = 0; i < n; i++) {
            number(g, value.applyAsDouble(i), wholeNumbers);
        }
        g.writeEndArray();
    }

    private static void column(JsonGenerator g, double[] values, boolean wholeNumbers) throws IOException {
        g.writeStartArray();
        for (double v : values) {
            number(g, v, wholeNumbers);
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, double v, boolean wholeNumbers) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.writeNull();
        } else if (wholeNumbers || (v == Math.rint(v) && Math.abs(v) < 1e15)) {
            g.writeNumber(Math.round(v));
        } else if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e9) {
            // six decimals: iperf3's microseconds; plenty for jitter in ms, percentages and rates
            double r = Math.round(v * 1e6) / 1e6;
            g.writeNumber(r);
        } else {
            g.writeNumber(v);
        }
    }

    private static void nullableNumber(JsonGenerator g, String key, Double v) throws IOException {
        g.writeFieldName(key);
        if (v == null) {
            g.writeNull();
        } else {
            number(g, v, false);
        }
    }

    /** Escapes the characters that could end or confuse a script element. */
    private static final class HtmlSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] escapes;

        HtmlSafeEscapes() {
            escapes = CharacterEscapes.standardAsciiEscapesForJSON();
            escapes['<'] = CharacterEscapes.ESCAPE_STANDARD;
            escapes['>'] = CharacterEscapes.ESCAPE_STANDARD;
            escapes['&'] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
