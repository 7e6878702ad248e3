package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.subcommand.HostPort;
import io.iperf3j.internal.subcommand.LogText;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.iperf3j.ServerEvent;
import io.iperf3j.ServerEvents;
import io.iperf3j.internal.options.ServerLogFormat;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.output.Strftime;
import io.iperf3j.internal.protocol.TestParameters;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The server's operator log ({@code --server-log}): one of the server's {@link ServerEvents}
 * implementations. One line when a test starts, one when it ends (how, with bytes each way and why it
 * was cut short), and one per connection refused before it became a test (busy, no cookie in time, too
 * many connections at once). Lines go to the error stream, or to the {@code --logfile}, never to
 * standard output, so iperf3's text and {@code -J} output are unchanged.
 *
 * <p>Text format ({@code --server-log}, {@code --server-log=text}; logfmt: {@code key=value}, values
 * with spaces in double quotes), with the {@code --timestamps} prefix when that is on:
 *
 * <pre>
 * iperf3j-server: test=7 event=start client=192.0.2.7:51234 proto=TCP dir=reverse streams=4 limit=10s
 * iperf3j-server: test=7 event=end client=192.0.2.7:51234 proto=TCP dir=reverse streams=4 sent=1181116006 received=0 seconds=10.04 result=ok
 * iperf3j-server: test=8 event=end client=192.0.2.7:51240 proto=UDP dir=normal streams=1 sent=0 received=1310720 seconds=121.50 result=cut reason="idle timeout for receiving data"
 * iperf3j-server: event=busy client=192.0.2.9:40000 running=16 max=16
 * iperf3j-server: event=drop client=192.0.2.9:40002 reason="no cookie within 10000 ms"
 * </pre>
 *
 * <p>{@code test} numbers every admitted control connection (unlike iperf3's banner
 * number, which counts finished tests). {@code result} is {@code ok}, {@code cut}
 * (ended early: the reason says why), {@code refused} (parameters refused) or
 * {@code denied} (authentication failed). The text log writes no line for
 * {@link ServerEvent.Accepted}, {@link ServerEvent.Interval} or an authentication refusal
 * (the test's end line says {@code denied}).
 *
 * <p>JSON format ({@code --server-log=json}): one compact object per line, no prefix, with the keys
 * {@code time} (RFC 3339 UTC, milliseconds), {@code event}, {@code client}, {@code port} and
 * {@code prefix}, then the event's own (docs/design/public-server.md, 3.6): {@code accepted},
 * {@code queued}, {@code left}, {@code started}, {@code ended} and {@code refused}; no line per
 * interval. Times in seconds are numbers with three decimals.
 *
 * <p>The server's own lines in JSON (not events of a client): {@code listening} at start-up (its
 * {@code ports} and {@code version}), {@code error} and {@code warning} ({@code message}), and
 * {@code terminated} ({@code message}) when a signal ends the server; see {@link #notice}.
 *
 * <p>Connection-level lines (refusals, and in JSON {@code accepted}) are limited to {@value #BURST} a
 * second, so a flood cannot flood the log. What was left out is said within a second by a
 * {@code dropped} line ({@code event=dropped count=N}; JSON {@code "event":"dropped","count":N}),
 * at most one a second, and counted in {@link #droppedLines()} (for {@code /metrics}). Writes are
 * atomic per line, so lines of concurrent tests never mix.
 *
 * <p>Threads: every thread that raises events; the bucket and the counts are under this object's
 * monitor. The {@code dropped} line is written by a virtual thread started by the first line left
 * out after the last report, one second later (or by {@link #reportDrops()} at the server's end).
 */
final class ServerLog implements ServerEvents {
    static final int BURST = 20;

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final DateTimeFormatter RFC3339_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'",
            Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    private final OutputSink sink;
    private final String prefix;
    private final String timestampFormat;
    private final ZoneId zone;
    private final ServerLogFormat format;
    // Token bucket for connection-level lines.
    private double tokens = BURST;
    private final LongSupplier nanoTime;
    private long lastRefill;
    /** Lines left out since the last {@code dropped} line; guarded by this. */
    private long suppressed;
    /** Lines left out since start; guarded by this. */
    private long droppedTotal;
    /** Runs its task one second later: a virtual thread, but in tests. */
    private final java.util.function.Consumer<Runnable> inASecond;

    ServerLog(OutputSink sink, String programName, String timestampFormat, ServerLogFormat format) {
        // the zone only with --timestamps: the first ZoneId.systemDefault() reads the time-zone
        // database, 20-35 ms of a server's start (docs/design/cpu-per-bit.md, stop 95)
        this(sink, programName, timestampFormat, format, timestampFormat == null ? null : ZoneId.systemDefault());
    }

    /** @param zone the time zone of the text format's {@code --timestamps} prefix; unused (may be null) without one */
    ServerLog(OutputSink sink, String programName, String timestampFormat, ServerLogFormat format, ZoneId zone) {
        this(sink, programName, timestampFormat, format, zone, System::nanoTime);
    }

    /** @param nanoTime the clock of the rate limit, {@link System#nanoTime()} but in tests */
    ServerLog(OutputSink sink, String programName, String timestampFormat, ServerLogFormat format, ZoneId zone,
              LongSupplier nanoTime) {
        this(sink, programName, timestampFormat, format, zone, nanoTime, ServerLog::runInASecond);
    }

    /** @param inASecond runs the {@code dropped} report a second later ({@link #runInASecond} but in tests) */
    ServerLog(OutputSink sink, String programName, String timestampFormat, ServerLogFormat format, ZoneId zone,
              LongSupplier nanoTime, java.util.function.Consumer<Runnable> inASecond) {
        this.inASecond = inASecond;
        this.sink = sink;
        this.nanoTime = nanoTime;
        this.lastRefill = nanoTime.getAsLong();
        this.prefix = programName + "-server: ";
        this.timestampFormat = timestampFormat;
        this.format = format;
        this.zone = zone;
    }

    /** What a test was, for its start and end lines. */
    record TestShape(String proto, String dir, int streams, String limit) {
        static final TestShape UNKNOWN = new TestShape(null, null, 0, null);

        /** What the client asked for: protocol, direction, streams, and how the test ends. */
        static TestShape of(TestParameters p) {
            String dir = p.bidirectional() ? "bidir" : p.reverse() ? "reverse" : "normal";
            String limit = p.num() > 0 ? p.num() + "B" : p.blockcount() > 0 ? p.blockcount() + "blocks" : p.time() + "s";
            return new TestShape(p.udp() ? "UDP" : "TCP", dir, p.parallel(), limit);
        }
    }

    @Override
    public void on(ServerEvent event) {
        switch (format) {
            case OFF -> { }
            case TEXT -> text(event);
            case JSON -> json(event);
        }
    }

    // ------------------------------------------------------------ text

    private void text(ServerEvent event) {
        switch (event) {
            case ServerEvent.Started s -> {
                Line l = new Line().kv("test", s.test()).kv("event", "start").kv("client", address(s));
                shape(l, s.protocol(), s.direction(), s.streams());
                l.kv("limit", s.limit());
                if (s.user() != null) {
                    l.kv("user", s.user());
                }
                if (s.waited().isPositive()) {
                    l.kv("waited", seconds(s.waited()));
                }
                if (s.shareBitsPerSecond() > 0) {
                    l.kv("share_bps", s.shareBitsPerSecond());
                }
                write(event, l);
            }
            case ServerEvent.Ended e -> {
                Line l = new Line().kv("test", e.test()).kv("event", "end").kv("client", address(e));
                shape(l, e.protocol(), e.direction(), e.streams());
                l.kv("sent", e.sentBytes()).kv("received", e.receivedBytes())
                        .kv("seconds", seconds(e.duration()))
                        .kv("result", e.result().label());
                if (e.reason() != null) {
                    l.kv("reason", e.reason());
                }
                write(event, l);
            }
            case ServerEvent.Refused r -> refusedText(r);
            case ServerEvent.Queued q -> write(event, new Line().kv("event", "queued").kv("client", address(q))
                    .kv("prefix", q.prefix()).kv("position", q.position()).kv("queued", q.queued()).kv("running", q.running()).kv("max", q.max()));
            case ServerEvent.Left left -> write(event, new Line().kv("event", "left").kv("client", address(left))
                    .kv("waited", seconds(left.waited())));
            case ServerEvent.Accepted a -> { } // the start line (or the refusal) says it
            case ServerEvent.Interval i -> { } // the end line has the totals
        }
    }

    private void refusedText(ServerEvent.Refused r) {
        Line l = new Line();
        switch (r.reason()) {
            case BUSY -> l.kv("event", "busy").kv("client", address(r)).kv("running", r.count()).kv("max", r.limit());
            case QUEUE_FULL -> l.kv("event", "busy").kv("client", address(r)).kv("reason", "queue-full")
                    .kv("queued", r.count());
            case QUEUE_TIMEOUT -> l.kv("event", "busy").kv("client", address(r)).kv("reason", "queue-timeout")
                    .kv("waited", seconds(r.waited()));
            case MAX_PER_CLIENT -> l.kv("event", "busy").kv("client", address(r)).kv("reason", "max-per-client")
                    .kv("limit", r.limit()).kv("prefix", r.prefix());
            case QUEUE_PER_CLIENT -> l.kv("event", "busy").kv("client", address(r)).kv("reason", "queue-per-client")
                    .kv("queued", r.count()).kv("limit", r.limit()).kv("prefix", r.prefix());
            case DENIED -> l.kv("event", "refused").kv("reason", "denied").kv("rule", r.rule()).kv("client", address(r));
            case TOTAL_RATE -> l.kv("event", "refused").kv("reason", "total-rate").kv("client", address(r))
                    .kv("detail", r.detail());
            case COOL_DOWN -> l.kv("event", "refused").kv("reason", "cool-down").kv("client", address(r))
                    .kv("prefix", r.prefix()).kv("left", r.count()).kv("cool_down", r.limit());
            case AUTH -> {
                return; // the test's end line says result=denied
            }
            case NO_COOKIE, HANDSHAKE_CAP, HANDSHAKE_PER_CLIENT, SURPLUS, PROTOCOL -> l.kv("event", "drop").kv("client", address(r))
                    .kv("reason", r.detail());
        }
        limited(r, l);
    }

    private static void shape(Line l, String proto, String dir, int streams) {
        l.kv("proto", proto).kv("dir", dir);
        if (streams > 0) {
            l.kv("streams", streams);
        }
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9);
    }

    static String address(ServerEvent e) {
        String host = e.address();
        if (host == null) {
            return "-";
        }
        return HostPort.of(host, e.port());
    }

    // ------------------------------------------------------------ JSON

    private void json(ServerEvent event) {
        StringWriter text = new StringWriter(200);
        boolean connectionLevel = event instanceof ServerEvent.Refused || event instanceof ServerEvent.Accepted;
        if (event instanceof ServerEvent.Interval) {
            return; // the ended line has the totals; /metrics has the running bytes
        }
        if (connectionLevel && !takeToken()) {
            return;
        }
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("time", RFC3339_MILLIS.format(event.time().truncatedTo(ChronoUnit.MILLIS)));
            g.writeStringField("event", eventName(event));
            g.writeStringField("client", event.address());
            g.writeNumberField("port", event.port());
            g.writeStringField("prefix", event.prefix());
            jsonFields(g, event);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        sink.err(text + "\n");
    }

    private static String eventName(ServerEvent event) {
        return switch (event) {
            case ServerEvent.Accepted a -> "accepted";
            case ServerEvent.Queued q -> "queued";
            case ServerEvent.Left l -> "left";
            case ServerEvent.Started s -> "started";
            case ServerEvent.Interval i -> "interval";
            case ServerEvent.Ended e -> "ended";
            case ServerEvent.Refused r -> "refused";
        };
    }

    private static void jsonFields(JsonGenerator g, ServerEvent event) throws IOException {
        switch (event) {
            case ServerEvent.Accepted a -> g.writeNumberField("queued_ahead", a.queuedAhead());
            case ServerEvent.Queued q -> {
                g.writeNumberField("position", q.position());
                g.writeNumberField("queued", q.queued());
                g.writeNumberField("running", q.running());
                g.writeNumberField("max", q.max());
            }
            case ServerEvent.Left l -> seconds(g, "waited", l.waited());
            case ServerEvent.Started s -> {
                g.writeNumberField("test", s.test());
                g.writeStringField("proto", s.protocol());
                g.writeStringField("dir", s.direction());
                g.writeNumberField("streams", s.streams());
                g.writeStringField("limit", s.limit());
                seconds(g, "waited", s.waited());
                if (s.user() != null) {
                    g.writeStringField("user", s.user());
                }
                if (s.shareBitsPerSecond() > 0) {
                    g.writeNumberField("share_bps", s.shareBitsPerSecond());
                }
            }
            case ServerEvent.Ended e -> {
                g.writeNumberField("test", e.test());
                g.writeNumberField("sent", e.sentBytes());
                g.writeNumberField("received", e.receivedBytes());
                seconds(g, "seconds", e.duration());
                g.writeStringField("result", e.result().label());
                if (e.reason() != null) {
                    g.writeStringField("reason", e.reason());
                }
            }
            case ServerEvent.Refused r -> refusedFields(g, r);
            case ServerEvent.Interval i -> { }
        }
    }

    private static void refusedFields(JsonGenerator g, ServerEvent.Refused r) throws IOException {
        g.writeStringField("reason", r.reason().label());
        switch (r.reason()) {
            case BUSY -> {
                g.writeNumberField("running", r.count());
                g.writeNumberField("max", r.limit());
            }
            case QUEUE_FULL, QUEUE_PER_CLIENT -> {
                g.writeNumberField("queued", r.count());
                g.writeNumberField("limit", r.limit());
            }
            case COOL_DOWN -> {
                g.writeNumberField("left", r.count());
                g.writeNumberField("cool_down", r.limit());
            }
            case MAX_PER_CLIENT -> {
                g.writeNumberField("running", r.count());
                g.writeNumberField("limit", r.limit());
            }
            case DENIED -> g.writeStringField("rule", r.rule());
            case QUEUE_TIMEOUT -> seconds(g, "waited", r.waited());
            case AUTH, NO_COOKIE, HANDSHAKE_CAP, HANDSHAKE_PER_CLIENT, SURPLUS, PROTOCOL, TOTAL_RATE -> { }
        }
        if (r.detail() != null) {
            g.writeStringField("detail", r.detail());
        }
    }

    /** Seconds as a number with three decimals ({@code 10.041}), never in exponent form. */
    private static void seconds(JsonGenerator g, String key, Duration d) throws IOException {
        g.writeFieldName(key);
        g.writeNumber(BigDecimal.valueOf(d.toMillis(), 3));
    }

    // ------------------------------------------------------------ both

    /** Writes a connection-level line if the limit allows it. */
    private void limited(ServerEvent event, Line l) {
        if (takeToken()) {
            write(event, l);
        }
    }

    /** Whether the line may be written; false counts it as dropped (and the first drop schedules the report). */
    private boolean takeToken() {
        boolean firstDrop;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            tokens = Math.min(BURST, tokens + (now - lastRefill) * BURST / 1e9);
            lastRefill = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            firstDrop = suppressed == 0;
            suppressed++;
            droppedTotal++;
        }
        if (firstDrop) {
            inASecond.accept(this::reportDrops);
        }
        return false;
    }

    /** Lines the rate limit left out since the log began (a counter of {@code /metrics}). */
    synchronized long droppedLines() {
        return droppedTotal;
    }

    /**
     * Writes the {@code dropped} line for the lines left out since the last one, if any (the scheduled
     * report, and the server's end). It is never itself left out.
     */
    void reportDrops() {
        long n;
        synchronized (this) {
            n = suppressed;
            suppressed = 0;
        }
        if (n == 0) {
            return;
        }
        java.time.Instant now = java.time.Instant.now();
        switch (format) {
            case OFF -> { }
            case TEXT -> write(now, new Line().kv("event", "dropped").kv("count", n));
            case JSON -> sink.err(jsonLine(now, "dropped", g -> g.writeNumberField("count", n)));
        }
    }

    private static void runInASecond(Runnable task) {
        Thread.ofVirtual().name("iperf3j-server-log-drops").start(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            task.run();
        });
    }

    /** What a server line adds after {@code time} and {@code event}. */
    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** One JSON line of the server itself (no client keys), with its newline. */
    static String jsonLine(java.time.Instant time, String event, Fields fields) {
        StringWriter text = new StringWriter(120);
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("time", RFC3339_MILLIS.format(time.truncatedTo(ChronoUnit.MILLIS)));
            g.writeStringField("event", event);
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return text + "\n";
    }

    /**
     * A line of the server itself in JSON: {@code event} ({@code error}, {@code warning}, {@code terminated})
     * with its {@code message}.
     */
    static String notice(String event, String message) {
        return jsonLine(java.time.Instant.now(), event, g -> g.writeStringField("message", message));
    }

    /** The JSON start-up line: the ports the server listens on and its version. */
    static String listening(java.util.List<Integer> ports, String version) {
        return jsonLine(java.time.Instant.now(), "listening", g -> {
            g.writeArrayFieldStart("ports");
            for (int p : ports) {
                g.writeNumber(p);
            }
            g.writeEndArray();
            g.writeStringField("version", version);
        });
    }

    private void write(ServerEvent event, Line l) {
        write(event.time(), l);
    }

    private void write(java.time.Instant time, Line l) {
        String ts = timestampFormat == null ? "" : Strftime.format(timestampFormat, ZonedDateTime.ofInstant(time, zone));
        sink.err(ts + prefix + l.text() + "\n");
    }

    /** One logfmt line under construction. */
    static final class Line {
        private final StringBuilder sb = new StringBuilder(160);

        Line kv(String key, Object value) {
            if (value == null) {
                return this;
            }
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(key).append('=');
            // control characters (a client's user name, a reason quoting one) as LogText's escapes
            String v = LogText.escape(value.toString());
            if (needsQuotes(v)) {
                sb.append('"').append(v.replace("\"", "\\\"")).append('"');
            } else {
                sb.append(v);
            }
            return this;
        }

        private static boolean needsQuotes(String v) {
            if (v.isEmpty()) {
                return true;
            }
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) {
                    return true;
                }
            }
            return false;
        }

        String text() {
            return sb.toString();
        }
    }
}
