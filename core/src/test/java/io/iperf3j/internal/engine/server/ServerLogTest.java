package io.iperf3j.internal.engine.server;

import io.iperf3j.ServerEvent;
import io.iperf3j.internal.options.ServerLogFormat;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.PeerJson;
import io.iperf3j.internal.output.OutputSink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator log's line format: logfmt, quoting, addresses, timestamps, the rate limit, off by default. */
class ServerLogTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final OutputSink sink = OutputSink.of(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), false);

    /** The text log, raised to as the server raises to it. */
    private EventFanout text() {
        return new EventFanout(new ServerLog(sink, "iperf3j", null, ServerLogFormat.TEXT), w -> { });
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void startAndEndLines() {
        EventFanout log = text();
        var shape = new ServerLog.TestShape("TCP", "reverse", 4, "10s");
        log.started(7, new InetSocketAddress("192.0.2.7", 51234), shape, "mario", null, 0);
        log.interval(7, ClientAddress.of(new InetSocketAddress("192.0.2.7", 51234)), "TCP", 1181116006, 0);
        log.ended(7, new InetSocketAddress("192.0.2.7", 51234), shape, 1181116006, 0, Duration.ofMillis(10_041),
                ServerEvent.Result.OK, null);
        log.ended(8, new InetSocketAddress("2001:db8::1", 5201), ServerLog.TestShape.UNKNOWN, 0, 0,
                Duration.ofMillis(600), ServerEvent.Result.CUT,
                "idle timeout for receiving data: no \"parameters\"\nin time");
        assertThat(errText()).isEqualTo("""
                iperf3j-server: test=7 event=start client=192.0.2.7:51234 proto=TCP dir=reverse streams=4 limit=10s user=mario
                iperf3j-server: test=7 event=end client=192.0.2.7:51234 proto=TCP dir=reverse streams=4 sent=1181116006 \
                received=0 seconds=10.04 result=ok
                iperf3j-server: test=8 event=end client=[2001:db8::1]:5201 sent=0 received=0 seconds=0.60 result=cut \
                reason="idle timeout for receiving data: no \\"parameters\\"\\nin time"
                """);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing on standard output").isEmpty();
    }

    @Test
    void admissionLines() {
        EventFanout log = new EventFanout(new ServerLog(sink, "iperf3j", null, ServerLogFormat.TEXT), m -> { });
        InetSocketAddress c = new InetSocketAddress("192.0.2.7", 51260);
        log.queued(c, 3, 3, 16, 16);
        log.left(c, Duration.ofMillis(12_404));
        log.perClient(c, 2);
        log.queueFull(c, 64);
        log.queueTimeout(c, Duration.ofSeconds(60));
        log.denied(new InetSocketAddress("10.9.1.1", 40100), "10.9.0.0/16");
        log.started(9, c, new ServerLog.TestShape("TCP", "normal", 1, "10s"), null, Duration.ofMillis(4_310), 0);
        assertThat(errText()).isEqualTo("""
                iperf3j-server: event=queued client=192.0.2.7:51260 prefix=192.0.2.7/32 position=3 queued=3 running=16 max=16
                iperf3j-server: event=left client=192.0.2.7:51260 waited=12.40
                iperf3j-server: event=busy client=192.0.2.7:51260 reason=max-per-client limit=2 prefix=192.0.2.7/32
                iperf3j-server: event=busy client=192.0.2.7:51260 reason=queue-full queued=64
                iperf3j-server: event=busy client=192.0.2.7:51260 reason=queue-timeout waited=60.00
                iperf3j-server: event=refused reason=denied rule=10.9.0.0/16 client=10.9.1.1:40100
                iperf3j-server: test=9 event=start client=192.0.2.7:51260 proto=TCP dir=normal streams=1 limit=10s waited=4.31
                """);
    }

    @Test
    void hostileTextCannotForgeLinesOrFields() {
        text().started(1, null, new ServerLog.TestShape("TCP", "normal", 1, "1s"), "eve\nforged=1 \u001b[2J", null, 0);
        assertThat(errText()).isEqualTo(
                "iperf3j-server: test=1 event=start client=- proto=TCP dir=normal streams=1 limit=1s user=\"eve\\nforged=1 \\x1b[2J\"\n");
    }

    @Test
    void timestampsPrefixLinesAsTheyDoIperf3Output() {
        ZonedDateTime t = ZonedDateTime.of(2025, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC);
        ServerLog log = new ServerLog(sink, "iperf3j", "%F %T ", ServerLogFormat.TEXT, ZoneOffset.UTC);
        log.on(new ServerEvent.Refused(t.toInstant(), "127.0.0.1", 4000, "127.0.0.1/32", ServerEvent.Reason.NO_COOKIE,
                0, 0, null, Duration.ZERO, "no cookie within 10000 ms"));
        assertThat(errText()).isEqualTo(
                "2025-06-01 12:00:00 iperf3j-server: event=drop client=127.0.0.1:4000 reason=\"no cookie within 10000 ms\"\n");
    }

    @Test
    void connectionLinesAreRateLimitedAndADroppedLineSaysHowManyWereLeftOut() {
        // The bucket's own clock: on the real one a loaded machine refills tokens during the loop.
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        List<Runnable> reports = new ArrayList<>();
        ServerLog serverLog = new ServerLog(sink, "iperf3j", null, ServerLogFormat.TEXT, ZoneOffset.UTC, now::get,
                reports::add);
        EventFanout log = new EventFanout(serverLog, w -> { });
        for (int i = 0; i < 100; i++) {
            log.busy(new InetSocketAddress("127.0.0.1", 1000 + i), 2, 2);
        }
        assertThat(errText().lines().count()).isEqualTo(ServerLog.BURST);
        assertThat(reports).as("one report scheduled for the whole run of drops").hasSize(1);
        assertThat(serverLog.droppedLines()).isEqualTo(100 - ServerLog.BURST);
        reports.getFirst().run(); // a second later
        assertThat(errText().lines().toList().getLast())
                .isEqualTo("iperf3j-server: event=dropped count=" + (100 - ServerLog.BURST));
        now.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200)); // a few tokens come back
        log.refused(new InetSocketAddress("127.0.0.1", 9), ServerEvent.Reason.NO_COOKIE, "x");
        assertThat(errText().lines().toList().getLast()).doesNotContain("suppressed").endsWith("reason=x");
        serverLog.reportDrops();
        assertThat(errText().lines().count()).as("nothing left out since: no line").isEqualTo(ServerLog.BURST + 2);
    }

    @Test
    void offWritesNothing() {
        EventFanout log = new EventFanout(new ServerLog(sink, "iperf3j", null, ServerLogFormat.OFF), w -> { });
        log.started(1, null, ServerLog.TestShape.UNKNOWN, null, null, 0);
        log.busy(null, 1, 1);
        log.refused(null, ServerEvent.Reason.NO_COOKIE, "x");
        log.ended(1, null, ServerLog.TestShape.UNKNOWN, 0, 0, Duration.ZERO, ServerEvent.Result.OK, null);
        assertThat(errText()).isEmpty();
    }

    private static final Instant T = Instant.parse("2026-11-25T21:30:01.234567Z");

    private List<JsonObject> jsonLines() throws Exception {
        List<JsonObject> all = new java.util.ArrayList<>();
        for (String line : errText().split("\n", -1)) {
            if (!line.isEmpty()) {
                all.add(PeerJson.parseObject(line.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return all;
    }

    @Test
    void jsonIsOneCompactObjectPerEventWithThePlansKeys() throws Exception {
        ServerLog log = new ServerLog(sink, "iperf3j", "%F %T ", ServerLogFormat.JSON);
        log.on(new ServerEvent.Accepted(T, "2001:db8:1:2::7", 40000, "2001:db8:1:2::/64", 0));
        log.on(new ServerEvent.Queued(T, "192.0.2.7", 40001, "192.0.2.7/32", 2, 3, 16, 16));
        log.on(new ServerEvent.Left(T, "192.0.2.7", 40001, "192.0.2.7/32", Duration.ofMillis(2500)));
        log.on(new ServerEvent.Started(T, "192.0.2.7", 40002, "192.0.2.7/32", 9, "UDP", "reverse", 2, "10s",
                Duration.ofMillis(1234), "mario", 100_000_000));
        log.on(new ServerEvent.Interval(T, "192.0.2.7", 40002, "192.0.2.7/32", 9, "UDP", 5, 6));
        log.on(new ServerEvent.Ended(T, "192.0.2.7", 40002, "192.0.2.7/32", 9, "UDP", "reverse", 2, 1181116006, 0,
                Duration.ofMillis(10_041), ServerEvent.Result.CUT, "idle timeout"));
        log.on(new ServerEvent.Refused(T, "192.0.2.9", 40003, "192.0.2.9/32", ServerEvent.Reason.BUSY, 16, 16, null,
                Duration.ZERO, null));
        log.on(new ServerEvent.Refused(T, null, 0, null, ServerEvent.Reason.DENIED, 0, 0, "10.9.0.0/16",
                Duration.ZERO, null));
        String text = errText();
        assertThat(text.lines().toList()).as("no line per interval, no prefix, no timestamps").hasSize(7)
                .allMatch(l -> l.startsWith("{\"time\":\"2026-11-25T21:30:01.234Z\",\"event\":\""));
        assertThat(text.lines().findFirst().orElseThrow()).isEqualTo("{\"time\":\"2026-11-25T21:30:01.234Z\","
                + "\"event\":\"accepted\",\"client\":\"2001:db8:1:2::7\",\"port\":40000,\"prefix\":\"2001:db8:1:2::/64\","
                + "\"queued_ahead\":0}");
        List<JsonObject> j = jsonLines();
        assertThat(j).extracting(o -> o.getString("event"))
                .containsExactly("accepted", "queued", "left", "started", "ended", "refused", "refused");
        assertThat(j.get(1).keys()).containsExactly("time", "event", "client", "port", "prefix", "position", "queued",
                "running", "max");
        assertThat(j.get(2).getDouble("waited")).isEqualTo(2.5);
        assertThat(j.get(3).keys()).containsExactly("time", "event", "client", "port", "prefix", "test", "proto", "dir",
                "streams", "limit", "waited", "user", "share_bps");
        assertThat(j.get(3).getDouble("waited")).isEqualTo(1.234);
        assertThat(j.get(3).getLong("share_bps")).isEqualTo(100_000_000L);
        assertThat(text).contains("\"seconds\":10.041,");
        assertThat(j.get(4).keys()).containsExactly("time", "event", "client", "port", "prefix", "test", "sent",
                "received", "seconds", "result", "reason");
        assertThat(j.get(4).getLong("sent")).isEqualTo(1181116006L);
        assertThat(j.get(4).getString("result")).isEqualTo("cut");
        assertThat(j.get(5).getString("reason")).isEqualTo("busy");
        assertThat(j.get(5).getLong("running")).isEqualTo(16);
        assertThat(j.get(6).getString("rule")).isEqualTo("10.9.0.0/16");
        assertThat(j.get(6).has("client")).as("an unknown client is null, the key stays").isTrue();
        assertThat(j.get(6).get("client")).isNull();
    }

    @Test
    void jsonCannotBeSplitOrForgedByHostileText() throws Exception {
        ServerLog log = new ServerLog(sink, "iperf3j", null, ServerLogFormat.JSON);
        log.on(new ServerEvent.Started(T, "192.0.2.7", 1, "192.0.2.7/32", 1, "TCP", "normal", 1, "1s", Duration.ZERO,
                "eve\n{\"event\":\"forged\"}\u2028\u001b", 0));
        assertThat(errText().lines().toList()).hasSize(1);
        assertThat(jsonLines().getFirst().getString("user")).isEqualTo("eve\n{\"event\":\"forged\"}\u2028\u001b");
    }

    @Test
    void jsonConnectionLinesShareTheRateLimitAndDropsAreSaidInADroppedLine() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        List<Runnable> reports = new ArrayList<>();
        ServerLog serverLog = new ServerLog(sink, "iperf3j", null, ServerLogFormat.JSON, ZoneOffset.UTC, now::get,
                reports::add);
        EventFanout log = new EventFanout(serverLog, w -> { });
        for (int i = 0; i < 100; i++) {
            log.accepted(new InetSocketAddress("127.0.0.1", 1000 + i), 0);
            log.busy(new InetSocketAddress("127.0.0.1", 1000 + i), 2, 2);
        }
        assertThat(jsonLines()).hasSize(ServerLog.BURST);
        log.started(1, new InetSocketAddress("127.0.0.1", 7), ServerLog.TestShape.UNKNOWN, null, null, 0);
        assertThat(jsonLines()).as("a test's lines are never left out").hasSize(ServerLog.BURST + 1);
        assertThat(reports).hasSize(1);
        reports.getFirst().run();
        JsonObject dropped = jsonLines().getLast();
        assertThat(dropped.keys()).containsExactly("time", "event", "count");
        assertThat(dropped.getString("event")).isEqualTo("dropped");
        assertThat(dropped.getLong("count")).isEqualTo(200 - ServerLog.BURST);
        assertThat(serverLog.droppedLines()).isEqualTo(200 - ServerLog.BURST);
        now.addAndGet(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100)); // two tokens come back
        log.refused(new InetSocketAddress("127.0.0.1", 9), ServerEvent.Reason.NO_COOKIE, "x");
        log.refused(new InetSocketAddress("127.0.0.1", 9), ServerEvent.Reason.NO_COOKIE, "x");
        log.refused(new InetSocketAddress("127.0.0.1", 9), ServerEvent.Reason.NO_COOKIE, "x");
        assertThat(jsonLines()).hasSize(ServerLog.BURST + 4);
        assertThat(jsonLines().get(ServerLog.BURST + 2).has("suppressed")).isFalse();
        assertThat(reports).as("a new run of drops, a new report").hasSize(2);
        reports.get(1).run();
        assertThat(jsonLines().getLast().getLong("count")).isEqualTo(1);
        assertThat(serverLog.droppedLines()).isEqualTo(200 - ServerLog.BURST + 1);
    }

    @Test
    void theServersOwnJsonLines() throws Exception {
        sink.err(ServerLog.listening(List.of(5201, 5202), "iperf 3.21 (iperf3j)"));
        sink.err(ServerLog.notice("terminated", "interrupt - the server has terminated"));
        List<JsonObject> lines = jsonLines();
        assertThat(lines.getFirst().keys()).containsExactly("time", "event", "ports", "version");
        assertThat(lines.getFirst().getString("event")).isEqualTo("listening");
        assertThat(lines.get(1).keys()).containsExactly("time", "event", "message");
        assertThat(lines.get(1).getString("message")).isEqualTo("interrupt - the server has terminated");
    }

    @Test
    void textLinesOfTheQueueAndTheNewRefusals() {
        ServerLog log = new ServerLog(sink, "iperf3j", null, ServerLogFormat.TEXT);
        log.on(new ServerEvent.Accepted(T, "192.0.2.7", 1, "192.0.2.7/32", 0));
        log.on(new ServerEvent.Queued(T, "192.0.2.7", 1, "192.0.2.7/32", 1, 1, 2, 2));
        log.on(new ServerEvent.Left(T, "192.0.2.7", 1, "192.0.2.7/32", Duration.ofMillis(1500)));
        log.on(new ServerEvent.Refused(T, "127.0.0.2", 2, "127.0.0.2/32", ServerEvent.Reason.MAX_PER_CLIENT, 2, 2, null,
                Duration.ZERO, null));
        log.on(new ServerEvent.Refused(T, "127.0.0.2", 3, "127.0.0.2/32", ServerEvent.Reason.AUTH, 0, 0, null,
                Duration.ZERO, "bad password"));
        assertThat(errText()).isEqualTo("""
                iperf3j-server: event=queued client=192.0.2.7:1 prefix=192.0.2.7/32 position=1 queued=1 running=2 max=2
                iperf3j-server: event=left client=192.0.2.7:1 waited=1.50
                iperf3j-server: event=busy client=127.0.0.2:2 reason=max-per-client limit=2 prefix=127.0.0.2/32
                """);
    }

    @Test
    void aFailingListenerIsReportedOnceAndStopsNoOther() {
        List<String> warnings = new java.util.ArrayList<>();
        List<ServerEvent> seen = new java.util.ArrayList<>();
        EventFanout events = new EventFanout(e -> {
            throw new IllegalStateException("boom");
        }, warnings::add);
        events.add(seen::add);
        events.busy(null, 1, 1);
        events.busy(null, 1, 1);
        assertThat(seen).hasSize(2);
        assertThat(warnings).singleElement().asString().contains("boom");
    }

    @Test
    void prefixesAreTheClientKeys() throws Exception {
        assertThat(ClientAddress.of(new InetSocketAddress("192.0.2.7", 5))).isEqualTo(
                new ClientAddress("192.0.2.7", 5, "192.0.2.7/32"));
        assertThat(ClientAddress.of(new InetSocketAddress("2001:db8:1:2:3:4:5:6", 5)).prefix())
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.of(new InetSocketAddress("::ffff:192.0.2.9", 5)))
                .as("Java hands an IPv4-mapped address over as IPv4").isEqualTo(new ClientAddress("192.0.2.9", 5, "192.0.2.9/32"));
        java.net.InetAddress mapped = java.net.Inet6Address.getByAddress(null,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 10}, null);
        assertThat(ClientAddress.prefix(mapped)).isEqualTo("192.0.2.10/32");
        assertThat(ClientAddress.of(null)).isEqualTo(ClientAddress.UNKNOWN);
    }
}
