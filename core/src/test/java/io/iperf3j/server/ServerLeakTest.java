package io.iperf3j.server;

import io.iperf3j.engine.ClientTest;
import io.iperf3j.engine.ServerLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thousand short tests in a row against one server (TCP normal and reverse,
 * UDP, several streams): afterwards the process's open file descriptors, threads,
 * live heap and resident memory are back at their level before, within a small
 * margin. Client and server run in this JVM, so whatever either leaks shows.
 */
@Timeout(180)
class ServerLeakTest {
    private static final int TESTS = 1000;
    private static final int WARM_UP = 100;

    record Usage(long fds, long rssKb, int threads, long heapBytes) {
        @Override
        public String toString() {
            return String.format("fds=%d rss=%.1fMiB threads=%d heap=%.1fMiB", fds, rssKb / 1024.0, threads,
                    heapBytes / 1048576.0);
        }
    }

    static Usage usage() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        }
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Usage(fds, rss, ManagementFactory.getThreadMXBean().getThreadCount(), heap.getUsed());
    }

    private static final List<String[]> MIX = List.of(
            new String[] {"-n", "1K", "-l", "1K"},
            new String[] {"-n", "1K", "-l", "1K", "-R"},
            new String[] {"-n", "4K", "-l", "1K", "-P", "3"},
            new String[] {"-k", "2", "-l", "1K", "--bidir"},
            new String[] {"-n", "2K", "-l", "1K", "-u", "-b", "100M"});

    private static void runTests(TestServer server, int count) {
        for (int i = 0; i < count; i++) {
            String[] args = MIX.get(i % MIX.size());
            ClientTest.Outcome o = server.ourClient(args);
            assertThat(o.error()).as("test %d %s; log:\n%s", i, List.of(args), server.log()).isNull();
        }
    }

    @Test
    void aThousandTestsLeaveFileDescriptorsThreadsAndMemoryWhereTheyWere() throws Exception {
        try (TestServer server = TestServer.discardingOutput(ServerLimits.DEFAULTS, "-J")) {
            runTests(server, WARM_UP);
            server.awaitIdle(Duration.ofSeconds(5));
            server.documents.clear();
            Usage before = usage();
            long t0 = System.nanoTime();
            runTests(server, TESTS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            server.awaitIdle(Duration.ofSeconds(5));
            server.documents.clear();
            Thread.sleep(200); // handshake virtual threads and closed sockets settle
            Usage after = usage();
            System.out.printf("ServerLeakTest: %d tests in %.1f s; before %s; after %s%n", TESTS, seconds, before, after);
            assertThat(server.server.completedTests()).isEqualTo(WARM_UP + TESTS);
            assertThat(after.fds()).as("open file descriptors").isLessThanOrEqualTo(before.fds() + 3);
            assertThat(after.threads()).as("platform threads").isLessThanOrEqualTo(before.threads() + 3);
            assertThat(after.heapBytes()).as("live heap after GC").isLessThan(before.heapBytes() + (16L << 20));
            // Resident memory: the JVM may keep heap pages it has touched; allow 10% or 32 MiB.
            assertThat(after.rssKb()).as("resident memory (kB)")
                    .isLessThan(Math.max(before.rssKb() + before.rssKb() / 10, before.rssKb() + 32 * 1024));
        }
    }
}
