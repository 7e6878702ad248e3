package io.iperf3j.internal.engine.server;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.AuthorizedUsers;
import io.iperf3j.internal.auth.SeenTokens;
import io.iperf3j.internal.auth.TokenBlock;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * A server's authentication ({@code --rsa-private-key-path}, {@code --authorized-users-path},
 * {@code --time-skew-threshold}, {@code --use-pkcs1-padding}, {@code --use-oaep-padding}): a client's
 * token gives its user, or the reason it fails, as the operator log words it. The users file is read
 * on each check, so edits apply to the next test.
 *
 * <p>No oracle: every token, whatever is wrong with it, takes the same steps: one RSA private-key
 * operation without padding, both paddings (OAEP, PKCS#1 v1.5) checked on the block and the text
 * parsed by {@link TokenBlock} with no branch on the block's bytes (a padding the server does not
 * take is checked all the same, then masked off), one pass over the users file with a SHA-256, the
 * skew check and, for a token that passed all of them, the replay check. A token that is not Base64,
 * not of the key's length or not below its modulus is replaced by a stand-in ciphertext and decrypted
 * all the same; a token that does not open has its user and password replaced by a stand-in pair
 * that no users file line can match. The client gets one answer for every failure (iperf3's "test authorization
 * failed"); only the operator log says which it was. What timing may still show is what the sender
 * already knows (how long its token is, whether it is Base64), never what depends on the key.
 *
 * <p>Replays: a token accepted once is refused until it could no longer pass the skew check by the
 * wall clock nor by the monotonic clock since its acceptance: up to twice the threshold and a second
 * on a true clock, longer while the wall clock is set back ({@link SeenTokens}).
 *
 * <p>Limits: a token longer than {@link #maxTokenChars} is not decoded (it is twice the Base64
 * length of a ciphertext of this key, room for line breaks).
 *
 * <p>Threads: the test threads that check tokens, any number at once; the key and the users file
 * are only read, {@link SeenTokens} holds its own lock.
 */
final class AuthCheck {
    /** The user a token names, or why it was not accepted (exactly one is non-null). */
    record Result(String user, String failure) {
        boolean accepted() {
            return user != null;
        }
    }

    /** The users file's check: whether it lists the user with this password. */
    @FunctionalInterface
    interface Users {
        boolean accepts(String user, String password) throws IOException;
    }

    /** A user name no line of a users file can hold (a line has no line end). */
    private static final String STAND_IN_USER = "\n";

    private final PrivateKey key;
    private final RsaPadding padding;
    private final BigInteger modulus;
    private final int keyBytes;
    private final int maxTokenChars;
    /** Decrypted in place of a token that is no ciphertext of this key: random, below the modulus. */
    private final byte[] standInCiphertext;
    /** Checked against the users file in place of credentials that did not decrypt. */
    private final String standInPassword;
    private final Users users;
    private final int skewThreshold;
    private final LongSupplier nowSeconds;
    private final SeenTokens seen;

    /**
     * @param padding the padding a token may have: OAEP, PKCS#1 v1.5, or either ({@code AUTO})
     * @param users the users file's check, made once for every token
     * @param nowSeconds the wall clock of the skew check
     * @param seen the tokens already accepted, on the same wall clock
     */
    AuthCheck(PrivateKey key, RsaPadding padding, Users users, int skewThreshold, LongSupplier nowSeconds,
              SeenTokens seen) {
        if (!(key instanceof RSAKey rsa)) {
            throw new IllegalArgumentException("not an RSA private key");
        }
        this.key = key;
        this.padding = padding;
        this.modulus = rsa.getModulus();
        this.keyBytes = (modulus.bitLength() + 7) / 8;
        if (keyBytes < TokenBlock.MIN_LENGTH || keyBytes > TokenBlock.MAX_LENGTH) {
            throw new IllegalArgumentException("an RSA key of " + modulus.bitLength() + " bits: "
                    + 8 * TokenBlock.MIN_LENGTH + " to " + 8 * TokenBlock.MAX_LENGTH + " are taken");
        }
        this.maxTokenChars = 2 * 4 * ((keyBytes + 2) / 3);
        SecureRandom random = new SecureRandom();
        this.standInCiphertext = new byte[keyBytes];
        random.nextBytes(standInCiphertext);
        standInCiphertext[0] = 0; // below 2^(8(k-1)), so below the modulus
        byte[] pw = new byte[16];
        random.nextBytes(pw);
        this.standInPassword = HexFormat.of().formatHex(pw);
        this.users = users;
        this.skewThreshold = skewThreshold;
        this.nowSeconds = nowSeconds;
        this.seen = seen;
    }

    /** With the wall clock and a replay table of {@link SeenTokens#DEFAULT_CAP} tokens. */
    AuthCheck(PrivateKey key, RsaPadding padding, Path usersPath, int skewThreshold) {
        this(key, padding, (user, password) -> new AuthorizedUsers(usersPath).accepts(user, password), skewThreshold,
                AuthCheck::wallSeconds, new SeenTokens(SeenTokens.DEFAULT_CAP, System::nanoTime, AuthCheck::wallSeconds));
    }

    /** The skew check's wall clock: whole seconds since the epoch. */
    private static long wallSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** Checks the parameters' {@code authtoken} (null: none sent). */
    Result check(String token) {
        String failure = null;
        byte[] ciphertext = ciphertext(token);
        if (ciphertext == null) {
            failure = token == null ? "no authentication token"
                    : "bad token: not the Base64 of a " + keyBytes + "-byte ciphertext below the key's modulus";
        }
        AuthToken.Credentials c = null;
        try {
            TokenBlock.Opened opened = AuthToken.open(ciphertext != null ? ciphertext : standInCiphertext, key, padding);
            c = opened != null ? opened.credentials() : null;
        } catch (GeneralSecurityException e) {
            if (failure == null) {
                failure = "cannot decrypt with --rsa-private-key-path: " + e.getMessage();
            }
        }
        if (c == null && failure == null) {
            failure = "bad token: does not decrypt with " + label(padding) + " padding, or malformed";
        }
        String user = c != null ? c.username() : STAND_IN_USER;
        String password = c != null ? c.password() : standInPassword;
        boolean listed;
        try {
            listed = users.accepts(user, password);
        } catch (IOException e) {
            listed = false;
            if (failure == null) {
                failure = "cannot read --authorized-users-path: " + e.getMessage();
            }
        }
        if (failure == null) {
            failure = skewFailure(c.timestamp());
        }
        if (failure == null && !listed) {
            failure = "unknown user or wrong password for user " + user;
        }
        if (failure == null) {
            failure = switch (seen.admit(ciphertext, lastSecond(c.timestamp()))) {
                case NEW -> null;
                case REPLAY -> "token of user " + user + " already used (a replay)";
                case FULL -> "replay table full (" + seen.cap() + " accepted tokens that could still pass "
                        + "--time-skew-threshold): token of user " + user + " refused";
            };
        }
        return failure == null ? new Result(user, null) : new Result(null, failure);
    }

    /** The token's ciphertext in its one canonical form (the key's length, below its modulus), or null. */
    private byte[] ciphertext(String token) {
        if (token == null || token.length() > maxTokenChars) {
            return null;
        }
        byte[] raw;
        try {
            raw = Base64.getMimeDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length != keyBytes || new BigInteger(1, raw).compareTo(modulus) >= 0) {
            return null;
        }
        return raw;
    }

    private String skewFailure(long ts) {
        long now = nowSeconds.getAsLong();
        if (ts >= now - skewThreshold && ts <= now + skewThreshold) {
            return null;
        }
        // the difference saturates: a timestamp of ±2^63 must not wrap into the window's words
        BigInteger skew = BigInteger.valueOf(now).subtract(BigInteger.valueOf(ts));
        return (skew.signum() > 0 ? "token " + skew + " s old" : "token " + skew.negate() + " s in the future")
                + ", more than --time-skew-threshold " + skewThreshold;
    }

    /** The last whole second of the wall clock at which a token of this timestamp passes the skew check. */
    private long lastSecond(long ts) {
        return ts > Long.MAX_VALUE - skewThreshold ? Long.MAX_VALUE : ts + skewThreshold;
    }

    /** The padding as the log names it. */
    static String label(RsaPadding padding) {
        return switch (padding) {
            case PKCS1 -> "PKCS#1 v1.5";
            case OAEP -> "OAEP";
            case AUTO -> "OAEP or PKCS#1 v1.5";
        };
    }

    /** The padding a token may have ({@code AUTO}: either). */
    RsaPadding padding() {
        return padding;
    }
}
