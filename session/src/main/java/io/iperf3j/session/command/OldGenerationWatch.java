package io.iperf3j.session.command;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * Keeps a session controller's heap near what it holds, for as long as a plan runs: when the old generation
 * has grown {@link #HEADROOM} (or a quarter, if more) past what was live after its last collection (at least to
 * {@link #FLOOR}; to twice the live set when collections come {@link #OFTEN}), it is collected.
 *
 * <p>Why: iperf3j runs on the serial collector (cli's jvm.options: one GC thread on 2-core boxes, and the AOT
 * cache is trained with it). A controller's objects live as long as a test (its SSH buffers, a client's
 * output lines, parsed results: 1-2 s), longer than the young generation's few collections, so they are
 * promoted and die in the old generation; the serial collector grows the old generation rather than collect
 * it while the heap's maximum (a quarter of RAM) allows, so the process's memory rose with every test: 458 MiB
 * after 4 560 tests of a 96-host mesh (bench/fleet.py, NMT: 347 MiB of tenured generation, 99 % "used"),
 * where a collection leaves about 10 MiB per 500 tests. A heap cap ({@code -Xmx}) would bound it but fail a
 * plan big enough to need more; this follows the live set instead. Not twice the live set (stop 46 to 75): the
 * old generation's pages stay resident up to the most it ever held, and at 96 hosts (20 MiB live) twice made 40-45
 * MiB of it, the controller 137 MiB; at 200 hosts (34 MiB live) 160 MiB (issue 69: at most 128 MiB).
 * A fixed headroom costs more collections as the live set grows (one every {@code HEADROOM} promoted, each about
 * 130-220 ms for 17 MiB live on this busy 2-core machine), which the quarter bounds. The serial collector has no periodic or
 * soft-maximum collection (G1's {@code G1PeriodicGCInterval}, ZGC's {@code SoftMaxHeapSize}), and after a full
 * collection it gives back what is more than {@code MaxHeapFreeRatio} free.
 *
 * <p>How: the old generation's usage threshold ({@link MemoryPoolMXBean#setUsageThreshold}), checked by the
 * JVM as objects are promoted; its notification starts a full collection ({@link System#gc()}) on a thread of
 * its own, after which the threshold is set again from the usage after that collection
 * ({@link MemoryPoolMXBean#getCollectionUsage()}). Nothing happens in a JVM whose old generation has no usage
 * threshold, or with {@code -XX:+DisableExplicitGC}.
 *
 * <p>Threads: the JVM's notification thread calls the listener, which only starts the collecting thread (one
 * at a time); {@link #close()} removes the listener and the threshold.
 */
final class OldGenerationWatch implements AutoCloseable {
    /**
     * The least the old generation may hold before it is collected: 64 MiB left a 48-host mesh's controller at
     * 145-155 MiB, 32 MiB at 128-130 (docs/design/footprint.md); a full collection of a heap that small takes
     * tens of milliseconds on one thread.
     */
    static final long FLOOR = 32L << 20;
    /**
     * How far the old generation may grow past its live set before it is collected, at least: a 96-host mesh's controller
     * (17 MiB live) promoted about 1.2 MiB a second with a 10 MiB young generation (issue 69's bench), and a 200-host one
     * holds 24 MiB, so {@link #FLOOR} or this makes a collection every 6-15 s there, each 130-250 ms on this busy machine.
     */
    static final long HEADROOM = 8L << 20;
    /**
     * A collection this watch starts less than this after the one before means the old generation fills fast (a
     * 200-host schedule filled the headroom in under a second, issue 69: 694 collections, 81 s of pauses in 435 s, with the
     * headroom alone): the next threshold is then twice the live set, as before issue 69, which bounds the time collecting.
     */
    static final java.time.Duration OFTEN = java.time.Duration.ofSeconds(5);

    private final Optional<MemoryPoolMXBean> pool;
    private final NotificationListener listener = this::notified;
    private final AtomicBoolean collecting = new AtomicBoolean();

    private OldGenerationWatch(Optional<MemoryPoolMXBean> pool) {
        this.pool = pool;
    }

    /** Starts watching this JVM's old generation (does nothing where it cannot). */
    static OldGenerationWatch start() {
        Optional<MemoryPoolMXBean> old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isUsageThresholdSupported() && p.isCollectionUsageThresholdSupported())
                .filter(p -> p.getName().contains("Tenured") || p.getName().contains("Old Gen"))
                .findFirst();
        OldGenerationWatch watch = new OldGenerationWatch(old);
        old.ifPresent(p -> {
            ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(watch.listener, null, null);
            rearm(p, false);
        });
        return watch;
    }

    /**
     * The usage at which the old generation is collected next: what a collection left and {@link #HEADROOM} or a quarter
     * of it, whichever is more, or twice it when collections come {@code often} ({@link #OFTEN}); at least {@link #FLOOR}.
     */
    static long threshold(long liveAfterCollection, boolean often) {
        long live = Math.max(0, liveAfterCollection);
        return Math.max(FLOOR, live + (often ? Math.max(HEADROOM, live) : Math.max(HEADROOM, live / 4)));
    }

    /** When this watch last collected ({@link System#nanoTime}): used by its collecting thread, one at a time. */
    private volatile long lastCollection = Long.MIN_VALUE;

    /** Sets {@code p}'s threshold from what its last collection left (nothing before the first). */
    private static void rearm(MemoryPoolMXBean p, boolean often) {
        java.lang.management.MemoryUsage after = p.getCollectionUsage();
        p.setUsageThreshold(threshold(after == null ? 0 : after.getUsed(), often));
    }

    private void notified(Notification n, Object handback) {
        if (!MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(n.getType()) || pool.isEmpty()
                || !collecting.compareAndSet(false, true)) {
            return;
        }
        Thread.ofPlatform().daemon().name("iperf3j-session-heap").start(() -> {
            try {
                long now = System.nanoTime();
                boolean often = lastCollection != Long.MIN_VALUE && now - lastCollection < OFTEN.toNanos();
                lastCollection = now;
                System.gc();
                MemoryPoolMXBean p = pool.get();
                if (p.isValid()) {
                    rearm(p, often);
                }
            } finally {
                collecting.set(false);
            }
        });
    }

    @Override
    public void close() {
        if (pool.isEmpty()) {
            return;
        }
        try {
            ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).removeNotificationListener(listener);
        } catch (ListenerNotFoundException e) {
            // not added: nothing to remove
        }
        pool.get().setUsageThreshold(0);
    }
}
