package io.iperf3j.internal.engine;

import io.iperf3j.RttFigures;
import io.iperf3j.RttProbe;
import io.iperf3j.internal.output.TestPrinter;
import io.iperf3j.internal.stats.LatencyRecord;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The client's {@code --latency} phases around one test (docs/design/latency.md): before the
 * parameters go out, the probe starts and must be answered within {@link #ANSWER_TIMEOUT}, then
 * measures {@link #IDLE} with no load; from TEST_RUNNING to the test's end it measures under load,
 * per interval too; after the results exchange it measures {@link #TAIL} more, idle again, and
 * closes. Figures go into the test's {@link LatencyRecord}. Runs on the test thread; every wait has
 * a deadline and gives way to cancellation.
 */
final class LatencyRun implements AutoCloseable {
    /** How long the probe's first answer may take (the link resends its connect request at 0.3 and 0.9 s). */
    static final Duration ANSWER_TIMEOUT = Duration.ofMillis(1500);
    static final Duration IDLE = Duration.ofSeconds(2);
    static final Duration TAIL = Duration.ofSeconds(1);

    private final RttProbe.Starter starter;
    private final LatencyRecord record;
    private final TestPrinter printer;
    private RttProbe probe;
    private long loadEndNanos;

    /** @param starter the probe implementation, or null when none is plugged in (the record says so) */
    LatencyRun(RttProbe.Starter starter, LatencyRecord record, TestPrinter printer) {
        this.starter = starter;
        this.record = record;
        this.printer = printer;
    }

    /** Before the parameters: start the probe toward the server's UDP port and measure the idle phase. */
    void idlePhase(InetSocketAddress server, BooleanSupplier cancelled) {
        if (starter == null) {
            unavailable("no latency probe is available in this program (the link module is not on the class path)");
            return;
        }
        try {
            probe = starter.start(server, Duration.ofMillis(record.intervalMs));
            if (!probe.awaitAnswer(ANSWER_TIMEOUT)) {
                String why = probe.failure();
                unavailable("no answer to the latency probe on UDP port " + server.getPort() + " of "
                        + server.getAddress().getHostAddress() + (why != null ? " (" + why + ")" : "")
                        + ": latency needs an iperf3j server (iperf3j -s); the throughput test runs without it");
                return;
            }
            probe.takePhase(); // the connect, not idle time
            long start = System.nanoTime();
            sleepUntil(start + IDLE.toNanos(), cancelled);
            record.idle = probe.takePhase();
            record.idleSeconds = (System.nanoTime() - start) / 1e9;
        } catch (IOException e) {
            unavailable("the latency probe could not start: " + IoErrno.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable("interrupted");
        }
    }

    private void unavailable(String why) {
        record.unavailable = why;
        close();
        printer.warning("latency: " + why);
    }

    /** TEST_RUNNING: the load begins; what the probe saw during setup belongs to no phase. */
    void loadStarts() {
        if (probe != null) {
            probe.takePhase();
            probe.takeInterval();
            RttProbe p = probe;
            record.intervalsFrom(p::takeInterval);
        }
    }

    /** {@code -O}: the omitted seconds (slow start) are left out of the loaded phase, as out of iperf3's figures. */
    void omitEnds() {
        if (probe != null && record.loaded == null) {
            probe.takePhase();
        }
    }

    /** The test's final sample: the load ends; the last interval's figures are kept for its report. */
    void loadEnds() {
        if (probe != null && record.loaded == null) {
            record.freezeInterval(probe.takeInterval());
            record.loaded = probe.takePhase();
            loadEndNanos = System.nanoTime();
        }
    }

    /** Before the summary: the idle tail after the load, then the probe closes. */
    void tail(BooleanSupplier cancelled) {
        if (probe == null) {
            return;
        }
        if (record.loaded == null) {
            loadEnds();
        }
        try {
            sleepUntil(loadEndNanos + TAIL.toNanos(), cancelled);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RttFigures tail = probe.takePhase();
        record.tail = tail;
        record.tailSeconds = (System.nanoTime() - loadEndNanos) / 1e9;
        close();
    }

    private static void sleepUntil(long deadline, BooleanSupplier cancelled) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0 && !cancelled.getAsBoolean()) {
            Thread.sleep(Duration.ofNanos(Math.min(left, 50_000_000L)));
        }
    }

    @Override
    public void close() {
        RttProbe p = probe;
        probe = null;
        if (p != null) {
            p.close();
        }
    }
}
