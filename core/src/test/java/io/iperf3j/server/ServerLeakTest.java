package io.iperf3j.server;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A thousand short tests in a row against one server (TCP normal and reverse,
 * several streams, bidir, UDP), with iperf3j's own client, in a JVM of their own
 * ({@link LeakRunner}): afterwards the process's open file descriptors, threads and
 * live heap are back at their level before, and resident memory within a small
 * margin. Client and server share the process, so whatever either leaks shows.
 *
 * <p>The heap is fixed and pre-touched ({@code -Xms=-Xmx}, {@code AlwaysPreTouch}),
 * so the JVM growing its heap does not pass for a leak; what remains is native
 * memory, metaspace and the JIT's code cache, which settle after the warm-up.
 */
@Tag("slow")
@Timeout(300)
class ServerLeakTest {
    private static final int WARM_UP = 200;
    private static final int TESTS = 1000;
    private static final int EVERY = 250;

    record Usage(int tests, double seconds, long fds, long rssKb, int threads, long heapBytes, long nativeKb) {
        static Usage parse(String line) {
            Map<String, String> kv = new TreeMap<>();
            for (String part : line.substring("usage ".length()).split(" ")) {
                String[] p = part.split("=", 2);
                kv.put(p[0], p[1]);
            }
            return new Usage(Integer.parseInt(kv.get("tests")), Double.parseDouble(kv.get("seconds")),
                    Long.parseLong(kv.get("fds")), Long.parseLong(kv.get("rssKb")), Integer.parseInt(kv.get("threads")),
                    Long.parseLong(kv.get("heapBytes")), Long.parseLong(kv.get("nativeKb")));
        }
    }

    @Test
    void aThousandTestsLeaveFileDescriptorsThreadsAndMemoryWhereTheyWere() throws Exception {
        Path out = Files.createTempFile("iperf3j-leak", ".out");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xms128m", "-Xmx128m",
                    "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-XX:NativeMemoryTracking=summary", "-cp", System.getProperty("java.class.path"),
                    LeakRunner.class.getName(), Integer.toString(WARM_UP), Integer.toString(TESTS), Integer.toString(EVERY)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            // glibc keeps freed memory in per-thread arenas and raises its mmap threshold after each
            // large free, so RSS steps up by megabytes whenever a new thread or a C2 compilation
            // (arena memory, malloc'd and freed) meets a fresh arena: retention, not a leak. A fixed
            // threshold and two arenas make freed blocks go back to the kernel, so what RSS still
            // gains is memory the process holds.
            pb.environment().put("MALLOC_ARENA_MAX", "2");
            pb.environment().put("MALLOC_MMAP_THRESHOLD_", "131072");
            pb.environment().put("MALLOC_TRIM_THRESHOLD_", "131072");
            Process p = pb.start();
            try {
                assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("leak runner finished").isTrue();
            } finally {
                p.destroyForcibly(); // our own child, by its handle
            }
            List<String> lines = Files.readAllLines(out);
            String all = String.join("\n", lines);
            System.out.println("ServerLeakTest:\n" + all);
            assertThat(lines).as(all).contains("done").noneMatch(l -> l.startsWith("FAIL"));
            List<Usage> points = lines.stream().filter(l -> l.startsWith("usage ")).map(Usage::parse).toList();
            assertThat(points).hasSize(1 + TESTS / EVERY);
            Usage before = points.getFirst();
            Usage after = points.getLast();
            assertThat(after.tests()).isEqualTo(TESTS);
            assertThat(after.fds()).as("open file descriptors\n%s", all).isLessThanOrEqualTo(before.fds() + 2);
            assertThat(after.threads()).as("platform threads\n%s", all).isLessThanOrEqualTo(before.threads() + 2);
            assertThat(after.heapBytes()).as("live heap after GC\n%s", all).isLessThan(before.heapBytes() + (4L << 20));
            // Direct buffers and FFM memory, as the JVM counts them: what a test forgets to free shows here
            // to the kilobyte (a UDP receiver's batch slots alone are 2 MiB).
            assertThat(before.nativeKb()).as("native memory tracking on\n%s", all).isPositive();
            assertThat(after.nativeKb()).as("direct and FFM memory (kB)\n%s", all).isLessThan(before.nativeKb() + 1024);
            // Resident memory also moves with the C library's arenas and the JIT's compiler arenas
            // (steps of 10-15 MB at random points, then flat; HotSpot's own count stays within 3 MB):
            // a loose bound that still catches a leak of 32 KiB a test.
            assertThat(after.rssKb()).as("resident memory (kB)\n%s", all).isLessThan(before.rssKb() + 32 * 1024);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
