package io.iperf3j.server;

import io.iperf3j.internal.engine.ClientTest;
import io.iperf3j.internal.engine.server.ServerLimits;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The process {@link ServerLeakTest} starts: one iperf3j server and client in a JVM
 * of its own (fixed, pre-touched heap, so heap growth does not show as resident
 * memory), a warm-up, then the measured tests. Prints one {@code usage ...} line per
 * measurement point and {@code done} at the end, or {@code FAIL ...}.
 */
public final class LeakRunner {
    static final List<String[]> MIX = List.of(
            new String[] {"-n", "1K", "-l", "1K"},
            new String[] {"-n", "1K", "-l", "1K", "-R"},
            new String[] {"-n", "4K", "-l", "1K", "-P", "3"},
            new String[] {"-k", "2", "-l", "1K", "--bidir"},
            new String[] {"-n", "2K", "-l", "1K", "-u", "-b", "100M"});

    private LeakRunner() {
    }

    public static void main(String[] args) throws Exception {
        int warmUp = Integer.parseInt(args[0]);
        int tests = Integer.parseInt(args[1]);
        int every = Integer.parseInt(args[2]);
        try (TestServer server = TestServer.discardingOutput(ServerLimits.DEFAULTS, "-J")) {
            run(server, warmUp);
            report(server, 0, 0);
            long t0 = System.nanoTime();
            for (int done = 0; done < tests; done += every) {
                run(server, every);
                report(server, done + every, (System.nanoTime() - t0) / 1e9);
            }
            if (server.server.completedTests() != warmUp + tests) {
                System.out.println("FAIL completed " + server.server.completedTests());
            }
        }
        System.out.println("done");
        System.out.flush();
        System.exit(0);
    }

    private static void run(TestServer server, int count) {
        for (int i = 0; i < count; i++) {
            String[] a = MIX.get(i % MIX.size());
            ClientTest.Outcome o = server.ourClient(a);
            if (o.error() != null) {
                System.out.println("FAIL test " + List.of(a) + ": " + o.error().getMessage());
            }
        }
    }

    private static void report(TestServer server, int tests, double seconds) throws Exception {
        server.awaitIdle(Duration.ofSeconds(5));
        server.documents.clear();
        Thread.sleep(100); // handshake virtual threads and closing sockets settle
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        }
        long rssKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rssKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        System.out.printf("usage tests=%d seconds=%.1f fds=%d rssKb=%d threads=%d heapBytes=%d nativeKb=%d%n", tests,
                seconds, fds, rssKb, threads, heap, nativeOtherKb());
        System.out.flush();
    }

    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    /**
     * Native memory Java code holds outside the heap — direct buffers and FFM allocations,
     * which HotSpot's native memory tracking files under "Other" — from the JVM's own
     * count ({@code -XX:NativeMemoryTracking=summary}), so the C library keeping freed
     * memory for reuse does not hide or fake a leak; -1 when tracking is off.
     */
    private static long nativeOtherKb() throws Exception {
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=KB"}}, new String[] {String[].class.getName()});
        Matcher m = OTHER.matcher(String.valueOf(text));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
