package io.iperf3j.session;

/** How one test ended: figures, or the reason it has none. */
public sealed interface TestOutcome {
    /**
     * The test ran.
     *
     * @param sentBitsPerSecond the sender's rate over the test
     * @param receivedBitsPerSecond the receiver's rate over the test (its own output)
     * @param receivedBytes bytes the receiver got (its own output)
     */
    record Completed(double sentBitsPerSecond, double receivedBitsPerSecond, long receivedBytes) implements TestOutcome {
    }

    /**
     * The test failed.
     *
     * @param error why
     */
    record Failed(SessionException error) implements TestOutcome {
    }
}
