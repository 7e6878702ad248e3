package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A snapshot of this process's CPU use, for iperf3's CPU utilisation figures.
 *
 * <p>It mirrors iperf3's {@code cpu_util()} ({@code src/iperf_util.c}): a
 * snapshot reads, in this order, the monotonic wall clock (iperf3's
 * {@code iperf_time_now}, {@code CLOCK_MONOTONIC} truncated to microseconds;
 * here {@link System#nanoTime()}, which is the same clock on Linux), the
 * process CPU time from {@code clock()} (here from {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)},
 * as glibc's {@code clock()} computes it) and the user and system times from
 * {@code getrusage(RUSAGE_SELF)}. core's {@code CpuUtilization.since}
 * divides the differences by the wall-clock difference, all in microseconds,
 * and multiplies by 100. Like iperf3 it measures the whole process: in a JVM
 * that includes the JIT compiler and GC threads.
 *
 * <p>Without FFM (see {@link NativeSocket#available()}) the process CPU time
 * comes from {@code com.sun.management.OperatingSystemMXBean#getProcessCpuTime()},
 * reported as {@code total} and {@code user}, with {@code system} 0; if that
 * bean is missing too, all figures are 0. {@link #isNative()} tells which.
 *
 * <p>Typical use: {@code start = ProcessCpu.now()} when iperf3 calls
 * {@code cpu_util(NULL)}, then {@code CpuUtilization.since(start, ProcessCpu.now())} (in core).
 */
public final class ProcessCpu {

    private final long wallMicros;
    private final long processMicros;
    private final long userMicros;
    private final long systemMicros;
    private final boolean isNative;

    private ProcessCpu(long wallMicros, long processMicros, long userMicros, long systemMicros, boolean isNative) {
        this.wallMicros = wallMicros;
        this.processMicros = processMicros;
        this.userMicros = userMicros;
        this.systemMicros = systemMicros;
        this.isNative = isNative;
    }

    /** Takes a snapshot now. */
    public static ProcessCpu now() {
        // Bind (once) before reading the clock, so wall and CPU times are read back to back.
        Libc libc = Libc.get().orElse(null);
        if (libc != null) {
            ProcessCpu s = nativeSnapshot(libc, System.nanoTime() / 1000L);
            if (s != null) {
                return s;
            }
        }
        OperatingSystemMXBean os = Fallback.BEAN;
        long wall = System.nanoTime() / 1000L;
        long cpu = fallbackCpuMicros(os);
        return new ProcessCpu(wall, cpu, cpu, 0L, false);
    }

    /** Loaded only when FFM is unusable. */
    private static final class Fallback {
        static final OperatingSystemMXBean BEAN = ManagementFactory.getOperatingSystemMXBean();
    }

    private static ProcessCpu nativeSnapshot(Libc libc, long wall) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            MemorySegment ts = arena.allocate(Libc.TIMESPEC_SIZE, 8);
            MemorySegment ru = arena.allocate(Libc.RUSAGE_SIZE, 8);
            long clock = libc.clock(state, ts);
            if (clock < 0 || libc.getrusage(state, Libc.RUSAGE_SELF, ru) < 0) {
                return null;
            }
            // struct rusage: ru_utime {tv_sec, tv_usec} at 0, ru_stime at 16 (longs on LP64).
            long user = ru.get(JAVA_LONG, 0) * 1_000_000L + ru.get(JAVA_LONG, 8);
            long system = ru.get(JAVA_LONG, 16) * 1_000_000L + ru.get(JAVA_LONG, 24);
            long process = clock * 1_000_000L / Libc.CLOCKS_PER_SEC;
            return new ProcessCpu(wall, process, user, system, true);
        }
    }

    private static long fallbackCpuMicros(OperatingSystemMXBean os) {
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long nanos = sun.getProcessCpuTime();
            return nanos < 0 ? 0L : nanos / 1000L;
        }
        return 0L;
    }

    /** Monotonic wall clock, µs (arbitrary origin). */
    public long wallMicros() {
        return wallMicros;
    }

    /** Process CPU time ({@code clock()}), µs. */
    public long processMicros() {
        return processMicros;
    }

    /** User CPU time ({@code ru_utime}), µs. */
    public long userMicros() {
        return userMicros;
    }

    /** System CPU time ({@code ru_stime}), µs; 0 without FFM. */
    public long systemMicros() {
        return systemMicros;
    }

    /** Whether the figures come from {@code clock()}/{@code getrusage} rather than the fallback. */
    public boolean isNative() {
        return isNative;
    }

    @Override
    public String toString() {
        return "ProcessCpu[wall=" + wallMicros + "us, process=" + processMicros + "us, user=" + userMicros
                + "us, system=" + systemMicros + "us" + (isNative ? "" : ", fallback") + "]";
    }
}
