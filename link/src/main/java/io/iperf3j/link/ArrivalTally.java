package io.iperf3j.link;

import java.util.ArrayDeque;
import java.util.BitSet;

/**
 * What {@code iperf3j link -s} counted of one client's {@link LinkCommand.Data} messages: received
 * (first copies), duplicates, reordered (a sequence number below the highest seen), lost and late.
 *
 * <p>Lost, for unreliable messages only: a missing sequence number counts as lost once a message sent
 * after it has been here for {@link #LOSS_HORIZON_NANOS} (the reordering it tolerates, on this end's
 * clock), as iperf3's UDP receiver counts a gap, but after a delay instead of at once: the link packs
 * messages into datagrams, and one datagram overtaking another is reordering, not loss. A message that
 * arrives after it was counted lost is <em>late</em>: it stays lost and is not counted as received, so
 * that received + lost never exceeds what was sent and nothing counted in an earlier report is taken
 * back. Reliable messages are never counted lost here: the link resends them until they arrive, and only
 * the client knows when it gives up (it does so at the end of its run). Messages still missing at the
 * client's end, after no later message came, are its to count too.
 *
 * <p>Why a class of its own: the figures are the test's result, so the rule is tested without a link
 * ({@code ArrivalTallyTest}) and with one ({@code LinkJarIT}). Not thread-safe: the server's link thread
 * and its reporting thread share one through {@code synchronized} on the tally.
 */
final class ArrivalTally {
    /** How long a gap waits for a reordered message before it counts as lost. */
    static final long LOSS_HORIZON_NANOS = 200_000_000L;
    /** Sequence numbers are tracked up to here (a 12.5 MB bit set at most): the client's run is bounded to it. */
    static final int MAX_SEQ = 100_000_000;
    /** Marks closer together than this share one entry, so the queue holds at most horizon / 1 ms entries. */
    private static final long MARK_GRANULARITY_NANOS = 1_000_000L;

    private final BitSet seen = new BitSet();
    /** Unreliable high-water marks waiting out the horizon: (sequence number after the highest, arrival time). */
    private final ArrayDeque<long[]> marks = new ArrayDeque<>();
    /** Every sequence number below this was either received or counted lost. */
    private int settledBelow;
    private int highest = -1;
    private long received;
    private long reordered;
    private long duplicates;
    private long lost;
    private long late;

    /** A Data message arrived at {@code nowNanos}; {@code reliable} tells how it was sent. */
    void arrived(int seq, boolean reliable, long nowNanos) {
        if (seq < 0 || seq >= MAX_SEQ) {
            throw new IllegalArgumentException("sequence number outside 0.." + (MAX_SEQ - 1) + ": " + seq);
        }
        if (seen.get(seq)) {
            duplicates++;
            return;
        }
        seen.set(seq);
        if (seq < settledBelow) {
            late++;
            return;
        }
        received++;
        if (seq < highest) {
            reordered++;
            return;
        }
        highest = seq;
        if (!reliable) {
            mark(seq + 1L, nowNanos);
        }
    }

    private void mark(long end, long nowNanos) {
        long[] last = marks.peekLast();
        if (last != null && nowNanos - last[1] < MARK_GRANULARITY_NANOS) {
            last[0] = end;
        } else {
            marks.addLast(new long[] {end, nowNanos});
        }
    }

    /** Counts as lost the gaps below every mark that has waited out the horizon by {@code nowNanos}. */
    void settle(long nowNanos) {
        while (!marks.isEmpty() && nowNanos - marks.peekFirst()[1] >= LOSS_HORIZON_NANOS) {
            int end = (int) marks.pollFirst()[0];
            if (end > settledBelow) {
                lost += (end - settledBelow) - seen.get(settledBelow, end).cardinality();
                settledBelow = end;
            }
        }
    }

    /** The totals so far, as the server sends them. */
    LinkCommand.Received report() {
        return new LinkCommand.Received((int) received, (int) reordered, (int) duplicates, (int) lost, (int) late);
    }
}
