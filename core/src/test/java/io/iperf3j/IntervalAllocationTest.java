package io.iperf3j;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 58: a test's thread reports an interval with little allocation. What an interval must keep is its
 * JSON (the result document holds every interval, as iperf3's does) and the TCP_INFO snapshot it was
 * read from; its text is formatted in reused buffers ({@code CFormat.appendFixed}, the reporter's line,
 * the printer's held block, the sink's encoder) and its loops make no iterators. Before that, a sending
 * client's thread made 9.2 KB per text interval and a receiving server's 7.1 KB; now about 1.7 and 0.9.
 * The bound, 3 KB, is far under the old figures and over what an interval keeps, so a return of per-column
 * {@code String}s fails it. Measured with {@code -i 0.1}, over 20 intervals after 1.5 s of warm-up, on the
 * threads of both sides in this JVM ({@code ThreadMXBean#getThreadAllocatedBytes}).
 */
@Timeout(120)
// alone: its threads are found by name, which the in-process clients of the CONCURRENT interop classes
// (junit-platform.properties) share
@Isolated
class IntervalAllocationTest {
    private static final long BOUND_PER_INTERVAL = 3 * 1024;
    private static final int INTERVALS = 20;
    private static final Predicate<String> TEST_THREAD = n -> n.equals("iperf3j-client") || n.startsWith("iperf3j-server-test");
    private RunningIperf server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null && !server.isDone()) {
            server.cancel();
        }
    }

    @Test
    void aSendingClientAndItsServerReportTextIntervalsWithoutGarbage() throws Exception {
        assertThat(perInterval(IperfCommand.client("127.0.0.1"), "-i", "0.1"))
                .containsKeys("iperf3j-client", "iperf3j-server-test1")
                .allSatisfy((thread, bytes) -> assertThat(bytes).as(thread).isLessThan(BOUND_PER_INTERVAL));
    }

    @Test
    void aReverseTestReportsTextIntervalsWithoutGarbage() throws Exception {
        assertThat(perInterval(IperfCommand.client("127.0.0.1").reverse(), "-i", "0.1"))
                .containsKeys("iperf3j-client", "iperf3j-server-test1")
                .allSatisfy((thread, bytes) -> assertThat(bytes).as(thread).isLessThan(BOUND_PER_INTERVAL));
    }

    /** Bytes each test thread (client and server) allocated per interval, by thread name. */
    private Map<String, Long> perInterval(IperfCommand client, String... args) throws Exception {
        PrintStream nul = new PrintStream(OutputStream.nullOutputStream());
        Map<Long, String> earlier = ThreadAllocation.threads(TEST_THREAD);
        server = IperfCommand.server().port(0).longLived().args("-i", "0.1").output(nul, nul).spawn();
        int port = server.localPort().orElseThrow(() -> new AssertionError("server did not listen"));
        RunningIperf run = client.port(port).bitrate(1_000_000_000L).duration(Duration.ofSeconds(5))
                .args(args).output(nul, nul).spawn();
        Thread.sleep(1500);
        Map<Long, String> threads = ThreadAllocation.startedSince(TEST_THREAD, earlier);
        Map<Long, Long> before = ThreadAllocation.allocated(threads);
        Thread.sleep(INTERVALS * 100);
        Map<Long, Long> after = ThreadAllocation.allocated(threads);
        Map<Long, String> still = ThreadAllocation.threads(TEST_THREAD);
        IperfResult result = run.await();
        assertThat(result.succeeded()).as("%s", result.error()).isTrue();
        assertThat(still.keySet()).as("the window lay inside the test").containsAll(threads.keySet());
        Map<String, Long> perInterval = ThreadAllocation.between(threads, before, after);
        perInterval.replaceAll((thread, bytes) -> bytes / INTERVALS);
        return perInterval;
    }
}
