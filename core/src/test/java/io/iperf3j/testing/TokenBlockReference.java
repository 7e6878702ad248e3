package io.iperf3j.testing;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.TokenBlock;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * {@link TokenBlock}'s meaning written the plain way, as RFC 8017 (7.1.2 and 7.2.2) and the old
 * {@code AuthToken.parse} read: early returns, {@code String.split}, {@link Long#parseLong}. The
 * tests and the fuzz target compare the two on every input; it is never used to serve.
 * Also the encoders that make blocks (OAEP from a chosen seed and data block, PKCS#1 v1.5 from a
 * chosen padding string), so that a test can break one rule at a time.
 */
public final class TokenBlockReference {
    private static final int HASH = 20;

    private TokenBlockReference() {
    }

    /** What {@link TokenBlock#open} must give for {@code block}. */
    public static TokenBlock.Opened open(byte[] block, RsaPadding accepted) {
        byte[] oaep = accepted == RsaPadding.PKCS1 ? null : unpadOaep(block);
        if (oaep != null) {
            AuthToken.Credentials c = parse(oaep);
            return c == null ? null : new TokenBlock.Opened(c, RsaPadding.OAEP);
        }
        byte[] pkcs1 = accepted == RsaPadding.OAEP ? null : unpadPkcs1(block);
        if (pkcs1 != null) {
            AuthToken.Credentials c = parse(pkcs1);
            return c == null ? null : new TokenBlock.Opened(c, RsaPadding.PKCS1);
        }
        return null;
    }

    /** The OAEP message (SHA-1, MGF1-SHA-1, empty label), or null. */
    public static byte[] unpadOaep(byte[] em) {
        int k = em.length;
        if (em[0] != 0) {
            return null;
        }
        byte[] maskedSeed = Arrays.copyOfRange(em, 1, 1 + HASH);
        byte[] maskedDb = Arrays.copyOfRange(em, 1 + HASH, k);
        byte[] seed = xor(maskedSeed, mgf1(maskedDb, HASH));
        byte[] db = xor(maskedDb, mgf1(seed, k - 1 - HASH));
        if (!Arrays.equals(Arrays.copyOf(db, HASH), sha1(new byte[0]))) {
            return null;
        }
        for (int i = HASH; i < db.length; i++) {
            if (db[i] == 1) {
                return Arrays.copyOfRange(db, i + 1, db.length);
            }
            if (db[i] != 0) {
                return null;
            }
        }
        return null;
    }

    /** The PKCS#1 v1.5 type 2 message, or null. */
    public static byte[] unpadPkcs1(byte[] em) {
        if (em[0] != 0 || em[1] != 2) {
            return null;
        }
        for (int i = 2; i < em.length; i++) {
            if (em[i] == 0) {
                return i < 10 ? null : Arrays.copyOfRange(em, i + 1, em.length);
            }
        }
        return null;
    }

    /**
     * The token text as the old {@code AuthToken.parse} read it, with ASCII whitespace (iperf3's
     * {@code sscanf}): a byte above 127 is a name's byte. Null when it is not a token.
     */
    public static AuthToken.Credentials parse(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1); // one char per byte
        String[] lines = text.split("\n", -1);
        if (lines.length != 3 || !lines[0].startsWith("user: ") || !lines[1].startsWith("pwd:  ")
                || !lines[2].startsWith("ts:   ")) {
            return null;
        }
        String user = strip(lines[0].substring(6));
        String pwd = strip(lines[1].substring(6));
        String ts = strip(lines[2].substring(6));
        if (user.isEmpty() || pwd.isEmpty() || user.chars().anyMatch(TokenBlockReference::space)
                || pwd.chars().anyMatch(TokenBlockReference::space)) {
            return null;
        }
        long t;
        try {
            t = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            return null;
        }
        return new AuthToken.Credentials(utf8(user), utf8(pwd), t);
    }

    private static boolean space(int c) {
        return c < 128 && Character.isWhitespace(c);
    }

    private static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && space(s.charAt(a))) {
            a++;
        }
        while (b > a && space(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    private static String utf8(String latin1) {
        return new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The OAEP data block of {@code message} for a {@code k}-byte key: lHash, zeros, 01, the message. */
    public static byte[] oaepDataBlock(byte[] message, int k) {
        byte[] db = new byte[k - 1 - HASH];
        System.arraycopy(sha1(new byte[0]), 0, db, 0, HASH);
        db[db.length - message.length - 1] = 1;
        System.arraycopy(message, 0, db, db.length - message.length, message.length);
        return db;
    }

    /** An OAEP block: {@code first} (00 when right), then the seed and the data block, masked. */
    public static byte[] oaepBlock(int first, byte[] seed, byte[] db) {
        byte[] maskedDb = xor(db, mgf1(seed, db.length));
        byte[] maskedSeed = xor(seed, mgf1(maskedDb, HASH));
        byte[] em = new byte[1 + HASH + db.length];
        em[0] = (byte) first;
        System.arraycopy(maskedSeed, 0, em, 1, HASH);
        System.arraycopy(maskedDb, 0, em, 1 + HASH, db.length);
        return em;
    }

    /** A PKCS#1 v1.5 block: 00, {@code type}, {@code ps}, 00, the message (k = 3 + ps + message). */
    public static byte[] pkcs1Block(int type, byte[] ps, byte[] message) {
        byte[] em = new byte[3 + ps.length + message.length];
        em[1] = (byte) type;
        System.arraycopy(ps, 0, em, 2, ps.length);
        System.arraycopy(message, 0, em, 3 + ps.length, message.length);
        return em;
    }

    public static byte[] mgf1(byte[] seed, int length) {
        byte[] out = new byte[length];
        for (int c = 0, done = 0; done < length; c++) {
            byte[] in = Arrays.copyOf(seed, seed.length + 4);
            in[seed.length] = (byte) (c >>> 24);
            in[seed.length + 1] = (byte) (c >>> 16);
            in[seed.length + 2] = (byte) (c >>> 8);
            in[seed.length + 3] = (byte) c;
            byte[] h = sha1(in);
            int n = Math.min(HASH, length - done);
            System.arraycopy(h, 0, out, done, n);
            done += n;
        }
        return out;
    }

    private static byte[] sha1(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(in);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }
}
