package io.iperf3j.internal.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * The tokens a server has accepted that could still pass its skew check, so that each is accepted
 * once: iperf3's token carries a timestamp but no server challenge, so without this a token seen on
 * the wire (or collected by a fake server) would pass again until its timestamp left
 * {@code --time-skew-threshold}.
 *
 * <p>Keyed on the SHA-256 of the token's ciphertext, not on its plaintext: a real client encrypts
 * again, with fresh randomness, for every test, so two tests of one user in the same second have
 * two keys, while a replay has the same one. The caller passes the ciphertext at exactly the key's
 * length and below its modulus, the one form that decrypts to the token (a shorter or larger form of
 * the same number would otherwise be a "new" token).
 *
 * <p>How long: the caller gives each token its last second, the last whole second of the wall clock
 * at which the skew check lets it pass ({@code ts + threshold}). An entry is kept until it could pass
 * by neither clock: not by the wall clock ({@code floor(now)} beyond its last second; a wall clock
 * stepped back keeps it), and not by the monotonic clock from its acceptance (a true wall clock that
 * read {@code w0} whole seconds then passes the last second {@code last + 1 - w0} seconds later, at
 * most {@code 2 × threshold + 1}; a wall clock stepped forward does not shorten that). Each entry has
 * its own monotonic deadline, in a priority queue; one whose deadline came while the wall clock still
 * lets it pass gets a new deadline (when a true clock from that reading would pass its last second,
 * at least a second on) instead of holding up the others. So each accepted token costs a map entry
 * and a queue insertion and removal, O(log n), plus one more per backward step of the wall clock that
 * reaches it.
 *
 * <p>Limits: at most {@code cap} entries; when that many live ones are held a new token is refused
 * ({@link Admission#FULL}) rather than the table growing or an entry being dropped early (which would
 * make its token acceptable again). Each entry is a 32-byte digest, its key, its two times and the
 * map's and the queue's share, about 170 bytes (measured): 17 MB at the default cap of 100 000. Only tokens that
 * passed every other check are recorded, so only holders of a valid password can fill the table.
 * What it cannot stop: a wall clock set back, after an entry was dropped, into its token's window
 * makes that token pass once more (memory is finite; the table does not know the clock will step).
 *
 * <p>Why not a cache library (Caffeine, Guava): their size bound evicts entries, and an evicted
 * entry here is a token that can be replayed; the rule wanted, refuse when full and keep until both
 * clocks say so, is this class's few lines.
 *
 * <p>Threads: any; every method holds this object's monitor (a map and a queue operation per test
 * set-up, next to an RSA decryption).
 */
public final class SeenTokens {
    /** The server's cap. */
    public static final int DEFAULT_CAP = 100_000;
    /** The longest monotonic lifetime, in seconds (146 years): deadlines must not wrap {@code nanoTime}'s differences. */
    private static final long MAX_SECONDS = (1L << 62) / 1_000_000_000L;

    /** What {@link #admit} decided. */
    public enum Admission {
        /** First time seen: recorded, accept it. */
        NEW,
        /** Seen, and it could still pass the skew check: refuse it. */
        REPLAY,
        /** The table holds {@code cap} live tokens: refuse it, unrecorded. */
        FULL
    }

    /** One accepted token: its digest, the last wall second it passes at, when to look at it again. */
    private static final class Entry {
        final ByteBuffer key;
        final long lastSecond;
        /** nanoTime after which the monotonic clock no longer keeps it. */
        long deadline;

        Entry(ByteBuffer key, long lastSecond, long deadline) {
            this.key = key;
            this.lastSecond = lastSecond;
            this.deadline = deadline;
        }
    }

    private final int cap;
    private final LongSupplier nanoTime;
    private final LongSupplier wallSeconds;
    private final HashMap<ByteBuffer, Entry> seen = new HashMap<>();
    /** The entries of {@link #seen}, earliest deadline first. */
    private final PriorityQueue<Entry> byDeadline = new PriorityQueue<>((a, b) -> Long.compare(a.deadline - b.deadline, 0));

    /**
     * @param cap the most tokens remembered at once
     * @param nanoTime the monotonic clock ({@link System#nanoTime()} but in tests)
     * @param wallSeconds the skew check's wall clock, in whole seconds
     */
    public SeenTokens(int cap, LongSupplier nanoTime, LongSupplier wallSeconds) {
        if (cap <= 0) {
            throw new IllegalArgumentException("cap must be positive");
        }
        this.cap = cap;
        this.nanoTime = nanoTime;
        this.wallSeconds = wallSeconds;
    }

    /**
     * Records the ciphertext if it is not held.
     *
     * @param lastSecond the last whole second of the wall clock at which its token passes the skew check
     */
    public synchronized Admission admit(byte[] ciphertext, long lastSecond) {
        long now = nanoTime.getAsLong();
        long wall = wallSeconds.getAsLong();
        expire(now, wall);
        ByteBuffer key = ByteBuffer.wrap(sha256(ciphertext));
        if (seen.containsKey(key)) {
            return Admission.REPLAY;
        }
        if (seen.size() >= cap) {
            return Admission.FULL;
        }
        Entry e = new Entry(key, lastSecond, now + secondsUntilPast(lastSecond, wall) * 1_000_000_000L);
        seen.put(key, e);
        byDeadline.add(e);
        return Admission.NEW;
    }

    /** Tokens remembered now (those neither clock keeps dropped first). */
    public synchronized int size() {
        expire(nanoTime.getAsLong(), wallSeconds.getAsLong());
        return seen.size();
    }

    /** The most tokens remembered at once. */
    public int cap() {
        return cap;
    }

    private void expire(long now, long wall) {
        Entry e;
        while ((e = byDeadline.peek()) != null && e.deadline - now <= 0) {
            byDeadline.poll();
            if (wall <= e.lastSecond) {
                // the wall clock (set back) still lets it pass: look again when a true clock from this reading would not
                e.deadline = now + secondsUntilPast(e.lastSecond, wall) * 1_000_000_000L;
                byDeadline.add(e);
            } else {
                seen.remove(e.key);
            }
        }
    }

    /**
     * Seconds until a true clock that reads {@code wall} whole seconds now reads past {@code lastSecond}:
     * {@code lastSecond + 1 - wall}, 0 if it already does, at most {@link #MAX_SECONDS}.
     */
    private static long secondsUntilPast(long lastSecond, long wall) {
        if (lastSecond < wall) {
            return 0;
        }
        long d = lastSecond - wall; // the true difference is ≥ 0: negative here means it overflowed
        return d < 0 || d >= MAX_SECONDS ? MAX_SECONDS : d + 1;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
