package io.iperf3j.link.internal;

import java.util.BitSet;

/**
 * Which reliable message ids (u16, wrapping) were received, over a window of the last 32 768 ids
 * behind the highest seen (serial-number arithmetic, RFC 1982). The sender keeps at most
 * {@code LinkConfig.MAX_QUEUED_LIMIT} = 16 384 ids in flight, so no live id falls outside.
 * (legume compared ids against a list of the last 1000 and never wrapped them.)
 */
public final class ReceiveWindow {
    static final int HALF = 32768;
    private final BitSet seen = new BitSet(65536);
    private int highest = -1;

    /** Marks {@code id} received; false if it already was (a duplicate) or it lies behind the window. */
    public boolean markIfNew(int id) {
        id &= 0xFFFF;
        if (highest < 0) {
            highest = id;
            seen.set(id);
            return true;
        }
        int ahead = (id - highest) & 0xFFFF;
        if (ahead != 0 && ahead < HALF) {
            // Advance: ids falling more than HALF behind the new highest are forgotten.
            for (int k = 1; k <= ahead; k++) {
                seen.clear((highest + k - HALF) & 0xFFFF);
            }
            highest = id;
            seen.set(id);
            return true;
        }
        if (seen.get(id)) {
            return false;
        }
        seen.set(id);
        return true;
    }

    /** Whether {@code id} was marked (within the window). */
    public boolean contains(int id) {
        return highest >= 0 && seen.get(id & 0xFFFF);
    }
}
