package io.iperf3j.internal.engine.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One test's claim on a {@code --max-concurrent} place. The place goes back exactly once: by
 * {@link #close()} when the test ends, or earlier by {@link #giveBackAsNoTest()} when the
 * attempt turned out to be no test (so {@code -1} is open again), whichever comes first.
 * The slot itself is held until {@link #close()}: the pool's {@code close} tells every held
 * slot's test to end ({@link #cancel()}), and a test that attaches its canceller only after
 * that is told at once, so no test taken before the pool closed is missed.
 */
final class Slot implements AutoCloseable {
    /** Where a slot goes back to. */
    interface Pool {
        /**
         * @param key the client key the place was counted for; null for none
         * @param noTest the attempt was no test ({@code -1} may serve another)
         */
        void giveBack(ClientKey key, boolean noTest);

        /** The test's thread is done with {@code slot}. */
        void ended(Slot slot);
    }

    private final Pool pool;
    /** The client key this slot's place counts for ({@code --max-per-client}); null for none. */
    private final ClientKey key;
    private final AtomicBoolean givenBack = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Ends the test (guarded by this); null until the test attaches it. */
    private Runnable canceller;
    /** The test was told to end (guarded by this). */
    private boolean cancelled;
    /** How long the test waited in the queue ({@code --queue}); null when it was not queued. */
    private volatile Duration waited;

    Slot(Pool pool, ClientKey key) {
        this.pool = pool;
        this.key = key;
    }

    /** The test ended: its place goes back if it has not yet, and the slot is no longer held. Idempotent. */
    @Override
    public void close() {
        giveBack(false);
        if (ended.compareAndSet(false, true)) {
            pool.ended(this);
        }
    }

    /** The test waited {@code d} in the queue before it got this slot (set before its launch). */
    void waited(Duration d) {
        waited = d;
    }

    /** How long the test waited in the queue; null when it was not queued. */
    Duration waited() {
        return waited;
    }

    /** The attempt was no test (its authentication failed, or it never started). */
    void giveBackAsNoTest() {
        giveBack(true);
    }

    private void giveBack(boolean noTest) {
        if (givenBack.compareAndSet(false, true)) {
            pool.giveBack(key, noTest);
        }
    }

    /**
     * How to end this slot's test; run at once (on this thread) when the slot was cancelled
     * already. Call once.
     */
    void whenCancelled(Runnable c) {
        synchronized (this) {
            if (!cancelled) {
                canceller = c;
                return;
            }
        }
        c.run();
    }

    /** Tells this slot's test to end, now or as soon as it attaches its canceller. */
    void cancel() {
        Runnable c;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            c = canceller;
        }
        if (c != null) {
            c.run();
        }
    }
}
