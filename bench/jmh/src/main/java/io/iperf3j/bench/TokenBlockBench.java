package io.iperf3j.bench;

import io.iperf3j.internal.auth.AuthToken;
import io.iperf3j.internal.auth.TokenBlock;
import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;

/**
 * Issue 66: does the server's token work take another time for one kind of bad token than for
 * another? Below the network's noise (bench/auth_timing.py sees milliseconds), per kind of block:
 * {@code open} is {@link TokenBlock#open} alone on the RSA block, {@code decryptAndOpen} the RSA
 * private-key operation (the JDK's, blinded) and it, as the server runs them. Each kind cycles
 * through 256 different blocks, so that no branch predictor learns one input. The kinds: a token
 * with a wrong password in either padding, conformant padding around random bytes (a Bleichenbacher
 * query's luck), a leading zero and neither padding (what Manger's attack looks for), random.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenBlockBench {
    private static final int POOL = 256;

    @Param({"pkcs1", "oaep", "pkcs1-garbage", "oaep-garbage", "zero-lead", "random"})
    String kind;

    KeyPair keys;
    byte[][] ciphertexts;
    byte[][] blocks;
    private int next;

    /** One key for every kind: an RSA key's own speed (its primes, its exponent) is not a kind's. */
    private static final KeyPair KEYS = keyPair();

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Setup
    public void setUp() throws Exception {
        keys = KEYS;
        RSAPublicKey pub = (RSAPublicKey) keys.getPublic();
        int k = 256;
        SplittableRandom r = new SplittableRandom(66);
        Cipher raw = Cipher.getInstance("RSA/ECB/NoPadding");
        raw.init(Cipher.DECRYPT_MODE, keys.getPrivate());
        ciphertexts = new byte[POOL][];
        blocks = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            byte[] ct = switch (kind) {
                case "pkcs1" -> Base64.getDecoder().decode(AuthToken.encode("mario", "wrong" + i, 1_750_000_000L + i, pub, RsaPadding.PKCS1));
                case "oaep" -> Base64.getDecoder().decode(AuthToken.encode("mario", "wrong" + i, 1_750_000_000L + i, pub, RsaPadding.OAEP));
                case "pkcs1-garbage" -> encrypt(pub, "RSA/ECB/PKCS1Padding", bytes(r, 1 + r.nextInt(k - 11)));
                case "oaep-garbage" -> encrypt(pub, "RSA/ECB/OAEPWithSHA-1AndMGF1Padding", bytes(r, 1 + r.nextInt(k - 42)));
                case "zero-lead" -> {
                    byte[] b = bytes(r, k);
                    b[0] = 0;
                    b[1] = 3;
                    yield raise(pub, b);
                }
                case "random" -> {
                    byte[] b = bytes(r, k);
                    b[0] &= 0x7F; // below the modulus, whose top bit is set: a random ciphertext
                    yield b;
                }
                default -> throw new IllegalArgumentException(kind);
            };
            ciphertexts[i] = ct;
            blocks[i] = raw.doFinal(ct);
        }
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] encrypt(RSAPublicKey pub, String transformation, byte[] message) throws Exception {
        Cipher c = Cipher.getInstance(transformation);
        c.init(Cipher.ENCRYPT_MODE, pub);
        return c.doFinal(message);
    }

    /** A ciphertext whose decryption is exactly {@code block}. */
    private static byte[] raise(RSAPublicKey pub, byte[] block) {
        byte[] c = new BigInteger(1, block).modPow(pub.getPublicExponent(), pub.getModulus()).toByteArray();
        byte[] out = new byte[256];
        int n = Math.min(256, c.length);
        System.arraycopy(c, c.length - n, out, 256 - n, n);
        return out;
    }

    /** The codec alone (both paddings, the parse). */
    @Benchmark
    public Object open() {
        next = (next + 1) & (POOL - 1);
        return TokenBlock.open(blocks[next], RsaPadding.AUTO);
    }

    /** The RSA operation and the codec, as AuthCheck runs them. */
    @Benchmark
    public Object decryptAndOpen() throws Exception {
        next = (next + 1) & (POOL - 1);
        return AuthToken.open(ciphertexts[next], keys.getPrivate(), RsaPadding.AUTO);
    }
}
