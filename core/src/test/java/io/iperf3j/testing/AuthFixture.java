package io.iperf3j.testing;

import io.iperf3j.internal.auth.AuthorizedUsers;

import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;

/** RSA keys, a users file and hand-made tokens for the authentication tests. */
public final class AuthFixture {
    private AuthFixture() {
    }

    /** A fresh 2048-bit RSA key pair. */
    public static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A users file with a comment, a blank line, a line without a comma and {@code user}'s entry. */
    public static Path usersFile(Path dir, String user, String password) throws Exception {
        Path users = dir.resolve("users.csv");
        Files.writeString(users, "# comment\n\nnocomma\n" + user + "," + AuthorizedUsers.hexDigest(user, password) + "\n");
        return users;
    }

    /** RSA-encrypts any plaintext with {@code key} (OAEP, as iperf3 3.17+), Base64: a token of any content. */
    public static String encrypted(PublicKey key, String plain) throws Exception {
        return encrypted(key, plain, "RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
    }

    /** RSA-encrypts any plaintext with {@code key} and a JCA transformation, Base64. */
    public static String encrypted(PublicKey key, String plain, String transformation) throws Exception {
        Cipher c = Cipher.getInstance(transformation);
        c.init(Cipher.ENCRYPT_MODE, key);
        return Base64.getEncoder().encodeToString(c.doFinal(plain.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code n} as exactly {@code bytes} unsigned big-endian bytes. */
    public static byte[] unsigned(java.math.BigInteger n, int bytes) {
        byte[] signed = n.toByteArray();
        byte[] out = new byte[bytes];
        int copy = Math.min(bytes, signed.length);
        System.arraycopy(signed, signed.length - copy, out, bytes - copy, copy);
        return out;
    }
}
