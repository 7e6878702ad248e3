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

    /** What a new test that found no place must pass before the overflow may hold it. */
    interface Screen {
        /**
         * {@code a} as the overflow should hold it (perhaps with more read from it), or null when
         * it was refused (answered, its cookie released) and must not be held.
         */
        Arrival pass(Arrival a);

        /** Lets every arrival through as it is. */
        Screen NONE = a -> a;
    }

    private final Capacity capacity;
    private final Overflow overflow;
    private final Screen screen;

    Admission(Capacity capacity, Overflow overflow) {
        this(capacity, overflow, Screen.NONE);
    }

    Admission(Capacity capacity, Overflow overflow, Screen screen) {
        this.capacity = capacity;
        this.overflow = overflow;
        this.screen = screen;
    }

    /**
     * Launches {@code a}'s test with its slot, or hands it to the overflow once the screen let it
     * through (a place freed while the screen read from it is taken at once).
     */
    void admit(Arrival a, BiConsumer<Arrival, Slot> launch) {
        Take take = capacity.tryTake(a);
        if (take instanceof Take.Granted(Slot slot)) {
            launch.accept(a, slot);
            return;
        }
        Arrival passed = screen.pass(a);
        if (passed == null) {
            return;
        }
        if (passed != a) {
            take = capacity.tryTake(passed);
            if (take instanceof Take.Granted(Slot slot)) {
                launch.accept(passed, slot);
                return;
            }
        }
        overflow.hold(passed, take);
    }

    /** A slot was given back (on the giving thread): the overflow may have someone waiting for it. */
    void slotFreed() {
        overflow.slotFreed();
    }
}
