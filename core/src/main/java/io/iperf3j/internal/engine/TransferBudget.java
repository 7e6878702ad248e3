package io.iperf3j.internal.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code -n}/{@code -k} end condition, shared by all sending streams of a test.
 * iperf3 stops once the total over all streams reaches the limit, writing whole
 * blocks; each stream takes a block from the budget before writing it, so the
 * total sent is the limit rounded up to whole blocks, as with iperf3, and never
 * more however many threads send.
 */
public final class TransferBudget {
    private final AtomicLong remaining;
    private final long limit;
    private final boolean countsBlocks;

    private TransferBudget(long limit, boolean countsBlocks) {
        this.limit = limit;
        this.countsBlocks = countsBlocks;
        this.remaining = new AtomicLong(limit);
    }

    public static TransferBudget bytes(long limit) {
        return new TransferBudget(limit, false);
    }

    public static TransferBudget blocks(long limit) {
        return new TransferBudget(limit, true);
    }

    /** Takes one block of {@code blockBytes}; false once the limit is reached. */
    public boolean take(int blockBytes) {
        long cost = countsBlocks ? 1 : blockBytes;
        // Going below zero is fine: the last block overshoots the byte limit, as in iperf3.
        return remaining.getAndAdd(-cost) > 0;
    }

    /**
     * A receiving client's count: {@code blocks} blocks of {@code bytes} bytes in all
     * arrived. Call it after publishing them, so the test thread, once it sees the limit
     * reached, samples every block that counted toward it.
     *
     * @return true exactly once: for the arrival that reaches the limit
     */
    public boolean arrived(long bytes, long blocks) {
        long cost = countsBlocks ? blocks : bytes;
        long before = remaining.getAndAdd(-cost);
        return before > 0 && before - cost <= 0;
    }

    public boolean exhausted() {
        return remaining.get() <= 0;
    }

    /** iperf3 resets the sent totals when the omit period ends; the limit then counts from there. */
    void reset() {
        remaining.set(limit);
    }
}
