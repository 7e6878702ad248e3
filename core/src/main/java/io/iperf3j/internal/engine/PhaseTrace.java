package io.iperf3j.internal.engine;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * {@code -Diperf3j.trace.phases=true} (e.g. in {@code IPERF3J_JAVA_OPTS}): one line on stderr
 * per phase of a run, {@code "iperf3j-phase NAME EPOCH_SECONDS THREAD"} with microseconds, so
 * bench/startup-phases.sh can put the JVM's own steps beside the system calls' times. The
 * command line marks its start, option parsing and exit; a client marks its control
 * connection, the test's start and end, and the results exchange. Off, a mark costs one
 * read of a constant.
 *
 * <p>Thread: any; each line is one {@code println} on {@link System#err}.
 */
public final class PhaseTrace {
    private static final boolean ON = Boolean.getBoolean("iperf3j.trace.phases");

    private PhaseTrace() {
    }

    /** Marks phase {@code name} now; nothing unless tracing is on. */
    public static void mark(String name) {
        if (ON) {
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            String fraction = Long.toString(1_000_000 + micros % 1_000_000).substring(1);
            System.err.println("iperf3j-phase " + name + " " + micros / 1_000_000 + "." + fraction + " "
                    + Thread.currentThread().getName());
        }
    }
}
