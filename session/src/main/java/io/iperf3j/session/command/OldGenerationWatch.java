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
 * {@link #FLOOR}; twice the headroom when collections come {@link #OFTEN}), it is collected, and the collector keeps no
 * free share of its own after a collection ({@link #MIN_FREE}).
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
     * tens of milliseconds on one thread. Not 24 MiB (issue 69, stop 76): at 200 hosts (20-22 MiB live) its collections
     * came within {@link #OFTEN} of each other as the hosts were logged into, and the old generation grew to 36 MiB, not 32
     * (the controller 132.6 MiB against 128.3).
     */
    static final long FLOOR = 32L << 20;
    /**
     * How far the old generation may grow past its live set before it is collected, at least: a 96-host mesh's controller
     * (17 MiB live) promoted about 1.2 MiB a second with a 10 MiB young generation (issue 69's bench), and a 200-host one
     * holds 24 MiB, so {@link #FLOOR} or this makes a collection every 6-15 s there, each 130-250 ms on this busy machine.
     */
    static final long HEADROOM = 8L << 20;
    /**
     * Collections this watch starts less than this after the one before, {@link #OFTEN_IN_A_ROW} in a row, mean the old
     * generation fills fast (a
     * 200-host schedule filled the headroom in under a second, issue 69: 694 collections, 81 s of pauses in 435 s, with the
     * headroom alone): the next threshold then has twice the headroom, which bounds the time collecting. Twice the live set
     * (stop 75) made a 200-host controller's old generation 57 MiB once, at its logins (issue 69, stop 76).
     */
    static final java.time.Duration OFTEN = java.time.Duration.ofSeconds(5);

    private final Optional<MemoryPoolMXBean> pool;
    private final NotificationListener listener = this::notified;
    private final AtomicBoolean collecting = new AtomicBoolean();

    /** {@code MinHeapFreeRatio} before {@link #start()}, given back by {@link #close()}; empty if not set here. */
    private final Optional<String> minFreeBefore;

    private OldGenerationWatch(Optional<MemoryPoolMXBean> pool, Optional<String> minFreeBefore) {
        this.pool = pool;
        this.minFreeBefore = minFreeBefore;
    }

    /** Sets the manageable flag {@code MinHeapFreeRatio} to {@code value}; its value before, or empty where it cannot. */
    private static Optional<String> setMinFree(String value) {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            String before = vm.getVMOption("MinHeapFreeRatio").getValue();
            vm.setVMOption("MinHeapFreeRatio", value);
            return Optional.of(before);
        } catch (RuntimeException e) {
            // not a HotSpot JVM, or the flag not manageable there: the collector's own sizing stays
            return Optional.empty();
        }
    }

    /** Starts watching this JVM's old generation (does nothing where it cannot). */
    static OldGenerationWatch start() {
        Optional<MemoryPoolMXBean> old = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isUsageThresholdSupported() && p.isCollectionUsageThresholdSupported())
                .filter(p -> p.getName().contains("Tenured") || p.getName().contains("Old Gen"))
                .findFirst();
        OldGenerationWatch watch = new OldGenerationWatch(old, old.isPresent() ? setMinFree(MIN_FREE) : Optional.empty());
        old.ifPresent(p -> {
            ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(watch.listener, null, null);
            rearm(p, false);
        });
        return watch;
    }

    /**
     * The usage at which the old generation is collected next: what a collection left and {@link #HEADROOM} or a quarter
     * of it, whichever is more, with twice the headroom when collections come {@code often} ({@link #OFTEN}); at least
     * {@link #FLOOR}.
     */
    static long threshold(long liveAfterCollection, boolean often) {
        long live = Math.max(0, liveAfterCollection);
        return Math.max(FLOOR, live + Math.max(often ? 2 * HEADROOM : HEADROOM, live / 4));
    }

    /**
     * The free share of the old generation the serial collector keeps after a full collection while the watch runs: none.
     * Its default (40 %) grew the old generation after each of the watch's collections to 1.67 × what was live, ahead of
     * the watch's own threshold: a 200-host controller's 30 MiB live set took 50 MiB of old generation, its pages resident
     * from then on (issue 69, `-Xlog:gc`: "40M->30M(65M)" at each collection). With none the old generation grows only as
     * objects are promoted into it, up to the watch's threshold and what one young collection promotes past it.
     */
    static final String MIN_FREE = "0";

    /** When this watch last collected ({@link System#nanoTime}): used by its collecting thread, one at a time. */
    private volatile long lastCollection = Long.MIN_VALUE;
    /** How many of this watch's last collections in a row came within {@link #OFTEN} of the one before. */
    private volatile int closeOnes;
    /**
     * Collections within {@link #OFTEN} of the one before, in a row, that widen the headroom: one pair is a burst (a 200-host
     * controller's logins made one, and the wider headroom after it grew the old generation to 36-37 MiB, not 32: 130-133
     * MiB peak; issue 69, stop 76); three in a row is an old generation that fills fast.
     */
    static final int OFTEN_IN_A_ROW = 3;

    /**
     * The count of close collections in a row after one at {@code now}, the one before at {@code last} ({@link System#nanoTime};
     * {@link Long#MIN_VALUE} for none).
     */
    static int closeOnes(int before, long last, long now) {
        return last != Long.MIN_VALUE && now - last < OFTEN.toNanos() ? before + 1 : 0;
    }

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
                closeOnes = closeOnes(closeOnes, lastCollection, now);
                boolean often = closeOnes >= OFTEN_IN_A_ROW;
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
        minFreeBefore.ifPresent(OldGenerationWatch::setMinFree);
    }
}
