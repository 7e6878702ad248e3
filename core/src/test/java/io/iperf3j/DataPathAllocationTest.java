package io.iperf3j;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 58: a TCP stream's worker allocates nothing per block, paced ({@code -b}, which sleeps between
 * blocks) or not, sending or receiving. The bytes each stream thread allocated are read
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) at the ends of one-second windows (up to eight) while
 * the test runs, after its start-up; in each the streams move thousands of 128 KiB blocks (2 Gbit/s paced: ~1 900), so
 * one object per block (16 bytes or more) would show as tens of kilobytes in every window. A stream's least window
 * counts, held to {@link #BYTES_PER_BLOCK} per block the test moved in a window on average, and to no less than
 * {@link #ONCE}: start-up is not a cost per block (the windows stop once every thread has had a clean one), nor is a
 * compiler's deoptimisation re-materialising an object it had eliminated, a few bytes once. Measured here, every window
 * of both threads is 0 with C2, with C1 only ({@code -XX:TieredStopAtLevel=1}) and interpreted ({@code -Xint}); two CI
 * runs on loaded machines gave the receiver of the reverse test 16 KB (least of three windows) and 11.5 KB (least of
 * eight), far under an object per block at any rate a loopback test reaches, and over a fixed 1 KB bound. The windows
 * are checked to lie inside the transfer: the same stream threads are alive at every read.
 * (A UDP sender is left out: the FFM linker's errno capture allocates 32 bytes per {@code sendmmsg} under
 * C1, docs/design/cpu-per-bit.md.)
 */
@Timeout(120)
// alone: its threads are found by name, which the in-process clients of the CONCURRENT interop classes
// (junit-platform.properties) share; threads an earlier test left running are not counted either
@Isolated
class DataPathAllocationTest {
    /** The floor of a window's bound: a few objects once. */
    private static final long ONCE = 1024;
    /** Two bytes per block moved: an object of 16 bytes every eight blocks, an eighth of one per block. */
    private static final long BYTES_PER_BLOCK = 2;
    private static final Predicate<String> STREAM_THREAD = n -> n.startsWith("iperf3j-") && n.contains("-stream-");
    private RunningIperf server;

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null && !server.isDone()) {
            server.cancel();
        }
    }

    @Test
    void aPacedTcpSenderAndItsReceiverAllocateNothingPerBlock() throws Exception {
        steadyStateAllocation(IperfCommand.client("127.0.0.1").bitrate(2_000_000_000L)).assertNothingPerBlock();
    }

    @Test
    void anUnpacedReverseTestAllocatesNothingPerBlock() throws Exception {
        steadyStateAllocation(IperfCommand.client("127.0.0.1").reverse()).assertNothingPerBlock();
    }

    /** Each stream thread's least bytes in a window, by name, and the blocks the test moved in a window on average. */
    private record Allocation(Map<String, Long> least, long blocksPerWindow) {
        void assertNothingPerBlock() {
            long bound = Math.max(ONCE, BYTES_PER_BLOCK * blocksPerWindow);
            assertThat(least).as("least bytes per window; %d blocks a window, bound %d", blocksPerWindow, bound)
                    .isNotEmpty().allSatisfy((thread, bytes) -> assertThat(bytes).as(thread).isLessThan(bound));
        }
    }

    /**
     * The least bytes each stream thread allocated in one of up to eight one-second windows from 1.5 s of a 10 s test,
     * by thread name, and the blocks (of the test's block size) it moved in a second on average; the windows stop once
     * every thread has had one under {@link #ONCE}. One object per block shows in every window however many.
     */
    private Allocation steadyStateAllocation(IperfCommand client) throws Exception {
        Map<Long, String> earlier = ThreadAllocation.threads(STREAM_THREAD);
        if (!earlier.isEmpty()) {
            System.out.printf("DataPathAllocationTest: stream threads running before the test: %s%n", earlier);
        }
        server = IperfCommand.server().port(0).longLived().spawn();
        int port = server.localPort().orElseThrow(() -> new AssertionError("server did not listen"));
        RunningIperf run = client.port(port).duration(Duration.ofSeconds(10)).spawn();
        Thread.sleep(1500);
        Map<Long, String> first = ThreadAllocation.startedSince(STREAM_THREAD, earlier);
        Map<Long, Long> before = ThreadAllocation.allocated(first);
        Map<String, Long> least = new java.util.HashMap<>();
        int windows = 0;
        for (; windows < 8 && (least.isEmpty() || least.values().stream().anyMatch(b -> b >= ONCE)); windows++) {
            Thread.sleep(1000);
            Map<Long, Long> after = ThreadAllocation.allocated(first);
            Map<String, Long> inWindow = ThreadAllocation.between(first, before, after);
            System.out.printf("DataPathAllocationTest window %d: %s%n", windows + 1, inWindow);
            inWindow.forEach((thread, bytes) -> least.merge(thread, bytes, Math::min));
            before = after;
        }
        Map<Long, String> still = ThreadAllocation.threads(STREAM_THREAD);
        IperfResult result = run.await();
        assertThat(result.succeeded()).as("%s", result.error()).isTrue();
        // one sender and one receiver, both alive across the window: it lay inside the transfer
        assertThat(first.values()).anyMatch(n -> n.endsWith("-tx")).anyMatch(n -> n.endsWith("-rx"));
        assertThat(still.keySet()).containsAll(first.keySet());
        IperfSample received = result.summary().orElseThrow().received();
        long block = result.run().start().flatMap(IperfRun.Start::test).orElseThrow().blksize();
        long blocksPerWindow = Math.round(received.bytes() / (double) block / received.seconds());
        System.out.printf("DataPathAllocationTest: %d windows, %d blocks a window on average, least %s%n", windows,
                blocksPerWindow, least);
        return new Allocation(least, blocksPerWindow);
    }
}
