package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A paced sender's sleep until a deadline on {@link System#nanoTime()}'s clock, as iperf3 3.18+
 * sleeps between blocks: one {@code clock_nanosleep(CLOCK_MONOTONIC)} per wait.
 *
 * <p>Why not {@link LockSupport#parkNanos}: a timed park is a {@code pthread_cond_timedwait}, which
 * glibc ends with a second futex call when it times out, so a paced TCP stream made two system calls
 * per wait where iperf3 makes one (counted with {@code perf stat -e syscalls:sys_enter_futex}: 35 816
 * futex calls against iperf3's 16 196 {@code clock_nanosleep}s for the same 5 s at {@code -b 5G};
 * docs/design/cpu-per-bit.md). The sleep is relative (the deadline minus the {@code now} the caller read
 * just before), as iperf3's absolute deadline is computed from a clock read just before: so it does not
 * depend on {@code nanoTime} being the kernel's {@code CLOCK_MONOTONIC} (it is, in HotSpot on Linux), and
 * a late start only makes the sender find more bytes due, which the pacer's schedule absorbs.
 *
 * <p>Such a sleep cannot be ended early by {@link LockSupport#unpark}: callers use it for short waits
 * only ({@link #SHORT_NANOS}) and park for longer ones, so a stop request is still seen within that.
 * Where FFM cannot be used every sleep is a park.
 *
 * <p>Threads: one instance per sleeping thread (it owns a 16-byte {@code timespec}).
 */
public final class MonotonicSleep {
    /** The longest wait slept in the kernel without a way to be woken early; longer ones park. */
    public static final long SHORT_NANOS = 2_000_000L;
    private final Libc libc;
    private final MemorySegment timespec;

    private MonotonicSleep(Libc libc, MemorySegment timespec) {
        this.libc = libc;
        this.timespec = timespec;
    }

    /**
     * A sleeper for one thread (made on any thread); with FFM, {@code clock_nanosleep} is bound and
     * its call linked now (once per JVM).
     */
    public static MonotonicSleep create() {
        Libc libc = Libc.get().orElse(null);
        if (libc == null) {
            return new MonotonicSleep(null, null);
        }
        try {
            libc.bindSleep();
        } catch (LinkageError | RuntimeException e) { // no stub for this shape: park instead
            return new MonotonicSleep(null, null);
        }
        MemorySegment timespec = Arena.ofAuto().allocate(Libc.TIMESPEC_SIZE, 8);
        // One call of 0 ns (it returns at once) links the call, so a stream's first sleep does not
        // spin the downcall's classes when its first block is due.
        libc.sleepFor(timespec);
        return new MonotonicSleep(libc, timespec);
    }

    /** Whether sleeps go to {@code clock_nanosleep} (else every sleep parks). */
    public boolean isNative() {
        return libc != null;
    }

    /**
     * Sleeps until {@code deadline} ({@link System#nanoTime()} units), given {@code now} read just
     * before: a wait up to {@link #SHORT_NANOS} in one {@code clock_nanosleep}; a longer one parks for
     * at most {@code maxPark} (an {@link LockSupport#unpark} ends it at once), so callers re-check
     * their deadline and stop flag after each call. A signal may end either early.
     */
    public void until(long deadline, long now, long maxPark) {
        long wait = deadline - now;
        if (wait <= 0) {
            return;
        }
        if (libc != null && wait <= SHORT_NANOS) {
            timespec.set(JAVA_LONG, 0, 0L);
            timespec.set(JAVA_LONG, 8, wait);
            libc.sleepFor(timespec);
            return;
        }
        LockSupport.parkNanos(Math.min(wait, maxPark));
    }
}
