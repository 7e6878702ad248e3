package io.iperf3j.sys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The calling thread's scheduler figures from {@code /proc/thread-self/schedstat} (Linux 3.17+ for
 * {@code thread-self}; the file needs {@code CONFIG_SCHED_INFO}, on in every distribution kernel).
 *
 * <p>Why a thread's CPU time alone cannot tell that it was short of CPU: a thread pinned (with
 * {@code -A}) to a core that a busier process of higher priority shares runs little, so its own CPU
 * share looks low; the time it was runnable but waited for the core does not. {@link #runNanos()} +
 * {@link #waitNanos()} over a wall interval is the share of that interval the thread wanted a CPU.
 *
 * @param runNanos   1st field: time spent running on a CPU, ns
 * @param waitNanos  2nd field: time spent runnable, waiting on a run queue, ns
 * @param timeslices 3rd field: time slices run on this CPU
 * @param wallNanos  {@link System#nanoTime()} when it was read
 */
public record ThreadSchedStat(long runNanos, long waitNanos, long timeslices, long wallNanos) {
    private static final Path SELF = Path.of("/proc/thread-self/schedstat");

    /** The calling thread's figures; empty where the file is missing or unreadable (not Linux, no schedstat). */
    public static Optional<ThreadSchedStat> current() {
        try {
            long wall = System.nanoTime();
            return parse(new String(Files.readAllBytes(SELF), StandardCharsets.US_ASCII), wall);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Parses the file's one line ({@code "run wait slices\n"}); empty when it is not three numbers. */
    static Optional<ThreadSchedStat> parse(String line, long wallNanos) {
        String[] f = line.trim().split(" ");
        if (f.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ThreadSchedStat(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    wallNanos));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
