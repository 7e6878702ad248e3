package io.iperf3j.session;

/** How one test ended: figures, or the reason it has none. */
public sealed interface TestOutcome {
    /**
     * The test ran.
     *
     * @param sentBitsPerSecond the sender's rate over the test
     * @param receivedBitsPerSecond the receiver's rate over the test (its own output)
     * @param receivedBytes bytes the receiver got (its own output)
     * @param reverseReceivedBitsPerSecond a {@code --bidir} test's other half, receiver to sender
     *        (the rate the sender's side received); empty for a test in one direction
     */
    record Completed(double sentBitsPerSecond, double receivedBitsPerSecond, long receivedBytes,
            java.util.OptionalDouble reverseReceivedBitsPerSecond) implements TestOutcome {
        /** A test in one direction. */
        public Completed(double sentBitsPerSecond, double receivedBitsPerSecond, long receivedBytes) {
            this(sentBitsPerSecond, receivedBitsPerSecond, receivedBytes, java.util.OptionalDouble.empty());
        }
    }

    /**
     * The test failed.
     *
     * @param error why
     */
    record Failed(SessionException error) implements TestOutcome {
    }
}
