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
        write(out, title, runs, session, sessionDir, history, null);
    }

    /** @param staleAfter with a history: {@code history.stale_after_seconds}, the span chosen by {@code --stale-after}, or null */
    public static void write(Writer out, String title, List<RunDocument> runs, List<SessionTest> session, String sessionDir,
            History history, java.time.Duration staleAfter) throws IOException {
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
            writeHistory(g, history, staleAfter);
        }
        g.writeEndObject();
        g.flush();
    }

    /**
     * {@code history}: the files read (or the Prometheus query), the limit, and per test its labels, totals and points as columns
     * ({@code first_run}, {@code last_run}, {@code time} (unix seconds, null when the lines had none),
     * {@code ok}, {@code failed}, {@code skipped}, then the means of {@link HistorySeries#FIGURES}).
     */
    private static void writeHistory(JsonGenerator g, History h, java.time.Duration staleAfter) throws IOException {
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
        g.writeNumberField("newest_run", h.newestRun());
        boolean timed = true;
        for (HistorySeries s : h.tests()) {
            for (int i = 0; i < s.points() && timed; i++) {
                timed = !Double.isNaN(s.time(i));
            }
        }
        g.writeBooleanField("timed", timed);
        if (staleAfter != null) {
            g.writeNumberField("stale_after_seconds", staleAfter.toSeconds());
        }
        boolean packed = h.tests().size() > PageWriter.EAGER_LIMIT;
        if (packed) {
            g.writeArrayFieldStart("packed_columns");
            for (String c : POINT_COLUMNS) {
                g.writeString(c);
            }
            g.writeEndArray();
        }
        writeSeconds(g, "newest_time", h.newestTime());
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
            // the latest result (ok or failed), which the page ages against newest_time; a rotating test's cycle
            g.writeNumberField("last_result_run", s.lastResultRun());
            writeSeconds(g, "last_result_time", s.lastResultTime());
            if (s.cycleRuns() > 0) {
                g.writeNumberField("cycle_runs", s.cycleRuns());
            }
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
            if (packed) {
                // a fleet's history: what the overview needs at hand, the points as one string parsed when the test is opened
                int n = s.points();
                g.writeNumberField("point_count", n);
                g.writeNumberField("first_run", n == 0 ? 0 : s.firstRun(0));
                g.writeNumberField("last_run", n == 0 ? 0 : s.lastRun(n - 1));
                g.writeFieldName("last_bps");
                number(g, n == 0 ? Double.NaN : s.mean(0, n - 1), true);
                java.io.StringWriter points = new java.io.StringWriter();
                try (JsonGenerator p = FACTORY.createGenerator(points)) {
                    p.writeStartArray();
                    writePoints(p, s, false);
                    p.writeEndArray();
                }
                g.writeStringField("points_packed", points.toString());
            } else {
                g.writeObjectFieldStart("points");
                writePoints(g, s, true);
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A history test's point columns, in the order a packed test ({@code points_packed}) holds them. */
    private static final List<String> POINT_COLUMNS = java.util.stream.Stream.concat(
            java.util.stream.Stream.of("first_run", "last_run", "time", "ok", "failed", "skipped"),
            java.util.Arrays.stream(HistorySeries.FIGURES)).toList();

    /** A test's points as columns ({@link #POINT_COLUMNS}): named fields of an object, or arrays one after another. */
    private static void writePoints(JsonGenerator g, HistorySeries s, boolean named) throws IOException {
        int n = s.points();
        longColumn(g, named ? "first_run" : null, n, s::firstRun);
        longColumn(g, named ? "last_run" : null, n, s::lastRun);
        doubleColumn(g, named ? "time" : null, n, s::time, false);
        longColumn(g, named ? "ok" : null, n, s::ok);
        longColumn(g, named ? "failed" : null, n, s::failed);
        longColumn(g, named ? "skipped" : null, n, s::skipped);
        for (int f = 0; f < HistorySeries.FIGURES.length; f++) {
            int figure = f;
            String key = HistorySeries.FIGURES[f];
            doubleColumn(g, named ? key : null, n, i -> s.mean(figure, i), key.endsWith("bits_per_second"));
        }
    }

    /** Unix seconds to the millisecond (as tests.jsonl keeps them), null when NaN. */
    private static void writeSeconds(JsonGenerator g, String key, double seconds) throws IOException {
        if (Double.isNaN(seconds)) {
            g.writeNullField(key);
        } else {
            g.writeNumberField(key, Math.round(seconds * 1000) / 1000.0);
        }
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

    /** A column as a named field, or (name null) as the next array value. */
    private static void longColumn(JsonGenerator g, String name, int n, IntToLongFunction value) throws IOException {
        startArray(g, name);
        for (int i = 0; i < n; i++) {
            g.writeNumber(value.applyAsLong(i));
        }
        g.writeEndArray();
    }

    private static void doubleColumn(JsonGenerator g, String name, int n, IntToDoubleFunction value, boolean wholeNumbers)
            throws IOException {
        startArray(g, name);
        for (int i = 0; i < n; i++) {
            number(g, value.applyAsDouble(i), wholeNumbers);
        }
        g.writeEndArray();
    }

    private static void startArray(JsonGenerator g, String name) throws IOException {
        if (name == null) {
            g.writeStartArray();
        } else {
            g.writeArrayFieldStart(name);
        }
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
