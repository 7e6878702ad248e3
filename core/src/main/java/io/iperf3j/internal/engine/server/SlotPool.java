package io.iperf3j.internal.engine.server;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code --max-concurrent} places (one with {@code -1}, which a finished test then uses up
 * for good): the server's one count of running tests, and the slots the server's close
 * ends. Taking a slot and closing the pool share this pool's monitor, so a test is either
 * refused (the pool closed first) or holds a slot that {@link #close()} cancels.
 *
 * <p>{@code --max-per-client}: the same monitor counts the places each {@link ClientKey}
 * holds (an entry is removed at 0), so {@link #running()} is still the one count and equals
 * the sum of the per-key counts.
 */
final class SlotPool implements Admission.Capacity {
    private final int max;
    /** {@code --max-per-client}; 0 = no limit. */
    private final int maxPerClient;
    private final boolean oneOff;
    private final Runnable freed;
    /** Tests holding a place (guarded by this). */
    private int admitted;
    /** Places each client key holds; no entry at 0 (guarded by this). */
    private final Map<ClientKey, Integer> perKey = new HashMap<>();
    private boolean oneOffTaken;
    /** No more slots (guarded by this). */
    private boolean closed;
    /**
     * Slots not yet closed by their test's thread (guarded by this); an auth-denied test's slot
     * stays here after its place went back, until its thread is done.
     */
    private final Set<Slot> held = new HashSet<>();
    /** What this pool's slots call back (a private view: the pool does not offer these to others). */
    private final Slot.Pool back = new Slot.Pool() {
        @Override
        public void giveBack(ClientKey key, boolean noTest) {
            SlotPool.this.giveBack(key, noTest);
        }

        @Override
        public void ended(Slot slot) {
            SlotPool.this.ended(slot);
        }
    };

    /**
     * @param maxConcurrent places (at least one is given)
     * @param oneOff {@code -1}: one test only, unless an attempt turns out to be no test
     * @param freed told after each give-back, outside this pool's monitor
     */
    SlotPool(int maxConcurrent, boolean oneOff, Runnable freed) {
        this(maxConcurrent, oneOff, 0, freed);
    }

    /**
     * @param maxPerClient places one {@link ClientKey} may hold at once; 0 = no limit
     */
    SlotPool(int maxConcurrent, boolean oneOff, int maxPerClient, Runnable freed) {
        this.max = Math.max(1, oneOff ? 1 : maxConcurrent);
        this.oneOff = oneOff;
        this.maxPerClient = Math.max(0, maxPerClient);
        this.freed = freed;
    }

    @Override
    public synchronized Take tryTake(Arrival a) {
        if (closed) {
            return new Take.Closed();
        }
        if ((oneOff && oneOffTaken) || admitted >= max) {
            return new Take.Full(admitted, max);
        }
        ClientKey key = ClientKey.of(a.client());
        if (!admissible(key)) {
            return new Take.ClientLimit(key, maxPerClient);
        }
        if (oneOff) {
            oneOffTaken = true;
        }
        return new Take.Granted(admit(key));
    }

    /**
     * A place taken from outside, with no arrival and no client key: the agent's own test (issue 69), so that one slot covers
     * both ends of a host. A test that arrives meanwhile finds the pool full (and waits in the {@code --queue}); the
     * place goes back, and the queue is told, when the slot is closed. Never {@code -1}'s one test.
     *
     * @return the slot, or null when every place is taken or the pool is closed
     */
    synchronized Slot tryHold() {
        return closed || admitted >= max ? null : admit(null);
    }

    /** One more place held, {@code key}'s (null: no client's), under this pool's monitor. */
    private Slot admit(ClientKey key) {
        admitted++;
        if (key != null) {
            perKey.merge(key, 1, Integer::sum);
        }
        Slot s = new Slot(back, key);
        held.add(s);
        return s;
    }

    /** Whether {@code key} is under its {@code --max-per-client} (an unknown address always is). */
    synchronized boolean admissible(ClientKey key) {
        return maxPerClient == 0 || key == null || perKey.getOrDefault(key, 0) < maxPerClient;
    }

    /** Places {@code key} holds now. */
    synchronized int running(ClientKey key) {
        return perKey.getOrDefault(key, 0);
    }

    /**
     * A slot's place comes back ({@link Slot} calls this once per slot); {@code -1} is available
     * again only if the attempt was no test. A test whose authorization failed gives it
     * back before the client is told, so a client that retries at once finds it free.
     */
    private void giveBack(ClientKey key, boolean noTest) {
        synchronized (this) {
            admitted--;
            if (key != null) {
                perKey.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
            }
            if (noTest && oneOff) {
                oneOffTaken = false;
            }
        }
        freed.run();
    }

    private synchronized void ended(Slot slot) {
        held.remove(slot);
        if (held.isEmpty()) {
            notifyAll();
        }
    }

    /**
     * Takes no more slots and tells the test of every held slot to end (outside this monitor:
     * a canceller wakes its test's selector).
     */
    void close() {
        List<Slot> toEnd;
        synchronized (this) {
            closed = true;
            toEnd = List.copyOf(held);
        }
        for (Slot s : toEnd) {
            s.cancel();
        }
    }

    /** Waits until every slot is closed, at most {@code d}; false if some is still held. */
    synchronized boolean awaitEnded(Duration d) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!held.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Places in all (1 with {@code -1}). */
    int max() {
        return max;
    }

    /** Slots not yet closed by their test's thread: running tests and tests still finishing. */
    synchronized int held() {
        return held.size();
    }

    /** Tests holding a place now. */
    synchronized int running() {
        return admitted;
    }
}
