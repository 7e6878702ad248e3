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
 * PKCS#1 v1.5; 3.17+ defaults to OAEP (SHA-1, MGF1-SHA-1).
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
     * Decrypts a token's ciphertext with one padding and parses it. One padding only, never "this
     * one, then the other": a second attempt after a padding failure makes a conformant token
     * answer in half the time of any other, a padding oracle (Bleichenbacher's, for PKCS#1 v1.5).
     *
     * @throws GeneralSecurityException if the ciphertext does not decrypt with the key and padding,
     *         or the plaintext does not have the expected form
     */
    public static Credentials decrypt(byte[] ciphertext, PrivateKey key, RsaPadding padding)
            throws GeneralSecurityException {
        Cipher c = Cipher.getInstance(transformation(padding));
        c.init(Cipher.DECRYPT_MODE, key);
        return parse(new String(c.doFinal(ciphertext), StandardCharsets.UTF_8));
    }

    /** Parses the plaintext as iperf3's {@code sscanf("user: %s\npwd:  %s\nts:   %ld")}: whitespace-free tokens. */
    static Credentials parse(String text) throws GeneralSecurityException {
        String[] lines = text.split("\n", -1);
        if (lines.length != 3 || !lines[0].startsWith("user: ") || !lines[1].startsWith("pwd:  ")
                || !lines[2].startsWith("ts:   ")) {
            throw new GeneralSecurityException("malformed token");
        }
        String user = lines[0].substring(6).strip();
        String pwd = lines[1].substring(6).strip();
        String ts = lines[2].substring(6).strip();
        if (user.isEmpty() || pwd.isEmpty() || user.chars().anyMatch(Character::isWhitespace)
                || pwd.chars().anyMatch(Character::isWhitespace)) {
            throw new GeneralSecurityException("malformed token");
        }
        try {
            return new Credentials(user, pwd, Long.parseLong(ts));
        } catch (NumberFormatException e) {
            throw new GeneralSecurityException("malformed token timestamp", e);
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
