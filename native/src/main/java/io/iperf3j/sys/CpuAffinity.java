package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * {@code -A}: CPU affinity through {@code sched_setaffinity(2)}, as iperf3's
 * {@code iperf_setaffinity}. iperf3 pins its main thread before it starts its stream
 * threads, which inherit the mask; iperf3j likewise pins the thread that runs a test
 * (a client's caller, a server's test thread) before it starts the stream workers,
 * which inherit it from their creator, and puts the thread's previous mask back
 * afterwards ({@link #currentThreadMask}, {@link #setCurrentThreadMask}), since that
 * thread may belong to an application embedding the library. The JVM's own threads
 * (compiler, GC) are left alone.
 *
 * <p>The mask holds CPUs 0..2047 (iperf3 accepts 0..1024). A CPU the machine does not
 * have fails with {@code EINVAL}, as it does for iperf3.
 */
public final class CpuAffinity {
    private static final int MASK_BYTES = 256;

    private CpuAffinity() {
    }

    /** Whether the native calls are usable in this JVM. */
    public static boolean available() {
        return Libc.get().isPresent();
    }

    /**
     * Pins the calling thread (and so the threads it starts from now on) to {@code cpu}.
     *
     * @throws NativeSocketException with the kernel's errno ({@code EINVAL}: no such CPU)
     * @throws UnsupportedOperationException when FFM is unavailable
     */
    public static void pinCurrentThread(int cpu) {
        byte[] mask = new byte[MASK_BYTES];
        if (cpu >= 0 && cpu < MASK_BYTES * 8) {
            mask[cpu / 8] = (byte) (1 << (cpu % 8));
        }
        setCurrentThreadMask(mask);
    }

    /** The calling thread's CPU mask (bit n = CPU n), to restore later. */
    public static byte[] currentThreadMask() {
        Libc libc = libc();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            int r = libc.schedGetaffinity(Libc.newCallState(arena), 0, mask);
            if (r != 0) {
                throw new NativeSocketException("sched_getaffinity", -r, libc.strerror(-r));
            }
            return mask.toArray(JAVA_BYTE);
        }
    }

    /** Sets the calling thread's CPU mask (bit n = CPU n). */
    public static void setCurrentThreadMask(byte[] bits) {
        Libc libc = libc();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            MemorySegment.copy(bits, 0, mask, JAVA_BYTE, 0, Math.min(bits.length, MASK_BYTES));
            int r = libc.schedSetaffinity(Libc.newCallState(arena), 0, mask);
            if (r != 0) {
                throw new NativeSocketException("sched_setaffinity", -r, libc.strerror(-r));
            }
        }
    }

    /** The calling thread's kernel id, as in {@code /proc/PID/task/TID}. */
    public static int currentThreadId() {
        return libc().gettid();
    }

    private static Libc libc() {
        return Libc.get().orElseThrow(() -> new UnsupportedOperationException("FFM unavailable"));
    }
}
