package io.iperf3j;

/**
 * One of a server's places, taken from outside ({@link RunningIperf#holdSlot()}): while it is held the server admits no
 * test for it. Closing gives it back, once; a second close does nothing.
 */
@FunctionalInterface
public interface ServerSlot extends AutoCloseable {
    /** Gives the place back: a test waiting in the server's queue may take it. */
    @Override
    void close();
}
