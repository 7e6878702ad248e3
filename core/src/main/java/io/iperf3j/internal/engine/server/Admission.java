package io.iperf3j.internal.engine.server;

import java.util.function.BiConsumer;

/**
 * Whether a new test runs now: a {@link Capacity} gives it a {@link Slot}, else an
 * {@link Overflow} takes it (today: the busy answer). Issue 29 adds capacities (per client)
 * and overflows (a queue) here, nothing in the session.
 */
final class Admission {
    /** Places for tests. */
    interface Capacity {
        /** A place for {@code a}'s test, or why there is none now. */
        Take tryTake(Arrival a);
    }

    /** What becomes of a new test that found no place. */
    interface Overflow {
        /** @param refused why {@code a} found no place (not {@link Take.Granted}) */
        void hold(Arrival a, Take refused);

        /** A place was given back (on the giving thread). */
        void slotFreed();
    }

    private final Capacity capacity;
    private final Overflow overflow;

    Admission(Capacity capacity, Overflow overflow) {
        this.capacity = capacity;
        this.overflow = overflow;
    }

    /** Launches {@code a}'s test with its slot, or hands it to the overflow. */
    void admit(Arrival a, BiConsumer<Arrival, Slot> launch) {
        Take take = capacity.tryTake(a);
        if (take instanceof Take.Granted(Slot slot)) {
            launch.accept(a, slot);
        } else {
            overflow.hold(a, take);
        }
    }

    /** A slot was given back (on the giving thread): the overflow may have someone waiting for it. */
    void slotFreed() {
        overflow.slotFreed();
    }
}
