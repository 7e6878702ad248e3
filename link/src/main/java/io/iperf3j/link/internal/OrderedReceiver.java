package io.iperf3j.link.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered channel's receiving side: sequence numbers run 1..65535 and wrap back to 1 (0 means
 * "unordered" on the wire). The next expected message is delivered at once with every held one that
 * follows it; later ones are held, at most {@code capacity}. (legume's sender started at 2 while its
 * receiver waited for 1, and its catch-up wrote a misspelled field, so nothing ordered was ever
 * delivered.)
 */
public final class OrderedReceiver {
    private final int capacity;
    private final Map<Integer, Record> held = new HashMap<>();
    private int expected = 1;

    public OrderedReceiver(int capacity) {
        this.capacity = capacity;
    }

    /** The next sequence number after {@code seq}. */
    public static int next(int seq) {
        return seq == 65535 ? 1 : seq + 1;
    }

    /** Distance from {@code from} to {@code to} going forward in the 1..65535 cycle. */
    static int distance(int from, int to) {
        return Math.floorMod((to - 1) - (from - 1), 65535);
    }

    /** What {@link #offer} would do with {@code seq}. */
    public enum Verdict {
        DELIVER, HOLD, OLD, FULL
    }

    public Verdict classify(int seq) {
        int d = distance(expected, seq);
        if (d == 0) {
            return Verdict.DELIVER;
        }
        if (d < 32767) {
            return held.containsKey(seq) ? Verdict.OLD : held.size() >= capacity ? Verdict.FULL : Verdict.HOLD;
        }
        return Verdict.OLD;
    }

    /**
     * Takes message {@code seq} (already classified DELIVER or HOLD) and returns what can be
     * delivered now, in order.
     */
    public List<Record> offer(int seq, Record body) {
        if (seq != expected) {
            held.put(seq, body);
            return List.of();
        }
        List<Record> out = new ArrayList<>(1);
        out.add(body);
        expected = next(expected);
        Record r;
        while ((r = held.remove(expected)) != null) {
            out.add(r);
            expected = next(expected);
        }
        return out;
    }

    /** Messages held for want of an earlier one (legume's {@code reorder_queue}). */
    public int held() {
        return held.size();
    }
}
