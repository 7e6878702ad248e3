package io.iperf3j.internal.auth;

import io.iperf3j.internal.options.IperfOptions.RsaPadding;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import javax.crypto.Cipher;

/**
 * iperf3's authentication token: the text {@code "user: U\npwd:  P\nts:   T"}
 * (two spaces after {@code pwd:}, three after {@code ts:}), RSA-encrypted with the
 * server's public key and Base64-encoded on one line. iperf3 up to 3.16 pads with
 * PKCS#1 v1.5; 3.17+ defaults to OAEP (SHA-1, MGF1-SHA-1). A server opens it with
 * {@link #open} ({@link TokenBlock}: either padding, no oracle).
 */
public final class AuthToken {
    private AuthToken() {
    }

    /** The credentials a token carries. */
    public record Credentials(String username, String password, long timestamp) {
    }

    /** Builds the token a client sends. */
    public static String encode(String username, String password, long unixSeconds, PublicKey key, RsaPadding padding)
            throws GeneralSecurityException {
        String plain = "user: " + username + "\npwd:  " + password + "\nts:   " + unixSeconds;
        Cipher c = Cipher.getInstance(transformation(padding));
        c.init(Cipher.ENCRYPT_MODE, key);
        return Base64.getEncoder().encodeToString(c.doFinal(plain.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Decrypts a token's ciphertext and opens it ({@link TokenBlock}): one RSA private-key operation
     * without padding (the JDK's, blinded), then both paddings checked on the block and the text parsed,
     * the same work for every ciphertext. Never "decrypt with one padding, then with the other": a
     * second attempt after a padding failure makes a conformant token answer in half the time of any
     * other, a padding oracle (Bleichenbacher's, for PKCS#1 v1.5).
     *
     * @param ciphertext exactly the key's length, below its modulus
     * @param accepted the padding a token may have ({@code AUTO}: either)
     * @return the credentials and their padding, or null when the block holds no token in an accepted padding
     * @throws GeneralSecurityException only when the key cannot decrypt at all (never for a bad token)
     */
    public static TokenBlock.Opened open(byte[] ciphertext, PrivateKey key, RsaPadding accepted)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("RSA/ECB/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key);
        byte[] block = c.doFinal(ciphertext);
        try {
            return TokenBlock.open(block, accepted);
        } finally {
            java.util.Arrays.fill(block, (byte) 0);
        }
    }

    private static String transformation(RsaPadding padding) {
        return switch (padding) {
            // SHA-1 and MGF1-SHA-1: OpenSSL's RSA_PKCS1_OAEP_PADDING, which iperf3 3.17+ uses
            case OAEP -> "RSA/ECB/OAEPWithSHA-1AndMGF1Padding";
            case PKCS1 -> "RSA/ECB/PKCS1Padding";
            case AUTO -> throw new IllegalArgumentException("a token has one padding");
        };
    }
}
