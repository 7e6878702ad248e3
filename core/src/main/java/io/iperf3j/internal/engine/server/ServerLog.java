package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.engine.AddressText;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.output.Strftime;
import io.iperf3j.internal.protocol.TestParameters;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The server's operator log ({@code --server-log}): one line when a test starts,
 * one when it ends (how, with bytes each way and why it was cut short), and one
 * per connection refused before it became a test (busy, no cookie in time, too
 * many connections at once). Lines go to the error stream, or to the
 * {@code --logfile}, never to standard output, so iperf3's text and {@code -J}
 * output are unchanged.
 *
 * <p>Format (logfmt: {@code key=value}, values with spaces in double quotes), with
 * the {@code --timestamps} prefix when that is on:
 *
 * <pre>
 * iperf3j-server: test=7 event=start client=192.0.2.7:51234 proto=TCP dir=reverse streams=4 limit=10s
 * iperf3j-server: test=7 event=end client=192.0.2.7:51234 proto=TCP dir=reverse streams=4 sent=1181116006 received=0 seconds=10.04 result=ok
 * iperf3j-server: test=8 event=end client=192.0.2.7:51240 proto=UDP dir=normal streams=1 sent=0 received=1310720 seconds=121.50 result=cut reason="idle timeout for receiving data"
 * iperf3j-server: event=busy client=192.0.2.9:40000 running=16 max=16
 * iperf3j-server: event=busy client=192.0.2.7:51250 reason=max-per-client limit=2 prefix=192.0.2.7/32
 * iperf3j-server: event=drop client=192.0.2.9:40002 reason="no cookie within 10000 ms"
 * iperf3j-server: event=queued client=192.0.2.7:51260 prefix=192.0.2.7/32 position=3 queued=3 running=16 max=16
 * iperf3j-server: event=left client=192.0.2.7:51260 waited=12.40
 * iperf3j-server: event=busy client=192.0.2.7:51262 reason=queue-timeout waited=60.00
 * iperf3j-server: test=9 event=start client=192.0.2.7:51264 proto=TCP dir=normal streams=1 limit=10s waited=4.31
 * iperf3j-server: event=refused reason=denied rule=10.9.0.0/16 client=10.9.1.1:40100
 * </pre>
 *
 * <p>{@code test} numbers every admitted control connection (unlike iperf3's banner
 * number, which counts finished tests). {@code result} is {@code ok}, {@code cut}
 * (ended early: the reason says why), {@code refused} (parameters refused) or
 * {@code denied} (authentication failed). Connection-level lines ({@code busy},
 * {@code drop}) are limited to {@value #BURST} a second, so a flood cannot flood
 * the log; a later line says how many were left out ({@code suppressed=N}).
 * Writes are atomic per line, so lines of concurrent tests never mix.
 */
final class ServerLog {
    static final int BURST = 20;

    private final OutputSink sink;
    private final String prefix;
    private final String timestampFormat;
    private final Supplier<ZonedDateTime> clock;
    private final boolean enabled;
    // Token bucket for connection-level lines.
    private double tokens = BURST;
    private long lastRefill = System.nanoTime();
    private long suppressed;

    ServerLog(OutputSink sink, String programName, String timestampFormat, boolean enabled) {
        this(sink, programName, timestampFormat, enabled, ZonedDateTime::now);
    }

    ServerLog(OutputSink sink, String programName, String timestampFormat, boolean enabled,
              Supplier<ZonedDateTime> clock) {
        this.sink = sink;
        this.prefix = programName + "-server: ";
        this.timestampFormat = timestampFormat;
        this.enabled = enabled;
        this.clock = clock;
    }

    boolean enabled() {
        return enabled;
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

    void testStarted(long id, InetSocketAddress client, TestShape shape, String user) {
        testStarted(id, client, shape, user, null);
    }

    /** @param waited how long the test was queued ({@code waited=S}); null when it was not */
    void testStarted(long id, InetSocketAddress client, TestShape shape, String user, Duration waited) {
        if (!enabled) {
            return;
        }
        Line l = new Line().kv("test", id).kv("event", "start").kv("client", address(client));
        shape(l, shape);
        l.kv("limit", shape.limit());
        if (user != null) {
            l.kv("user", user);
        }
        if (waited != null) {
            l.kv("waited", seconds(waited));
        }
        write(l);
    }

    /** A new test waits in the queue ({@code --queue}) at {@code position} of {@code queued}. */
    void queued(InetSocketAddress client, String prefix, int position, int queued, int running, int max) {
        if (!enabled) {
            return;
        }
        write(new Line().kv("event", "queued").kv("client", address(client)).kv("prefix", prefix)
                .kv("position", position).kv("queued", queued).kv("running", running).kv("max", max));
    }

    /** A queued client left (CLIENT_TERMINATE or its close) after waiting {@code waited}. */
    void left(InetSocketAddress client, Duration waited) {
        if (!enabled) {
            return;
        }
        write(new Line().kv("event", "left").kv("client", address(client)).kv("waited", seconds(waited)));
    }

    /** A new test found no place and the queue full: busy. */
    void busyQueueFull(InetSocketAddress client, int queued) {
        if (!enabled) {
            return;
        }
        limited(new Line().kv("event", "busy").kv("client", address(client)).kv("reason", "queue-full")
                .kv("queued", queued));
    }

    /** A queued client waited {@code --queue-timeout} without a place: busy. */
    void busyQueueTimeout(InetSocketAddress client, Duration waited) {
        if (!enabled) {
            return;
        }
        limited(new Line().kv("event", "busy").kv("client", address(client)).kv("reason", "queue-timeout")
                .kv("waited", seconds(waited)));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9);
    }

    /**
     * @param result {@code ok}, {@code cut}, {@code refused} or {@code denied}
     * @param reason why the test did not complete, or null
     */
    void testEnded(long id, InetSocketAddress client, TestShape shape, long sent, long received, double seconds,
                   String result, String reason) {
        if (!enabled) {
            return;
        }
        Line l = new Line().kv("test", id).kv("event", "end").kv("client", address(client));
        shape(l, shape);
        l.kv("sent", sent).kv("received", received)
                .kv("seconds", String.format(Locale.ROOT, "%.2f", seconds))
                .kv("result", result);
        if (reason != null) {
            l.kv("reason", reason);
        }
        write(l);
    }

    void busy(InetSocketAddress client, int running, int max) {
        if (!enabled) {
            return;
        }
        limited(new Line().kv("event", "busy").kv("client", address(client)).kv("running", running).kv("max", max));
    }

    /** A new test over {@code --max-per-client}: its address ({@code prefix}) runs {@code limit} tests. */
    void busyPerClient(InetSocketAddress client, int limit, String prefix) {
        if (!enabled) {
            return;
        }
        limited(new Line().kv("event", "busy").kv("client", address(client)).kv("reason", "max-per-client")
                .kv("limit", limit).kv("prefix", prefix));
    }

    /**
     * A connection refused before its cookie was read: {@code reason} {@code denied} by the
     * {@code --allow}/{@code --deny} rule {@code rule} (a prefix, or {@code default}).
     */
    void refused(InetSocketAddress client, String reason, String rule) {
        if (!enabled) {
            return;
        }
        limited(new Line().kv("event", "refused").kv("reason", reason).kv("rule", rule).kv("client", address(client)));
    }

    void dropped(InetSocketAddress client, String reason) {
        if (!enabled) {
            return;
        }
        limited(new Line().kv("event", "drop").kv("client", address(client)).kv("reason", reason));
    }

    private static void shape(Line l, TestShape s) {
        l.kv("proto", s.proto()).kv("dir", s.dir());
        if (s.streams() > 0) {
            l.kv("streams", s.streams());
        }
    }

    private void limited(Line l) {
        long left;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(BURST, tokens + (now - lastRefill) * BURST / 1e9);
            lastRefill = now;
            if (tokens < 1) {
                suppressed++;
                return;
            }
            tokens -= 1;
            left = suppressed;
            suppressed = 0;
        }
        if (left > 0) {
            l.kv("suppressed", left);
        }
        write(l);
    }

    private void write(Line l) {
        String ts = timestampFormat == null ? "" : Strftime.format(timestampFormat, clock.get());
        sink.err(ts + prefix + l.text() + "\n");
    }

    static String address(InetSocketAddress a) {
        if (a == null) {
            return "-";
        }
        String host = AddressText.of(a);
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + a.getPort() : host + ":" + a.getPort();
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
            String v = value.toString();
            if (needsQuotes(v)) {
                sb.append('"');
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    switch (c) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        case '\r' -> sb.append("\\r");
                        default -> sb.append(c < 0x20 || c == 0x7f ? '?' : c);
                    }
                }
                sb.append('"');
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
