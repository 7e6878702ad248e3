package io.iperf3j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A signal this process inherited as ignored, given back its default disposition, so the JVM
 * lets a handler be installed for it. Why: a shell starts a background job ({@code cmd &} in a
 * script) with SIGINT and SIGQUIT ignored, and HotSpot installs no handler for a shutdown signal
 * (INT, TERM, HUP) that is ignored ({@code JVM_RegisterSignal}: {@code sun.misc.Signal.handle}
 * then returns {@code SIG_IGN} and installs nothing). iperf3 installs its handlers with
 * {@code signal(2)} whatever it inherited ({@code iperf_catch_sigend}), so {@code kill -INT} ends it
 * there; the command line calls this, then installs its handler again.
 */
public final class SignalDisposition {
    private SignalDisposition() {
    }

    /**
     * Sets signal {@code number} to {@code SIG_DFL} if it is ignored ({@code SIG_IGN}) now.
     *
     * @return whether it was ignored (and now is not)
     * @throws NativeSocketException with the errno when {@code sigaction(2)} fails ({@code EINVAL}: no such signal)
     * @throws UnsupportedOperationException when FFM is unavailable
     */
    public static boolean resetIfIgnored(int number) {
        Libc libc = Libc.get().orElseThrow(() -> new UnsupportedOperationException("FFM unavailable"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            MemorySegment current = arena.allocate(Libc.SIGACTION_SIZE, 8);
            check(libc, libc.sigaction(state, number, MemorySegment.NULL, current));
            if (current.get(JAVA_LONG, 0) != Libc.SIG_IGN) {
                return false;
            }
            MemorySegment byDefault = arena.allocate(Libc.SIGACTION_SIZE, 8); // zeroed: SIG_DFL, empty mask, no flags
            byDefault.set(JAVA_LONG, 0, Libc.SIG_DFL);
            check(libc, libc.sigaction(state, number, byDefault, MemorySegment.NULL));
            return true;
        }
    }

    /**
     * Unblocks signals {@code numbers} in the calling thread (threads it starts afterwards inherit
     * that). Why: the launchers start the JVM with INT, TERM and HUP ignored and blocked, so one
     * that comes while the JVM boots waits instead of meeting the JDK's own handler before
     * java.base is defined (it then printed "Runtime.exit(143) logging failed: Cannot invoke
     * "java.lang.Module.getClassLoader()" ..."; issue 46). Once the command line's handlers are in
     * place, this lets the waiting signal, and every later one, through to them.
     *
     * @throws NativeSocketException with the errno when {@code pthread_sigmask(3)} fails
     * @throws UnsupportedOperationException when FFM is unavailable
     */
    public static void unblock(int... numbers) {
        Libc libc = Libc.get().orElseThrow(() -> new UnsupportedOperationException("FFM unavailable"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            MemorySegment set = arena.allocate(Libc.SIGSET_SIZE, 8); // zeroed: the empty set
            for (int n : numbers) {
                int bit = n - 1;
                set.set(JAVA_LONG, 8L * (bit / 64), set.get(JAVA_LONG, 8L * (bit / 64)) | 1L << (bit % 64));
            }
            check(libc, libc.pthreadSigmask(state, Libc.SIG_UNBLOCK, set, MemorySegment.NULL));
        }
    }

    private static void check(Libc libc, int r) {
        if (r < 0) {
            throw new NativeSocketException("sigaction", -r, libc.strerror(-r));
        }
    }
}
