package io.iperf3j.internal.engine.server;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One test's claim on a {@code --max-concurrent} place, given back exactly once: by
 * {@link #close()} when the test ends, or earlier by {@link #giveBackAsNoTest()} when the
 * attempt turned out to be no test (so {@code -1} is open again), whichever comes first.
 */
final class Slot implements AutoCloseable {
    /** Where a slot goes back to. */
    interface Pool {
        /** @param noTest the attempt was no test ({@code -1} may serve another) */
        void giveBack(boolean noTest);
    }

    private final Pool pool;
    private final AtomicBoolean givenBack = new AtomicBoolean();

    Slot(Pool pool) {
        this.pool = pool;
    }

    /** The test ended; a no-op when the slot went back already. */
    @Override
    public void close() {
        giveBack(false);
    }

    /** The attempt was no test (its authentication failed, or it never started). */
    void giveBackAsNoTest() {
        giveBack(true);
    }

    private void giveBack(boolean noTest) {
        if (givenBack.compareAndSet(false, true)) {
            pool.giveBack(noTest);
        }
    }
}
