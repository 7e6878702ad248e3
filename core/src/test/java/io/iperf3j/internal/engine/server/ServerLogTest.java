package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.output.OutputSink;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator log's line format: logfmt, quoting, addresses, timestamps, the rate limit, off by default. */
class ServerLogTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final OutputSink sink = OutputSink.of(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), false);

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void startAndEndLines() {
        ServerLog log = new ServerLog(sink, "iperf3j", null, true);
        var shape = new ServerLog.TestShape("TCP", "reverse", 4, "10s");
        log.testStarted(7, new InetSocketAddress("192.0.2.7", 51234), shape, "mario");
        log.testEnded(7, new InetSocketAddress("192.0.2.7", 51234), shape, 1181116006, 0, 10.041, "ok", null);
        log.testEnded(8, new InetSocketAddress("2001:db8::1", 5201), ServerLog.TestShape.UNKNOWN, 0, 0, 0.6, "cut",
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
        ServerLog log = new ServerLog(sink, "iperf3j", null, true);
        InetSocketAddress c = new InetSocketAddress("192.0.2.7", 51260);
        log.queued(c, "192.0.2.7/32", 3, 3, 16, 16);
        log.left(c, Duration.ofMillis(12_404));
        log.busyPerClient(c, 2, "192.0.2.7/32");
        log.busyQueueFull(c, 64);
        log.busyQueueTimeout(c, Duration.ofSeconds(60));
        log.refused(new InetSocketAddress("10.9.1.1", 40100), "denied", "10.9.0.0/16");
        log.testStarted(9, c, new ServerLog.TestShape("TCP", "normal", 1, "10s"), null, Duration.ofMillis(4_310));
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
        ServerLog log = new ServerLog(sink, "iperf3j", null, true);
        log.testStarted(1, null, new ServerLog.TestShape("TCP", "normal", 1, "1s"), "eve\nforged=1 \u001b[2J");
        assertThat(errText()).isEqualTo(
                "iperf3j-server: test=1 event=start client=- proto=TCP dir=normal streams=1 limit=1s user=\"eve\\nforged=1 ?[2J\"\n");
    }

    @Test
    void timestampsPrefixLinesAsTheyDoIperf3Output() {
        ZonedDateTime t = ZonedDateTime.of(2025, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC);
        ServerLog log = new ServerLog(sink, "iperf3j", "%F %T ", true, () -> t);
        log.dropped(new InetSocketAddress("127.0.0.1", 4000), "no cookie within 10000 ms");
        assertThat(errText()).isEqualTo(
                "2025-06-01 12:00:00 iperf3j-server: event=drop client=127.0.0.1:4000 reason=\"no cookie within 10000 ms\"\n");
    }

    @Test
    void connectionLinesAreRateLimitedAndCountWhatWasLeftOut() throws Exception {
        ServerLog log = new ServerLog(sink, "iperf3j", null, true);
        for (int i = 0; i < 100; i++) {
            log.busy(new InetSocketAddress("127.0.0.1", 1000 + i), 2, 2);
        }
        assertThat(errText().lines().count()).isEqualTo(ServerLog.BURST);
        Thread.sleep(200); // a few tokens come back
        log.dropped(new InetSocketAddress("127.0.0.1", 9), "x");
        assertThat(errText().lines().toList().getLast()).endsWith("suppressed=" + (100 - ServerLog.BURST));
    }

    @Test
    void offWritesNothing() {
        ServerLog log = new ServerLog(sink, "iperf3j", null, false);
        log.testStarted(1, null, ServerLog.TestShape.UNKNOWN, null);
        log.busy(null, 1, 1);
        log.dropped(null, "x");
        log.testEnded(1, null, ServerLog.TestShape.UNKNOWN, 0, 0, 0, "ok", null);
        assertThat(errText()).isEmpty();
    }
}
