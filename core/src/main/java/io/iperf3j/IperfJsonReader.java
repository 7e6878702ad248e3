package io.iperf3j;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads iperf3's {@code -J} output (one or more documents, as a server without {@code -1} prints one per test)
 * and its {@code --json-stream} output (3.17+; {@code --json-stream-full-output}, 3.20+, too), of iperf3 3.12 to 3.21
 * and of iperf3j, into typed {@link IperfRun}s. Pure and thread-safe. Never throws for bad input: a
 * {@link IperfJsonRead.Rejected} says why.
 *
 * <p>Reading rules: a number is a number or absent ({@code null}, which cJSON writes for NaN, and a string
 * are absent, the latter with a note); an integer of 2^63 or more is {@code v - 2^64} (3.12 prints −1 as
 * 2^64 − 1) and a negative count is absent; of duplicate keys the first wins, as cJSON's lookup; a sum
 * without {@code sender} is the sender's when the side (client, or server with {@code -R}) sends, flipped for
 * {@code sum_bidir_reverse}; the stream form is told by the first key {@code event}; a {@code start} event after
 * {@code end} opens the next run; the document after the events ({@code -full}) is checked against them, not
 * counted twice; a cut last line of a stream gives an incomplete run and a note, a broken line before it is
 * {@link IperfJsonRead.Reason#NOT_JSON}; an interval without an object {@code sum}, or a sum without numeric
 * {@code bytes}, is {@link IperfJsonRead.Reason#BAD_VALUE}.
 */
public final class IperfJsonReader {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final int MAX_NOTES = 100;
    private static final String NOT_IPERF3 = "not an iperf3 -J or --json-stream output";

    /**
     * Writes a value that is not a string where the reader keeps text ({@code error}, {@code title},
     * {@code extra_data}, a bad CDF point in a message) as compact JSON. Jackson's generator and not
     * {@code CJsonWriter}: the values are the read tree's ({@code Double}s printed by {@link Double#toString},
     * as before), which {@code CJsonWriter} would print as cJSON's {@code %g}; and it takes a {@code JsonObject}.
     * Set to keep the text these fields always had: control characters other than {@code \n} as lower-case
     * backslash-{@code u00xx}, NaN and infinities bare; no depth bound, as the tree's depth was bounded when read.
     */
    private static final JsonFactory COMPACT = new JsonFactoryBuilder()
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .characterEscapes(new ShortNewlineOnly())
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
            .build();

    /** JSON's escapes, but {@code \b \t \f \r} as backslash-{@code u00xx}: only {@code \n} has a short form. */
    private static final class ShortNewlineOnly extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        ShortNewlineOnly() {
            for (char c : new char[] {'\b', '\t', '\f', '\r'}) {
                ascii[c] = ESCAPE_STANDARD;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    private IperfJsonReader() {
    }

    /**
     * Receives each interval of a streamed read, in input order.
     */
    @FunctionalInterface
    public interface IntervalSink {
        /**
         * @param run the run's index in the input (0 for the first)
         * @param role the side that printed the run, if its {@code start} said so
         * @param interval the interval
         */
        void accept(int run, Optional<Role> role, IperfInterval interval);
    }

    /** Reads with {@link IperfJsonLimits#DEFAULT}, keeping the intervals. */
    public static IperfJsonRead read(String text) {
        return read(text, IperfJsonLimits.DEFAULT);
    }

    /** Reads with the given limits ({@code maxBytes} counts chars), keeping the intervals. */
    public static IperfJsonRead read(String text, IperfJsonLimits limits) {
        try {
            return new Reading(limits, null).run(new StringReader(text));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string", e);
        }
    }

    /**
     * Reads a file, keeping the intervals; its size is checked against {@code maxBytes} before it is opened.
     *
     * @throws IOException only if the file cannot be read
     */
    public static IperfJsonRead read(Path file, IperfJsonLimits limits) throws IOException {
        long size = Files.size(file);
        if (size > limits.maxBytes()) {
            return over(size + " bytes, more than the limit of " + limits.maxBytes() + " bytes");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return readStream(in, limits, null);
        }
    }

    /**
     * Reads a stream, handing each interval to {@code sink} instead of keeping it: the runs' {@code intervals()}
     * are empty, their {@code intervalCount()} counts. The stream is not closed.
     *
     * @throws IOException only if the stream cannot be read
     */
    public static IperfJsonRead read(InputStream in, IperfJsonLimits limits, IntervalSink sink) throws IOException {
        return readStream(in, limits, java.util.Objects.requireNonNull(sink, "sink"));
    }

    private static IperfJsonRead readStream(InputStream in, IperfJsonLimits limits, IntervalSink sink) throws IOException {
        Reader text = new InputStreamReader(in, StandardCharsets.UTF_8) {
            @Override
            public void close() {
                // the caller's stream stays open
            }
        };
        return new Reading(limits, sink).run(text);
    }

    private static IperfJsonRead.Rejected over(String message) {
        return new IperfJsonRead.Rejected(IperfJsonRead.Reason.OVER_LIMIT, message, 0, 0);
    }

    /** A rejection found while mapping a value. */
    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;
        final transient IperfJsonRead.Rejected rejected;

        Reject(IperfJsonRead.Reason reason, String message, long line, long column) {
            super(message, null, false, false);
            rejected = new IperfJsonRead.Rejected(reason, message, line, column);
        }
    }

    /** The input is longer than {@code maxBytes}. */
    private static final class OverLimit extends IOException {
        private static final long serialVersionUID = 1L;

        OverLimit() {
            super("over maxBytes", null);
        }
    }

    /** Counts the chars pulled from the source; more than the limit is {@link OverLimit}. */
    private static final class CountingReader extends Reader {
        private final Reader in;
        private final long max;
        private long count;

        CountingReader(Reader in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                count += n;
                if (count > max) {
                    throw new OverLimit();
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** JSON null. */
    private enum Null { NULL }

    /** One read: its limits, sink, notes and runs. */
    private static final class Reading {
        /** What {@link #looksLikeStream} reads before the reader is reset to its start. */
        private static final int LOOK_AHEAD = 4096;
        private final IperfJsonLimits limits;
        private final IntervalSink sink;
        private final JsonFactory factory;
        private final List<String> notes = new ArrayList<>();
        private final List<IperfRun> runs = new ArrayList<>();
        private long line;

        Reading(IperfJsonLimits limits, IntervalSink sink) {
            this.limits = limits;
            this.sink = sink;
            this.factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
                    .maxDocumentLength(limits.maxBytes() == Long.MAX_VALUE ? -1 : limits.maxBytes())
                    .maxNestingDepth(limits.maxDepth())
                    .maxStringLength(limits.maxStringChars())
                    .build()).build();
        }

        IperfJsonRead run(Reader source) throws IOException {
            // 8 Ki chars, the JDK's default, more than looksLikeStream's look ahead: at 1 << 16 each read allocated 128 KiB,
            // a quarter of a session controller's allocation a test (two outputs a test; issue 69)
            BufferedReader text = new BufferedReader(new CountingReader(source, limits.maxBytes()), LOOK_AHEAD * 2);
            try {
                return run(text);
            } catch (OverLimit e) {
                return over("the input is more than the limit of " + limits.maxBytes() + " chars");
            }
        }

        private IperfJsonRead run(BufferedReader text) throws IOException {
            text.mark(LOOK_AHEAD);
            boolean stream = looksLikeStream(text);
            text.reset();
            try {
                if (stream) {
                    readEvents(text);
                } else {
                    try (JsonParser p = factory.createParser(text)) {
                        readDocuments(p);
                    }
                }
            } catch (Reject r) {
                return r.rejected;
            }
            return new IperfJsonRead.Read(runs, notes);
        }

        /** The first key of the first object is {@code event}: reads at most {@link #LOOK_AHEAD} chars. */
        private static boolean looksLikeStream(Reader r) throws IOException {
            char[] head = new char[LOOK_AHEAD];
            int n = 0;
            while (n < head.length) {
                int k = r.read(head, n, head.length - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
            String s = new String(head, 0, n).stripLeading();
            if (!s.startsWith("{")) {
                return false;
            }
            return s.substring(1).stripLeading().startsWith("\"event\"");
        }

        private void note(String text) {
            if (notes.size() < MAX_NOTES) {
                notes.add(text);
            } else if (notes.size() == MAX_NOTES) {
                notes.add("more notes left out");
            }
        }

        private Reject notJson(JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            long l = at == null ? 0 : at.getLineNr();
            long c = at == null ? 0 : at.getColumnNr();
            if (e instanceof StreamConstraintsException) {
                return new Reject(IperfJsonRead.Reason.OVER_LIMIT, "over a limit: " + e.getOriginalMessage(), l, c);
            }
            return new Reject(IperfJsonRead.Reason.NOT_JSON, "not valid JSON at line " + l + ", column " + c + ": "
                    + e.getOriginalMessage(), l, c);
        }

        // ---------------------------------------------------------------- -J

        private void readDocuments(JsonParser p) throws IOException, Reject {
            JsonToken t;
            try {
                t = p.nextToken();
            } catch (JsonProcessingException e) {
                throw notJson(e);
            }
            if (t == null) {
                throw new Reject(IperfJsonRead.Reason.EMPTY, "empty file, " + NOT_IPERF3, 0, 0);
            }
            if (t != JsonToken.START_OBJECT) {
                throw new Reject(IperfJsonRead.Reason.NOT_IPERF3,
                        NOT_IPERF3 + " (it does not start with a JSON object)", 1, 1);
            }
            while (t != null) {
                if (t != JsonToken.START_OBJECT) {
                    throw new Reject(IperfJsonRead.Reason.NOT_IPERF3, "a JSON value that is not an object after document "
                            + runs.size() + " at " + where(p), p.currentLocation().getLineNr(), p.currentLocation().getColumnNr());
                }
                if (runs.size() >= limits.maxRuns()) {
                    throw new Reject(IperfJsonRead.Reason.OVER_LIMIT, "more than " + limits.maxRuns()
                            + (limits.maxRuns() == 1 ? " -J document (more JSON after it)" : " -J documents"),
                            p.currentLocation().getLineNr(), p.currentLocation().getColumnNr());
                }
                try {
                    RunBuilder run = new RunBuilder(IperfJsonFormat.JSON, runs.size(), "");
                    readDocument(p, run, true);
                    runs.add(run.build(true));
                    t = p.nextToken();
                } catch (JsonProcessingException e) {
                    if (runs.isEmpty() || e instanceof StreamConstraintsException) {
                        throw notJson(e);
                    }
                    note("document " + (runs.size() + 1) + " is cut or broken and left out: " + notJson(e).getMessage());
                    return;
                }
            }
        }

        /** After the document's opening brace; returns after its closing brace. */
        private void readDocument(JsonParser p, RunBuilder run, boolean top) throws IOException, Reject {
            boolean part = false;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (run.seen.containsKey(field)) {
                    p.skipChildren();
                    continue;
                }
                run.seen.put(field, Boolean.TRUE);
                switch (field) {
                    case "intervals" -> {
                        part = true;
                        if (value != JsonToken.START_ARRAY) {
                            throw new Reject(IperfJsonRead.Reason.BAD_VALUE, run.where + "\"intervals\" is not an array ("
                                    + where(p) + ")", p.currentLocation().getLineNr(), p.currentLocation().getColumnNr());
                        }
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            run.interval(tree(p, "intervals[]"), this);
                        }
                    }
                    case "start", "end", "error", "server_output_json", "server_output_text", "title", "extra_data" -> {
                        part |= !field.startsWith("server") && !field.equals("title") && !field.equals("extra_data");
                        run.part(field, tree(p, field), this);
                    }
                    default -> p.skipChildren();
                }
            }
            if (top && !part) {
                throw new Reject(IperfJsonRead.Reason.NOT_IPERF3, "JSON, but " + NOT_IPERF3
                        + " (no start, intervals, end or error)", 0, 0);
            }
        }

        private static String where(JsonParser p) {
            return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
        }

        // ---------------------------------------------------------------- --json-stream

        private void readEvents(BufferedReader in) throws IOException, Reject {
            RunBuilder run = null;
            String pending = null;
            long pendingLine = 0;
            JsonProcessingException pendingError = null;
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                line++;
                String s = raw.strip();
                if (s.isEmpty()) {
                    continue;
                }
                if (pending != null) {
                    throw new Reject(IperfJsonRead.Reason.NOT_JSON, "not valid JSON at line " + pendingLine + ", column "
                            + pendingError.getLocation().getColumnNr() + ": " + pendingError.getOriginalMessage(),
                            pendingLine, pendingError.getLocation().getColumnNr());
                }
                if (s.equals("{") && run != null) {
                    fullDocument(in, run);
                    run = null;
                    break;
                }
                Map<String, Object> event;
                try (JsonParser p = factory.createParser(s)) {
                    JsonToken t = p.nextToken();
                    if (t != JsonToken.START_OBJECT) {
                        throw new Reject(IperfJsonRead.Reason.NOT_IPERF3, "--json-stream line " + line
                                + " is not a JSON object", line, 1);
                    }
                    event = object(p, "");
                    if (p.nextToken() != null) {
                        throw new Reject(IperfJsonRead.Reason.NOT_IPERF3, "--json-stream line " + line
                                + " holds more than one JSON value", line, 1);
                    }
                } catch (StreamConstraintsException e) {
                    throw notJson(e);
                } catch (JsonProcessingException e) {
                    pending = s;
                    pendingLine = line;
                    pendingError = e;
                    continue;
                }
                if (!(event.get("event") instanceof String kind)) {
                    throw new Reject(IperfJsonRead.Reason.NOT_IPERF3, "--json-stream line " + line
                            + " has no \"event\" key", line, 1);
                }
                Object data = event.getOrDefault("data", Null.NULL);
                if (kind.equals("start") && run != null && run.ended) {
                    runs.add(run.build(true));
                    run = null;
                }
                if (run == null) {
                    if (runs.size() >= limits.maxRuns()) {
                        throw new Reject(IperfJsonRead.Reason.OVER_LIMIT, "more than " + limits.maxRuns()
                                + " runs (a start event at line " + line + ")", line, 1);
                    }
                    run = new RunBuilder(IperfJsonFormat.JSON_STREAM, runs.size(), "line " + line + ": ");
                }
                run.where = "line " + line + ": ";
                switch (kind) {
                    case "start", "end", "error", "server_output_json", "server_output_text" -> run.part(kind, data, this);
                    case "interval" -> run.interval(data, this);
                    default -> note("line " + line + ": unknown event '" + kind + "'");
                }
            }
            if (pending != null) {
                note("line " + pendingLine + " is cut: not valid JSON at line " + pendingLine + ", column "
                        + pendingError.getLocation().getColumnNr() + ": " + pendingError.getOriginalMessage());
                if (run == null) {
                    throw new Reject(IperfJsonRead.Reason.NOT_JSON, "not valid JSON at line " + pendingLine + ", column "
                            + pendingError.getLocation().getColumnNr() + ": " + pendingError.getOriginalMessage(),
                            pendingLine, pendingError.getLocation().getColumnNr());
                }
                runs.add(run.build(false));
                return;
            }
            if (run != null) {
                runs.add(run.build(run.ended));
            }
            if (runs.isEmpty()) {
                throw new Reject(IperfJsonRead.Reason.EMPTY, "empty file, " + NOT_IPERF3, 0, 0);
            }
        }

        /** The {@code -full} form: the document after the events, read to check it, its intervals not counted twice. */
        private void fullDocument(BufferedReader rest, RunBuilder events) throws IOException, Reject {
            long first = line;
            Reader whole = new Reader() {
                private Reader current = new StringReader("{\n");
                private boolean second;

                @Override
                public int read(char[] buf, int off, int len) throws IOException {
                    int n = current.read(buf, off, len);
                    if (n < 0 && !second) {
                        second = true;
                        current = rest;
                        n = current.read(buf, off, len);
                    }
                    return n;
                }

                @Override
                public void close() {
                    // the caller's stream stays open
                }
            };
            RunBuilder doc = new RunBuilder(IperfJsonFormat.JSON_STREAM_FULL, events.index, "the document at line "
                    + first + ": ");
            doc.check = true;
            try (JsonParser p = factory.createParser(whole)) {
                p.nextToken();
                readDocument(p, doc, false);
            } catch (JsonProcessingException e) {
                note("the document after the events (line " + first + ") is cut or broken: " + e.getOriginalMessage());
                runs.add(events.build(events.ended));
                return;
            }
            if (doc.count != events.count) {
                note("the document after the events (line " + first + ") has " + doc.count + " intervals, the events "
                        + events.count);
            }
            events.format = IperfJsonFormat.JSON_STREAM_FULL;
            runs.add(events.build(true));
        }

        // ---------------------------------------------------------------- trees

        /** The value at the parser's current token as a tree of maps (first key wins), lists and scalars. */
        private Object tree(JsonParser p, String path) throws IOException, Reject {
            JsonToken t = p.currentToken();
            return switch (t) {
                case START_OBJECT -> object(p, path);
                case START_ARRAY -> array(p, path);
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> integer(p);
                case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> Null.NULL;
            };
        }

        private Map<String, Object> object(JsonParser p, String path) throws IOException, Reject {
            Map<String, Object> m = new LinkedHashMap<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String key = p.currentName();
                p.nextToken();
                if (m.containsKey(key)) {
                    p.skipChildren();
                } else {
                    // an event's data is named after the event, as the document's key: end.latency.loaded.cdf
                    String child = path.isEmpty() && key.equals("data") && m.get("event") instanceof String event ? event
                            : path.isEmpty() ? key : path + "." + key;
                    m.put(key, tree(p, child));
                }
            }
            return m;
        }

        private List<Object> array(JsonParser p, String path) throws IOException, Reject {
            String key = path.substring(path.lastIndexOf('.') + 1);
            int max = switch (key) {
                case "intervals" -> limits.maxIntervals();
                case "cdf" -> limits.maxCdfPoints();
                default -> limits.maxStreams();
            };
            List<Object> out = new ArrayList<>();
            int n = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                n++;
                if (n > max) {
                    p.skipChildren();
                    continue;
                }
                out.add(tree(p, path + "[]"));
            }
            if (n > max) {
                String what = key.equals("cdf") ? "points" : key.equals("intervals") ? "intervals" : "elements";
                throw new Reject(IperfJsonRead.Reason.OVER_LIMIT, path + " has " + n + " " + what
                        + ", more than the limit of " + max, p.currentLocation().getLineNr(), 0);
            }
            return out;
        }

        private static Object integer(JsonParser p) throws IOException {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                BigInteger v = p.getBigIntegerValue();
                if (v.signum() > 0 && v.compareTo(TWO_64) < 0) {
                    return v.subtract(TWO_64).longValue();
                }
                return v.doubleValue();
            }
            return p.getLongValue();
        }
    }

    /** One run's parts as they arrive. */
    private static final class RunBuilder {
        IperfJsonFormat format;
        final int index;
        final Map<String, Boolean> seen = new LinkedHashMap<>();
        String where;
        boolean check;
        /** The server's run inside a client's: its intervals are kept, never sent to the sink. */
        boolean nested;
        boolean ended;
        int count;
        Optional<IperfRun.Start> start = Optional.empty();
        Map<String, Object> end;
        final List<IperfInterval> intervals = new ArrayList<>();
        Optional<String> error = Optional.empty();
        Optional<String> title = Optional.empty();
        Optional<String> extra = Optional.empty();
        Optional<IperfRun> serverOutput = Optional.empty();
        Optional<String> serverText = Optional.empty();
        private Reading reading;

        RunBuilder(IperfJsonFormat format, int index, String where) {
            this.format = format;
            this.index = index;
            this.where = where;
        }

        private Optional<Role> role() {
            return start.flatMap(IperfRun::roleOf);
        }

        void part(String kind, Object data, Reading r) throws Reject {
            reading = r;
            switch (kind) {
                case "start" -> {
                    if (data instanceof Map<?, ?> m) {
                        start = Optional.of(start(map(m), r));
                    } else {
                        r.note(where + "\"start\" is not an object");
                    }
                }
                case "end" -> {
                    ended = true;
                    if (data instanceof Map<?, ?> m) {
                        end = map(m);
                    }
                }
                case "error" -> {
                    ended |= format != IperfJsonFormat.JSON;
                    if (error.isEmpty() && data != Null.NULL) {
                        error = Optional.of(text(data));
                    }
                }
                case "title" -> title = data == Null.NULL ? title : Optional.of(text(data));
                case "extra_data" -> extra = data == Null.NULL ? extra : Optional.of(text(data));
                case "server_output_text" -> {
                    if (data instanceof String s) {
                        serverText = Optional.of(s);
                    } else {
                        r.note(where + "\"server_output_text\" is not a string");
                    }
                }
                case "server_output_json" -> {
                    if (data instanceof Map<?, ?> m && serverOutput.isEmpty()) {
                        serverOutput = Optional.of(serverRun(map(m), r));
                    } else if (!(data instanceof Map<?, ?>)) {
                        r.note(where + "\"server_output_json\" is not an object");
                    }
                }
                default -> throw new IllegalStateException(kind);
            }
        }

        private IperfRun serverRun(Map<String, Object> doc, Reading r) throws Reject {
            RunBuilder b = new RunBuilder(IperfJsonFormat.JSON, index, where + "server_output_json: ");
            b.nested = true;
            for (Map.Entry<String, Object> e : doc.entrySet()) {
                switch (e.getKey()) {
                    case "intervals" -> {
                        if (!(e.getValue() instanceof List<?> list)) {
                            throw new Reject(IperfJsonRead.Reason.BAD_VALUE, b.where + "\"intervals\" is not an array", 0, 0);
                        }
                        for (Object i : list) {
                            b.interval(i, r);
                        }
                    }
                    case "start", "end", "error" -> b.part(e.getKey(), e.getValue(), r);
                    default -> {
                        // the server's other keys are not read
                    }
                }
            }
            return b.build(true);
        }

        void interval(Object data, Reading r) throws Reject {
            reading = r;
            count++;
            if (count > r.limits.maxIntervals()) {
                throw new Reject(IperfJsonRead.Reason.OVER_LIMIT, where + "more than " + r.limits.maxIntervals()
                        + " intervals", r.line, 0);
            }
            if (!(data instanceof Map<?, ?> raw)) {
                throw new Reject(IperfJsonRead.Reason.BAD_VALUE, where + "interval " + count + " is not a JSON object",
                        r.line, 0);
            }
            Map<String, Object> m = map(raw);
            if (!(m.get("sum") instanceof Map<?, ?> sum)) {
                throw new Reject(IperfJsonRead.Reason.BAD_VALUE, where + "interval " + count + " has no \"sum\" object",
                        r.line, 0);
            }
            boolean forward = role().orElse(Role.CLIENT) == Role.CLIENT
                    != start.flatMap(IperfRun.Start::test).map(IperfRun.TestStart::reverse).orElse(false);
            List<IperfSample> streams = new ArrayList<>();
            if (m.get("streams") instanceof List<?> list) {
                int k = 0;
                for (Object s : list) {
                    k++;
                    if (s instanceof Map<?, ?> sm) {
                        streams.add(sample(map(sm), forward, "interval " + count + " stream " + k, false));
                    } else {
                        r.note(where + "interval " + count + " stream " + k + " is not an object");
                    }
                }
            }
            IperfSample s = sample(map(sum), forward, "interval " + count + " sum", true);
            Optional<IperfSample> back = Optional.empty();
            if (m.get("sum_bidir_reverse") instanceof Map<?, ?> rev) {
                back = Optional.of(sample(map(rev), !forward, "interval " + count + " sum_bidir_reverse", true));
            }
            Optional<RttFigures> latency = Optional.empty();
            if (m.get("latency") instanceof Map<?, ?> lat) {
                latency = Optional.of(figures(map(lat), "interval " + count + " latency"));
            }
            IperfInterval interval = new IperfInterval(streams, s, back, latency);
            if (check) {
                return;
            }
            if (r.sink != null && !nested) {
                r.sink.accept(index, role(), interval);
            } else {
                intervals.add(interval);
            }
        }

        IperfRun build(boolean complete) throws Reject {
            Optional<IperfSummary> summary = Optional.empty();
            Optional<IperfLatency> latency = Optional.empty();
            if (end != null) {
                summary = summary(end);
                if (end.get("latency") instanceof Map<?, ?> lat) {
                    latency = Optional.of(latency(map(lat)));
                }
            }
            return new IperfRun(format, start, intervals, count, summary, latency, error, title, extra, serverOutput,
                    serverText, complete);
        }

        private Optional<IperfSummary> summary(Map<String, Object> end) throws Reject {
            if (!(end.get("sum_sent") instanceof Map<?, ?> sent) || !(end.get("sum_received") instanceof Map<?, ?> received)) {
                return Optional.empty();
            }
            Transport transport = start.flatMap(IperfRun.Start::test).map(IperfRun.TestStart::protocol)
                    .orElse(end.containsKey("sum") ? Transport.UDP : Transport.TCP);
            double local = Double.NaN;
            double remote = Double.NaN;
            if (end.get("cpu_utilization_percent") instanceof Map<?, ?> cpu) {
                local = dbl(map(cpu), "host_total", "end.cpu_utilization_percent");
                remote = dbl(map(cpu), "remote_total", "end.cpu_utilization_percent");
            }
            OptionalLong ooo = OptionalLong.empty();
            if (end.get("streams") instanceof List<?> streams) {
                long total = 0;
                boolean any = false;
                for (Object s : streams) {
                    if (s instanceof Map<?, ?> sm && sm.get("udp") instanceof Map<?, ?> udp) {
                        OptionalLong v = count(map(udp), "out_of_order", "end.streams[].udp");
                        if (v.isPresent()) {
                            any = true;
                            total += v.getAsLong();
                        }
                    }
                }
                ooo = any ? OptionalLong.of(total) : ooo;
            }
            Optional<String> sc = end.get("sender_tcp_congestion") instanceof String x ? Optional.of(x) : Optional.empty();
            Optional<String> rc = end.get("receiver_tcp_congestion") instanceof String x ? Optional.of(x) : Optional.empty();
            Optional<IperfSummary> reverse = Optional.empty();
            if (end.get("sum_sent_bidir_reverse") instanceof Map<?, ?> rs
                    && end.get("sum_received_bidir_reverse") instanceof Map<?, ?> rr) {
                reverse = Optional.of(new IperfSummary(transport, sample(map(rs), true, "end.sum_sent_bidir_reverse", true),
                        sample(map(rr), false, "end.sum_received_bidir_reverse", true),
                        udpSum(end, "sum_bidir_reverse"), Optional.empty(), local, remote, OptionalLong.empty(), sc, rc));
            }
            return Optional.of(new IperfSummary(transport, sample(map(sent), true, "end.sum_sent", true),
                    sample(map(received), false, "end.sum_received", true), udpSum(end, "sum"), reverse, local, remote,
                    ooo, sc, rc));
        }

        /** {@code end.sum} (UDP): its figures without a numeric {@code bytes} are still read, bytes then 0. */
        private Optional<IperfSample> udpSum(Map<String, Object> end, String key) throws Reject {
            if (!(end.get(key) instanceof Map<?, ?> m)) {
                return Optional.empty();
            }
            Map<String, Object> x = map(m);
            if (count(x, "bytes", "end." + key).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(sample(x, true, "end." + key, true));
        }

        private IperfRun.Start start(Map<String, Object> m, Reading r) throws Reject {
            OptionalDouble timesecs = OptionalDouble.empty();
            Optional<String> time = Optional.empty();
            if (m.get("timestamp") instanceof Map<?, ?> ts) {
                double v = dbl(map(ts), "timesecs", "start.timestamp");
                timesecs = Double.isNaN(v) ? timesecs : OptionalDouble.of(v);
                time = ts.get("time") instanceof String s ? Optional.of(s) : time;
            }
            List<IperfRun.Connected> connected = new ArrayList<>();
            if (m.get("connected") instanceof List<?> list) {
                for (Object c : list) {
                    if (c instanceof Map<?, ?> cm) {
                        Map<String, Object> x = map(cm);
                        connected.add(new IperfRun.Connected((int) count(x, "socket", "start.connected").orElse(0),
                                str(x, "local_host"), (int) count(x, "local_port", "start.connected").orElse(0),
                                str(x, "remote_host"), (int) count(x, "remote_port", "start.connected").orElse(0)));
                    }
                }
            }
            Optional<IperfRun.TestStart> test = Optional.empty();
            if (m.get("test_start") instanceof Map<?, ?> tsm) {
                Map<String, Object> t = map(tsm);
                Transport protocol = switch (t.get("protocol") instanceof String p ? p.toUpperCase(java.util.Locale.ROOT) : "") {
                    case "TCP" -> Transport.TCP;
                    case "UDP" -> Transport.UDP;
                    default -> null;
                };
                if (protocol == null) {
                    r.note(where + "start.test_start.protocol is neither TCP nor UDP");
                } else {
                    String at = "start.test_start";
                    Optional<Boolean> bidir = t.containsKey("bidir")
                            ? Optional.of(count(t, "bidir", at).orElse(0) != 0) : Optional.empty();
                    test = Optional.of(new IperfRun.TestStart(protocol, (int) count(t, "num_streams", at).orElse(0),
                            count(t, "blksize", at).orElse(0), (int) count(t, "omit", at).orElse(0),
                            zeroIfNaN(dbl(t, "duration", at)), count(t, "bytes", at).orElse(0),
                            count(t, "blocks", at).orElse(0), count(t, "reverse", at).orElse(0) != 0, bidir,
                            (int) count(t, "tos", at).orElse(0), count(t, "target_bitrate", at).orElse(0)));
                }
            }
            return new IperfRun.Start(str(m, "version"), str(m, "system_info"), timesecs, time,
                    endpoint(m.get("connecting_to")), endpoint(m.get("accepted_connection")), connected, test);
        }

        private Optional<IperfRun.Endpoint> endpoint(Object v) {
            if (!(v instanceof Map<?, ?> m)) {
                return Optional.empty();
            }
            Map<String, Object> x = map(m);
            return Optional.of(new IperfRun.Endpoint(str(x, "host"), (int) count(x, "port", "start").orElse(0)));
        }

        private IperfSample sample(Map<String, Object> m, boolean senderIfAbsent, String at, boolean sum) throws Reject {
            OptionalLong bytes = count(m, "bytes", at);
            if (bytes.isEmpty()) {
                throw new Reject(IperfJsonRead.Reason.BAD_VALUE, where + at + " has no numeric \"bytes\"",
                        reading == null ? 0 : reading.line, 0);
            }
            double startS = dbl(m, "start", at);
            double endS = dbl(m, "end", at);
            double seconds = dbl(m, "seconds", at);
            if (Double.isNaN(seconds)) {
                seconds = endS - startS;
            }
            boolean sender = m.get("sender") instanceof Boolean b ? b : senderIfAbsent;
            boolean omitted = m.get("omitted") instanceof Boolean b && b;
            OptionalInt socket = OptionalInt.empty();
            if (!sum) {
                OptionalLong s = count(m, "socket", at);
                socket = s.isPresent() && s.getAsLong() <= Integer.MAX_VALUE ? OptionalInt.of((int) s.getAsLong()) : socket;
            }
            return new IperfSample(socket, startS, endS, seconds, bytes.getAsLong(), dbl(m, "bits_per_second", at), sender,
                    omitted, count(m, "retransmits", at), count(m, "snd_cwnd", at), count(m, "snd_wnd", at),
                    count(m, "rtt", at), count(m, "rttvar", at), count(m, "pmtu", at), count(m, "reorder", at),
                    optDbl(m, "jitter_ms", at), count(m, "lost_packets", at), count(m, "packets", at),
                    optDbl(m, "lost_percent", at), count(m, "out_of_order", at));
        }

        private RttFigures figures(Map<String, Object> m, String at) {
            return new RttFigures(count(m, "count", at).orElse(0), count(m, "lost", at).orElse(0), dbl(m, "min_us", at),
                    dbl(m, "p50_us", at), dbl(m, "p90_us", at), dbl(m, "p99_us", at), dbl(m, "max_us", at));
        }

        private IperfLatency latency(Map<String, Object> m) throws Reject {
            String at = "end.latency";
            List<Optional<IperfLatency.Phase>> phases = new ArrayList<>();
            for (String name : List.of("idle", "loaded", "tail")) {
                if (!(m.get(name) instanceof Map<?, ?> pm)) {
                    phases.add(Optional.empty());
                    continue;
                }
                Map<String, Object> p = map(pm);
                String where2 = at + "." + name + ".cdf";
                List<IperfLatency.CdfPoint> cdf = new ArrayList<>();
                Object c = p.getOrDefault("cdf", Null.NULL);
                if (c != Null.NULL) {
                    if (!(c instanceof List<?> list)) {
                        throw bad(where2 + " is not a list of [percentile, rtt_us] pairs");
                    }
                    if (list.size() > reading.limits.maxCdfPoints()) {
                        throw new Reject(IperfJsonRead.Reason.OVER_LIMIT, where + where2 + " has " + list.size()
                                + " points, more than the limit of " + reading.limits.maxCdfPoints(), 0, 0);
                    }
                    int k = 0;
                    for (Object pair : list) {
                        k++;
                        if (!(pair instanceof List<?> two) || two.size() != 2 || !(two.get(0) instanceof Number a)
                                || !(two.get(1) instanceof Number b)) {
                            throw bad(where2 + " point " + k + " is not a [percentile, rtt_us] pair of numbers: "
                                    + cut(json(pair)));
                        }
                        double percentile = a.doubleValue();
                        if (!(percentile >= 0 && percentile <= 100)) {
                            throw bad(where2 + " point " + k + " has percentile " + percentile + ", outside 0..100");
                        }
                        cdf.add(new IperfLatency.CdfPoint(percentile, b.doubleValue()));
                    }
                }
                phases.add(Optional.of(new IperfLatency.Phase(figures(p, at + "." + name), cdf)));
            }
            Optional<String> error = m.containsKey("error") && m.get("error") != Null.NULL
                    ? Optional.of(text(m.get("error"))) : Optional.empty();
            return new IperfLatency(count(m, "interval_ms", at).orElse(0), optDbl(m, "idle_seconds", at),
                    optDbl(m, "tail_seconds", at), phases.get(0), phases.get(1), phases.get(2),
                    optDbl(m, "added_p50_us", at), optDbl(m, "p50_ratio", at), error);
        }

        private Reject bad(String message) {
            return new Reject(IperfJsonRead.Reason.BAD_VALUE, where + message, 0, 0);
        }

        private static String cut(String s) {
            return s.length() > 200 ? s.substring(0, 200) + "..." : s;
        }

        // ------------------------------------------------ values

        private String str(Map<String, Object> m, String key) {
            return m.get(key) instanceof String s ? s : "";
        }

        /** A non-negative integer (a float is truncated), else absent; a string is absent with a note. */
        private OptionalLong count(Map<String, Object> m, String key, String at) {
            Object v = m.get(key);
            if (v instanceof Long l) {
                return l >= 0 ? OptionalLong.of(l) : OptionalLong.empty();
            }
            if (v instanceof Double d) {
                return d >= 0 && d < 0x1p63 ? OptionalLong.of(d.longValue()) : OptionalLong.empty();
            }
            wrongType(v, key, at);
            return OptionalLong.empty();
        }

        private double dbl(Map<String, Object> m, String key, String at) {
            Object v = m.get(key);
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            wrongType(v, key, at);
            return Double.NaN;
        }

        private OptionalDouble optDbl(Map<String, Object> m, String key, String at) {
            double d = dbl(m, key, at);
            return Double.isNaN(d) ? OptionalDouble.empty() : OptionalDouble.of(d);
        }

        private void wrongType(Object v, String key, String at) {
            if (v != null && v != Null.NULL && reading != null) {
                reading.note(where + at + "." + key + " is not a number and is ignored");
            }
        }

        private static double zeroIfNaN(double d) {
            return Double.isNaN(d) ? 0 : d;
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> map(Map<?, ?> m) {
            return (Map<String, Object>) m;
        }

        private static String text(Object v) {
            return v instanceof String s ? s : json(v);
        }

        /** Compact JSON of a tree, by {@link #COMPACT}. */
        private static String json(Object v) {
            StringWriter out = new StringWriter();
            try (JsonGenerator g = COMPACT.createGenerator(out)) {
                write(v, g);
            } catch (IOException e) {
                throw new IllegalStateException("writing to a string", e);
            }
            return out.toString();
        }

        private static void write(Object v, JsonGenerator g) throws IOException {
            switch (v) {
                case Map<?, ?> m -> {
                    g.writeStartObject();
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        g.writeFieldName((String) e.getKey());
                        write(e.getValue(), g);
                    }
                    g.writeEndObject();
                }
                case List<?> l -> {
                    g.writeStartArray();
                    for (Object e : l) {
                        write(e, g);
                    }
                    g.writeEndArray();
                }
                case String s -> g.writeString(s);
                case Long l -> g.writeNumber(l);
                case Double d -> g.writeNumber(d);
                case Boolean b -> g.writeBoolean(b);
                case null, default -> g.writeNull();
            }
        }
    }
}
