package io.iperf3j.internal.auth;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * The tokens a server has accepted within their validity window, so that each is accepted once:
 * iperf3's token carries a timestamp but no server challenge, so without this a token seen on the
 * wire (or collected by a fake server) would pass again until its timestamp left
 * {@code --time-skew-threshold}.
 *
 * <p>Keyed on the SHA-256 of the token's ciphertext, not on its plaintext: a real client encrypts
 * again, with fresh randomness, for every test, so two tests of one user in the same second have
 * two keys, while a replay has the same one. The caller passes the ciphertext at exactly the key's
 * length and below its modulus, the one form that decrypts to the token (a shorter or larger form of
 * the same number would otherwise be a "new" token).
 *
 * <p>Limits: an entry lives {@code lifetimeNanos} (the server's window, twice the threshold: a token
 * first accepted at {@code ts - threshold} stays valid until {@code ts + threshold}), on the
 * monotonic clock, so a step of the wall clock does not shorten it. At most {@code cap} entries;
 * when that many unexpired ones are held a new token is refused ({@link Admission#FULL}) rather than
 * the table growing or an entry being dropped early (which would make its token acceptable again).
 * Each entry is a 32-byte digest and a time, about 150 bytes with the map's overhead: 15 MB at the
 * default cap of 100 000. Only tokens that passed every other check are recorded, so only holders of
 * a valid password can fill the table.
 *
 * <p>Why not a cache library (Caffeine, Guava): their size bound evicts entries, and an evicted
 * entry here is a token that can be replayed; the rule wanted, refuse when full, is this class's
 * thirty lines.
 *
 * <p>Threads: any; every method holds this object's monitor (one short map operation per test set-up,
 * next to an RSA decryption).
 */
public final class SeenTokens {
    /** The server's cap. */
    public static final int DEFAULT_CAP = 100_000;

    /** What {@link #admit} decided. */
    public enum Admission {
        /** First time seen: recorded, accept it. */
        NEW,
        /** Seen within its window: refuse it. */
        REPLAY,
        /** The table holds {@code cap} live tokens: refuse it, unrecorded. */
        FULL
    }

    private final long lifetimeNanos;
    private final int cap;
    private final LongSupplier nanoTime;
    /** Digest to expiry (nanoTime), in insertion order, which is expiry order: every entry lives as long. */
    private final LinkedHashMap<ByteBuffer, Long> seen = new LinkedHashMap<>();

    /**
     * @param lifetimeNanos how long a token is remembered
     * @param cap the most tokens remembered at once
     * @param nanoTime the monotonic clock ({@link System#nanoTime()} but in tests)
     */
    public SeenTokens(long lifetimeNanos, int cap, LongSupplier nanoTime) {
        if (lifetimeNanos <= 0 || cap <= 0) {
            throw new IllegalArgumentException("lifetime and cap must be positive");
        }
        this.lifetimeNanos = lifetimeNanos;
        this.cap = cap;
        this.nanoTime = nanoTime;
    }

    /** Records the ciphertext if it was not seen within its lifetime. */
    public synchronized Admission admit(byte[] ciphertext) {
        long now = nanoTime.getAsLong();
        expire(now);
        ByteBuffer key = ByteBuffer.wrap(sha256(ciphertext));
        if (seen.containsKey(key)) {
            return Admission.REPLAY;
        }
        if (seen.size() >= cap) {
            return Admission.FULL;
        }
        seen.put(key, now + lifetimeNanos);
        return Admission.NEW;
    }

    /** Tokens remembered now (expired ones dropped first). */
    public synchronized int size() {
        expire(nanoTime.getAsLong());
        return seen.size();
    }

    /** The most tokens remembered at once. */
    public int cap() {
        return cap;
    }

    /** How long a token is remembered, in seconds (rounded down). */
    public long lifetimeSeconds() {
        return lifetimeNanos / 1_000_000_000L;
    }

    private void expire(long now) {
        Iterator<Long> it = seen.values().iterator();
        while (it.hasNext() && it.next() - now <= 0) {
            it.remove();
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
