package io.iperf3j.sys;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The errno of the thread that calls, for the TCP data path's calls by address, which capture none
 * ({@code Libc.recvAt}): {@link #read()} right after a call that returned -1. The word of the thread
 * that read last is kept, so a worker finds it once ({@code __errno_location()}); a virtual thread's is
 * found at each read, its carrier (whose errno it is) being free to change between calls. Not
 * thread-safe: one worker reads; another thread reading only finds its own word each time.
 */
final class ErrnoWord {
    private final Libc libc;
    private Thread owner;
    private MemorySegment word;

    ErrnoWord(Libc libc) {
        this.libc = libc;
    }

    /** Finds the calling thread's word now, if it is not the one kept: before a call, not between it and {@link #read()}. */
    void bind() {
        Thread caller = Thread.currentThread();
        if (caller != owner) {
            word = libc.errnoWord();
            owner = caller.isVirtual() ? null : caller;
        }
    }

    /** The calling thread's errno, as {@link #bind()} found its word. */
    int read() {
        return word.get(JAVA_INT, 0);
    }
}
