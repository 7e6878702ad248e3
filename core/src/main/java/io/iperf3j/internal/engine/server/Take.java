package io.iperf3j.internal.engine.server;

/**
 * What {@link SlotPool#tryTake} decided for a new test, under the pool's one monitor: a slot,
 * or why there is none.
 */
sealed interface Take permits Take.Granted, Take.Full, Take.ClientLimit, Take.Closed {
    /** A place: the test runs. */
    record Granted(Slot slot) implements Take {
    }

    /** {@code --max-concurrent} tests run (or {@code -1}'s one test was taken). */
    record Full(int running, int max) implements Take {
    }

    /** {@code key} runs {@code limit} tests already ({@code --max-per-client}). */
    record ClientLimit(ClientKey key, int limit) implements Take {
    }

    /** The server is closing: no more tests. */
    record Closed() implements Take {
    }
}
