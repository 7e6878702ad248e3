package io.iperf3j.internal.auth;

import io.iperf3j.internal.options.IperfOptions.RsaPadding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Opens a token's RSA block: the bytes the private-key operation gives (the key's length, no padding
 * removed), checked for both paddings iperf3 clients use and read as iperf3's token text, with no
 * branch, early return or array index that depends on the block's bytes until the one answer at the
 * end: the credentials, or none.
 *
 * <p>The paddings: OAEP with SHA-1, MGF1-SHA-1 and an empty label (OpenSSL's
 * {@code RSA_PKCS1_OAEP_PADDING}, iperf3 3.17+'s default), and PKCS#1 v1.5 type 2
 * ({@code RSA_PKCS1_PADDING}: {@code 00 02}, at least eight nonzero bytes, {@code 00}, the message),
 * iperf3 up to 3.16. Both checks run over the whole block for every block. When both hold (a real OAEP
 * block whose masked seed starts {@code 02} and holds a zero after eight nonzero bytes, about one in
 * 400), OAEP is taken: a PKCS#1 block is OAEP-valid only by a 2^-160 chance, while the other way is
 * common. The message is then parsed where it lies, by masks over the whole block: exactly two
 * {@code \n}; the lines start {@code "user: "}, {@code "pwd:  "}, {@code "ts:   "}; after its prefix
 * each field is one run of non-whitespace with any whitespace around it (whitespace as ASCII knows it,
 * as iperf3's {@code sscanf}); the timestamp is a {@link Long#parseLong} number (an optional sign and
 * ASCII digits, within a {@code long}).
 *
 * <p>Why it matters: a server that answered a block with conformant PKCS#1 v1.5 padding in a
 * different time (or with different words) from one without would be Bleichenbacher's oracle, and
 * one that told a leading zero byte from another, Manger's oracle on OAEP; either decrypts a token
 * captured from a real client, its password with it, in some thousands to millions of queries. Only a
 * block that parses as a token, which no query built from another's ciphertext makes but by a
 * negligible chance, leaves this path early; every other block, whatever is wrong with it, takes the
 * same steps over the same bytes.
 *
 * <p>Limits: a block of {@link #MIN_LENGTH} to {@link #MAX_LENGTH} bytes (keys of 336 to 16384 bits);
 * other lengths are the caller's error. Threads: a pure function; any number at once.
 */
public final class TokenBlock {
    /** The shortest block: OAEP with SHA-1 needs 2 x 20 + 2 bytes. */
    public static final int MIN_LENGTH = 42;
    /** The longest: a 16384-bit key, the largest the JDK makes. */
    public static final int MAX_LENGTH = 2048;

    private static final int HASH = 20;
    /** SHA-1 of the empty label. */
    private static final byte[] EMPTY_LABEL_HASH = sha1().digest();
    private static final byte[] USER = "user: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PWD = "pwd:  ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TS = "ts:   ".getBytes(StandardCharsets.US_ASCII);
    private static final int PREFIX = 6;
    /** The first PKCS#1 v1.5 message byte may come after 00 02 and eight padding bytes and the 00. */
    private static final int PKCS1_MIN_ZERO = 10;
    /** 2^63 / 10: a magnitude above it overflows with its next digit. */
    private static final long MAGNITUDE_BOUND = 922_337_203_685_477_580L;

    private TokenBlock() {
    }

    /** What a block opened to: the credentials and the padding they came in. */
    public record Opened(AuthToken.Credentials credentials, RsaPadding padding) {
    }

    /**
     * The credentials in {@code block}, or null when it holds no token in a padding {@code accepted}
     * names ({@code AUTO}: either). The same work for every block of a length.
     *
     * @throws IllegalArgumentException for a block shorter than {@link #MIN_LENGTH} or longer than
     *         {@link #MAX_LENGTH}
     */
    public static Opened open(byte[] block, RsaPadding accepted) {
        int k = block.length;
        if (k < MIN_LENGTH || k > MAX_LENGTH) {
            throw new IllegalArgumentException("an RSA block of " + k + " bytes, not " + MIN_LENGTH + " to " + MAX_LENGTH);
        }
        int acceptOaep = accepted == RsaPadding.PKCS1 ? 0 : -1;
        int acceptPkcs1 = accepted == RsaPadding.OAEP ? 0 : -1;

        // OAEP: unmask the seed and the data block; DB = lHash || 00.. || 01 || M
        MessageDigest sha1 = sha1();
        int dbLen = k - 1 - HASH;
        byte[] seed = mgf1(sha1, block, 1 + HASH, dbLen, HASH);
        for (int i = 0; i < HASH; i++) {
            seed[i] ^= block[1 + i];
        }
        byte[] db = mgf1(sha1, seed, 0, HASH, dbLen);
        for (int i = 0; i < dbLen; i++) {
            db[i] ^= block[1 + HASH + i];
        }
        int oaepGood = equal(block[0] & 0xFF, 0);
        int labelDiff = 0;
        for (int i = 0; i < HASH; i++) {
            labelDiff |= (db[i] ^ EMPTY_LABEL_HASH[i]) & 0xFF;
        }
        oaepGood &= equal(labelDiff, 0);
        int looking = -1;
        int one = 0;
        for (int i = HASH; i < dbLen; i++) {
            int v = db[i] & 0xFF;
            int isOne = equal(v, 1);
            oaepGood &= ~(looking & ~isOne & ~equal(v, 0));
            one = select(looking & isOne, i, one);
            looking &= ~isOne;
        }
        oaepGood &= ~looking;
        int oaepStart = 1 + HASH + one + 1;

        // PKCS#1 v1.5 type 2: 00 02, nonzero padding bytes, 00, M (at least eight padding bytes)
        int pkcs1Good = equal(block[0] & 0xFF, 0) & equal(block[1] & 0xFF, 2);
        looking = -1;
        int zero = 0;
        for (int i = 2; i < k; i++) {
            int isZero = equal(block[i] & 0xFF, 0);
            zero = select(looking & isZero, i, zero);
            looking &= ~isZero;
        }
        pkcs1Good &= ~looking & atLeast(zero, PKCS1_MIN_ZERO);
        int pkcs1Start = zero + 1;

        // OAEP first; neither: an empty message, which the parse refuses like any other
        int useOaep = oaepGood & acceptOaep;
        int usePkcs1 = pkcs1Good & acceptPkcs1 & ~useOaep;
        int start = select(useOaep, oaepStart, select(usePkcs1, pkcs1Start, k));
        byte[] m = new byte[k];
        for (int i = 0; i < k; i++) { // an OAEP message starts past 1 + HASH: below it, the block's bytes
            m[i] = (byte) select(useOaep & atLeast(i, 1 + HASH), db[Math.max(0, i - 1 - HASH)], block[i]);
        }
        Arrays.fill(seed, (byte) 0);
        Arrays.fill(db, (byte) 0);
        try {
            return parse(m, start, useOaep | usePkcs1, useOaep);
        } finally {
            Arrays.fill(m, (byte) 0);
        }
    }

    /** Parses m[start, m.length) as a token's text; {@code good} is the padding's verdict. */
    private static Opened parse(byte[] m, int start, int good, int oaep) {
        int k = m.length;
        int newlines = 0;
        int nl1 = 0;
        int nl2 = 0;
        for (int i = 0; i < k; i++) {
            int isNl = atLeast(i, start) & equal(m[i] & 0xFF, '\n');
            nl1 = select(isNl & equal(newlines, 0), i, nl1);
            nl2 = select(isNl & equal(newlines, 1), i, nl2);
            newlines += isNl & 1;
        }
        int ok = good & equal(newlines, 2) & atLeast(nl1 - start, PREFIX) & atLeast(nl2 - nl1 - 1, PREFIX)
                & atLeast(k - nl2 - 1, PREFIX);
        int[] lineStart = {start, nl1 + 1, nl2 + 1};
        int[] fieldEnd = {nl1, nl2, k};
        int[] first = new int[3];
        int[] end = new int[3];
        int[] count = new int[3];
        int[] found = new int[3];
        int prefixDiff = 0;
        for (int i = 0; i < k; i++) {
            int c = m[i] & 0xFF;
            for (int j = 0; j < PREFIX; j++) {
                prefixDiff |= (equal(i, lineStart[0] + j) & (c ^ USER[j]))
                        | (equal(i, lineStart[1] + j) & (c ^ PWD[j]))
                        | (equal(i, lineStart[2] + j) & (c ^ TS[j]));
            }
            int ws = whitespace(c);
            for (int f = 0; f < 3; f++) {
                int text = atLeast(i, lineStart[f] + PREFIX) & less(i, fieldEnd[f]) & ~ws;
                first[f] = select(text & ~found[f], i, first[f]);
                end[f] = select(text, i + 1, end[f]);
                count[f] += text & 1;
                found[f] |= text;
            }
        }
        ok &= equal(prefixDiff, 0);
        for (int f = 0; f < 3; f++) {
            ok &= found[f] & equal(count[f], end[f] - first[f]); // one run: no whitespace inside
        }

        // the timestamp: [+-]?[0-9]+ within a long, as Long.parseLong
        int negative = 0;
        int digits = 0;
        int bad = 0;
        long magnitude = 0;
        long overflow = 0;
        for (int i = 0; i < k; i++) {
            int c = m[i] & 0xFF;
            int in = atLeast(i, first[2]) & less(i, end[2]);
            int leading = equal(i, first[2]);
            int minus = equal(c, '-');
            int sign = leading & (minus | equal(c, '+'));
            negative |= in & leading & minus;
            int d = c - '0';
            int digit = atLeast(d, 0) & less(d, 10);
            int take = in & digit;
            bad |= in & ~digit & ~sign;
            digits += take & 1;
            long limit = Long.MAX_VALUE + (negative & 1); // 2^63 (unsigned) for a negative number
            long next = magnitude * 10 + d;
            long step = unsignedLess(MAGNITUDE_BOUND, magnitude) | unsignedLess(limit, next);
            overflow |= take & step;
            magnitude = selectLong(take, next, magnitude);
        }
        ok &= ~bad & atLeast(digits, 1) & ~(int) overflow;
        long ts = (magnitude ^ (long) negative) - negative;
        if (ok == 0) {
            return null;
        }
        // a token: its sender knows all of it, so what follows may take its own time
        String user = new String(m, first[0], end[0] - first[0], StandardCharsets.UTF_8);
        String password = new String(m, first[1], end[1] - first[1], StandardCharsets.UTF_8);
        return new Opened(new AuthToken.Credentials(user, password, ts), oaep != 0 ? RsaPadding.OAEP : RsaPadding.PKCS1);
    }

    /** MGF1 with SHA-1: {@code length} bytes from {@code seed[off, off + len)}. */
    private static byte[] mgf1(MessageDigest sha1, byte[] seed, int off, int len, int length) {
        byte[] out = new byte[length];
        byte[] counter = new byte[4];
        for (int done = 0, c = 0; done < length; c++) {
            counter[0] = (byte) (c >>> 24);
            counter[1] = (byte) (c >>> 16);
            counter[2] = (byte) (c >>> 8);
            counter[3] = (byte) c;
            sha1.update(seed, off, len);
            sha1.update(counter);
            byte[] h = sha1.digest();
            int n = Math.min(HASH, length - done);
            System.arraycopy(h, 0, out, done, n);
            Arrays.fill(h, (byte) 0);
            done += n;
        }
        return out;
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    // Masks: -1 for true, 0 for false, by arithmetic alone (no comparison the JIT could turn into a branch).

    /** a == b. */
    static int equal(int a, int b) {
        int x = a ^ b;
        return ~((x | -x) >> 31);
    }

    /** a < b, for a and b in [-2^30, 2^30). */
    static int less(int a, int b) {
        return (a - b) >> 31;
    }

    /** a >= b, for a and b in [-2^30, 2^30). */
    static int atLeast(int a, int b) {
        return ~less(a, b);
    }

    /** a where mask is -1, b where it is 0. */
    static int select(int mask, int a, int b) {
        return b ^ (mask & (a ^ b));
    }

    static long selectLong(long mask, long a, long b) {
        return b ^ (mask & (a ^ b));
    }

    /** a < b as unsigned numbers: the borrow of a - b (Hacker's Delight 2-13), as a mask. */
    static long unsignedLess(long a, long b) {
        return ((~a & b) | (~(a ^ b) & (a - b))) >> 63;
    }

    /** c is whitespace by {@link Character#isWhitespace} (9-13, 28-32); no byte above 127 is. */
    static int whitespace(int c) {
        return (atLeast(c, 9) & less(c, 14)) | (atLeast(c, 28) & less(c, 33));
    }
}
