package io.iperf3j.bench;

import io.iperf3j.Direction;
import io.iperf3j.Transport;
import io.iperf3j.internal.json.CJsonWriter;
import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.options.IperfOptions;
import io.iperf3j.internal.options.OptionParser;
import io.iperf3j.internal.options.ParseResult;
import io.iperf3j.internal.output.OutputMode;
import io.iperf3j.internal.output.OutputSink;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.output.TestReporter;
import io.iperf3j.internal.stats.IntervalRecord;
import io.iperf3j.internal.stats.StreamRecord;
import io.iperf3j.internal.stats.TestObserver;
import io.iperf3j.internal.stats.TestRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.ZonedDateTime;
import java.util.concurrent.TimeUnit;

/**
 * The test thread's work once per interval, off the data path: turn each stream's
 * counters into an interval record and report it ({@code -J}: a JSON interval
 * object; text: iperf3's lines), and at the end write the whole {@code -J}
 * document as cJSON does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class IntervalReportBench {
    @Param({"1", "4"})
    int streams;

    @Param({"udp", "tcp"})
    String protocol;

    JsonObject document;

    /** Ten one-second intervals of a test, reported as {@code -J} builds them. */
    @Benchmark
    public JsonObject tenIntervalsJson() {
        return tenIntervals(OutputMode.JSON);
    }

    /** The same, as text lines (formatted like iperf3's, written to a discarding sink). */
    @Benchmark
    public JsonObject tenIntervalsText() {
        return tenIntervals(OutputMode.TEXT);
    }

    private JsonObject tenIntervals(OutputMode mode) {
        ParseResult r = "udp".equals(protocol)
                ? OptionParser.parse("-c", "127.0.0.1", "-u")
                : OptionParser.parse("-c", "127.0.0.1");
        IperfOptions o = ((ParseResult.Run) r).options();
        TestRecord rec = new TestRecord(true, o);
        rec.protocol = "udp".equals(protocol) ? Transport.UDP : Transport.TCP;
        rec.parallel = streams;
        rec.blockSize = 1460;
        rec.duration = 10;
        rec.senderHasRetransmits = "tcp".equals(protocol) ? 1 : 0;
        for (int i = 0; i < streams; i++) {
            rec.streams.add(new StreamRecord(i + 1, 5 + i, Direction.SENDER, "127.0.0.1", 40000 + i,
                    "127.0.0.1", 5201));
        }
        TestPrinter printer = new TestPrinter(OutputSink.discarding(), "iperf3j", null, null, ZonedDateTime::now);
        TestReporter rep = new TestReporter(rec, printer, mode, false, 'a', 1.0, "iperf3j 0.1.0", "Linux bench",
                TestObserver.NONE);
        rec.started = true;
        rep.onTestStart();
        boolean tcp = rec.protocol == Transport.TCP;
        for (int t = 0; t < 10; t++) {
            for (StreamRecord s : rec.streams) {
                long bytes = 1_250_000_000L + t * 1000L + s.id();
                s.bytesSent += bytes;
                s.lastInterval = new IntervalRecord(t, t + 1.000123, 1.000123f, bytes, false, tcp,
                        tcp ? 3 : 0, tcp ? 3_000_000 : 0, tcp ? 4_000_000 : 0, tcp ? 45 : 0, tcp ? 9 : 0,
                        tcp ? 65535 : 0, tcp ? 2 : 0, tcp ? 0 : 85_600, 0, 0, 0.0);
                s.lastIntervalIsFirst = t == 0;
            }
            rep.onInterval();
        }
        return rep.document();
    }

    @Setup
    public void setup() {
        document = tenIntervals(OutputMode.JSON);
    }

    /** The {@code -J} document of a 10-interval test, written as cJSON prints it. */
    @Benchmark
    public String writeJson() {
        return CJsonWriter.iperf312().pretty(document);
    }
}
