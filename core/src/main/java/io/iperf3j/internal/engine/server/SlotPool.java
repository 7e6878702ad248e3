package io.iperf3j.internal.engine.server;

import java.util.Optional;

/**
 * {@code --max-concurrent} places (one with {@code -1}, which a finished test then uses up
 * for good): the server's one count of running tests.
 */
final class SlotPool implements Admission.Capacity {
    private final int max;
    private final boolean oneOff;
    private final Runnable freed;
    /** Tests holding a place (guarded by this). */
    private int admitted;
    private boolean oneOffTaken;

    /**
     * @param maxConcurrent places (at least one is given)
     * @param oneOff {@code -1}: one test only, unless an attempt turns out to be no test
     * @param freed told after each give-back, outside this pool's monitor
     */
    SlotPool(int maxConcurrent, boolean oneOff, Runnable freed) {
        this.max = Math.max(1, oneOff ? 1 : maxConcurrent);
        this.oneOff = oneOff;
        this.freed = freed;
    }

    @Override
    public Optional<Slot> tryTake(Arrival a) {
        return take() ? Optional.of(new Slot(this::giveBack)) : Optional.empty();
    }

    private synchronized boolean take() {
        if (oneOff && oneOffTaken) {
            return false;
        }
        if (admitted >= max) {
            return false;
        }
        admitted++;
        if (oneOff) {
            oneOffTaken = true;
        }
        return true;
    }

    /**
     * A slot comes back ({@link Slot} calls this once per slot); {@code -1} is available
     * again only if the attempt was no test. A test whose authorization failed gives it
     * back before the client is told, so a client that retries at once finds it free.
     */
    private void giveBack(boolean noTest) {
        synchronized (this) {
            admitted--;
            if (noTest && oneOff) {
                oneOffTaken = false;
            }
        }
        freed.run();
    }

    /** Places in all (1 with {@code -1}). */
    int max() {
        return max;
    }

    /** Tests holding a place now. */
    synchronized int running() {
        return admitted;
    }
}
