package io.iperf3j.internal.stats;

import io.iperf3j.internal.json.JsonObject;

/**
 * Watches one test from its own thread: called after each reported interval and
 * once at the end. Implementations must be quick and must not block: the test's
 * timing depends on it.
 */
public interface TestObserver {
    /** A no-op observer. */
    TestObserver NONE = new TestObserver() {
    };

    /** An interval was reported; every stream's {@link StreamRecord#lastInterval} holds it. */
    default void intervalReported(TestRecord record) {
    }

    /** The test is over; {@code document} is its complete JSON report (with {@code error} if it failed). */
    default void testFinished(TestRecord record, JsonObject document) {
    }
}
