package io.iperf3j.internal.auth;

import io.iperf3j.internal.options.IperfOptions.RsaPadding;
import io.iperf3j.testing.TokenBlockReference;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TokenBlock}: known answers from real iperf3 clients and OpenSSL, every kind of bad padding
 * and bad text, the block that is both paddings, the limits, and the masks it is built from.
 */
class TokenBlockTest {
    private static final int K = 256;
    private static final String TEXT = "user: mario\npwd:  rossi\nts:   1750000000";
    private static final AuthToken.Credentials MARIO = new AuthToken.Credentials("mario", "rossi", 1_750_000_000L);
    private static final List<RsaPadding> MODES = List.of(RsaPadding.AUTO, RsaPadding.OAEP, RsaPadding.PKCS1);

    /** One line of token-vectors.txt. */
    record Vector(String name, String padding, byte[] ciphertext, byte[] block, String user, String password, String ts) {
        AuthToken.Credentials credentials() {
            return new AuthToken.Credentials(user, password, Long.parseLong(ts));
        }
    }

    private static List<Vector> vectors() throws IOException {
        List<Vector> out = new ArrayList<>();
        try (InputStream in = TokenBlockTest.class.getResourceAsStream("token-vectors.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                out.add(new Vector(f[0], f[1], Base64.getDecoder().decode(f[2]), HexFormat.of().parseHex(f[3]), f[4], f[5], f[6]));
            }
        }
        return out;
    }

    private static PrivateKey vectorKey() throws Exception {
        Path pem = Files.createTempFile("token-vectors-key", ".pem");
        try (InputStream in = TokenBlockTest.class.getResourceAsStream("token-vectors-key.pem")) {
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            Files.writeString(pem, text.substring(text.indexOf("-----BEGIN")));
            return PemKeys.readPrivate(pem);
        } finally {
            Files.delete(pem);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] nonzero(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (1 + r.nextInt(255));
        }
        return b;
    }

    private static byte[] oaep(SplittableRandom r, byte[] message) {
        return TokenBlockReference.oaepBlock(0, random(r, 20), TokenBlockReference.oaepDataBlock(message, K));
    }

    private static byte[] pkcs1(SplittableRandom r, byte[] message) {
        return TokenBlockReference.pkcs1Block(2, nonzero(r, K - 3 - message.length), message);
    }

    /** The block opens to the same as the plain reading, in every mode. */
    private static void sameAsReference(String what, byte[] block) {
        for (RsaPadding mode : MODES) {
            assertThat(TokenBlock.open(block, mode)).as("%s, %s", what, mode).isEqualTo(TokenBlockReference.open(block, mode));
        }
    }

    @Test
    void knownAnswersOfRealClientsAndOpenSsl() throws Exception {
        PrivateKey key = vectorKey();
        Cipher raw = Cipher.getInstance("RSA/ECB/NoPadding");
        raw.init(Cipher.DECRYPT_MODE, key);
        List<Vector> vectors = vectors();
        assertThat(vectors).extracting(Vector::name).contains("iperf3-3.12-client", "iperf3-3.21-client",
                "openssl-oaep-also-pkcs1-conformant");
        for (Vector v : vectors) {
            assertThat(raw.doFinal(v.ciphertext())).as("%s: the JDK's RSA gives OpenSSL's block", v.name()).isEqualTo(v.block());
            assertThat(AuthToken.open(v.ciphertext(), key, RsaPadding.AUTO)).as(v.name())
                    .isEqualTo(TokenBlock.open(v.block(), RsaPadding.AUTO));
            if (v.padding().equals("-")) {
                for (RsaPadding mode : MODES) {
                    assertThat(TokenBlock.open(v.block(), mode)).as("%s, %s", v.name(), mode).isNull();
                }
                continue;
            }
            RsaPadding padding = RsaPadding.valueOf(v.padding());
            RsaPadding other = padding == RsaPadding.OAEP ? RsaPadding.PKCS1 : RsaPadding.OAEP;
            TokenBlock.Opened expected = new TokenBlock.Opened(v.credentials(), padding);
            assertThat(TokenBlock.open(v.block(), RsaPadding.AUTO)).as("%s, either padding", v.name()).isEqualTo(expected);
            assertThat(TokenBlock.open(v.block(), padding)).as("%s, its padding only", v.name()).isEqualTo(expected);
            assertThat(TokenBlock.open(v.block(), other)).as("%s, the other padding only", v.name()).isNull();
            // and what the JDK's own unpadding reads
            Cipher jdk = Cipher.getInstance(padding == RsaPadding.OAEP ? "RSA/ECB/OAEPWithSHA-1AndMGF1Padding" : "RSA/ECB/PKCS1Padding");
            jdk.init(Cipher.DECRYPT_MODE, key);
            String text = new String(jdk.doFinal(v.ciphertext()), StandardCharsets.UTF_8);
            assertThat(text).as(v.name()).isEqualTo("user: " + v.user() + "\npwd:  " + v.password() + "\nts:   " + v.ts());
        }
        assertThat(TokenBlockReference.unpadPkcs1(vectors.stream().filter(v -> v.name().equals("openssl-oaep-also-pkcs1-conformant"))
                .findFirst().orElseThrow().block())).as("that vector's PKCS#1 reading").isNotNull();
    }

    @Test
    void jdkTokensOfManyLengthsOpenInEitherPadding() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        KeyPair keys = g.generateKeyPair();
        int k = ((RSAPublicKey) keys.getPublic()).getModulus().bitLength() / 8;
        for (int userLength : new int[] {1, 2, 17, 40, 64 - 42 - 2}) {
            String user = "u".repeat(userLength);
            for (RsaPadding padding : List.of(RsaPadding.OAEP, RsaPadding.PKCS1)) {
                String token = AuthToken.encode(user, "p", -1, keys.getPublic(), padding);
                TokenBlock.Opened o = AuthToken.open(Base64.getDecoder().decode(token), keys.getPrivate(), RsaPadding.AUTO);
                assertThat(o).as("%s, user of %d (k = %d)", padding, userLength, k)
                        .isEqualTo(new TokenBlock.Opened(new AuthToken.Credentials(user, "p", -1), padding));
            }
        }
        // every message length each padding can carry, from the reference encoders (no RSA needed)
        SplittableRandom r = new SplittableRandom(66);
        for (int extra = 0; ; extra++) {
            byte[] message = ascii("user: " + "u".repeat(1 + extra) + "\npwd:  p\nts:   7");
            if (message.length > K - 11) {
                break;
            }
            AuthToken.Credentials c = new AuthToken.Credentials("u".repeat(1 + extra), "p", 7);
            assertThat(TokenBlock.open(pkcs1(r, message), RsaPadding.AUTO)).isEqualTo(new TokenBlock.Opened(c, RsaPadding.PKCS1));
            if (message.length <= K - 42) {
                assertThat(TokenBlock.open(oaep(r, message), RsaPadding.AUTO)).isEqualTo(new TokenBlock.Opened(c, RsaPadding.OAEP));
            }
        }
    }

    @Test
    void everyBrokenOaepRuleIsRefused() {
        SplittableRandom r = new SplittableRandom(1);
        byte[] message = ascii(TEXT);
        byte[] seed = random(r, 20);
        byte[] good = TokenBlockReference.oaepDataBlock(message, K);
        assertThat(TokenBlock.open(TokenBlockReference.oaepBlock(0, seed, good), RsaPadding.OAEP).credentials()).isEqualTo(MARIO);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("first byte 01", TokenBlockReference.oaepBlock(1, seed, good));
        bad.put("first byte 80", TokenBlockReference.oaepBlock(0x80, seed, good));
        for (int i : new int[] {0, 7, 19}) {
            byte[] db = good.clone();
            db[i] ^= 1;
            bad.put("label hash byte " + i + " changed", TokenBlockReference.oaepBlock(0, seed, db));
        }
        int one = good.length - message.length - 1;
        byte[] db = good.clone();
        db[one] = 2;
        bad.put("02 in place of the 01", TokenBlockReference.oaepBlock(0, seed, db));
        db = good.clone();
        db[one - 5] = (byte) 0xFF;
        bad.put("a nonzero byte in the zeros", TokenBlockReference.oaepBlock(0, seed, db));
        db = good.clone();
        db[20] = 2;
        bad.put("the first padding byte 02", TokenBlockReference.oaepBlock(0, seed, db));
        db = new byte[good.length];
        System.arraycopy(good, 0, db, 0, 20);
        bad.put("no 01 at all (zeros to the end)", TokenBlockReference.oaepBlock(0, seed, db));
        db[db.length - 1] = 1;
        bad.put("01 the last byte (an empty message)", TokenBlockReference.oaepBlock(0, seed, db));
        byte[] masked = TokenBlockReference.oaepBlock(0, seed, good);
        masked[5] ^= 0x40;
        bad.put("a masked seed byte changed", masked);
        masked = TokenBlockReference.oaepBlock(0, seed, good);
        masked[K - 1] ^= 0x01;
        bad.put("the last byte changed", masked);
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            for (RsaPadding mode : MODES) {
                assertThat(TokenBlock.open(e.getValue(), mode)).as("%s, %s", e.getKey(), mode).isNull();
            }
            sameAsReference(e.getKey(), e.getValue());
        }
        // a 01 right after the label hash (no zeros) is fine
        db = new byte[K - 21];
        System.arraycopy(good, 0, db, 0, 20);
        db[20] = 1;
        byte[] longest = ascii("user: " + "u".repeat(db.length - 21 - TEXT.length() + 5) + "\npwd:  rossi\nts:   1750000000");
        System.arraycopy(longest, 0, db, 21, longest.length);
        assertThat(TokenBlock.open(TokenBlockReference.oaepBlock(0, seed, db), RsaPadding.AUTO).padding()).isEqualTo(RsaPadding.OAEP);
    }

    @Test
    void everyBrokenPkcs1RuleIsRefused() {
        SplittableRandom r = new SplittableRandom(2);
        byte[] message = ascii(TEXT);
        byte[] ps = nonzero(r, K - 3 - message.length);
        assertThat(TokenBlock.open(TokenBlockReference.pkcs1Block(2, ps, message), RsaPadding.PKCS1).credentials()).isEqualTo(MARIO);
        Map<String, byte[]> bad = new LinkedHashMap<>();
        byte[] b = TokenBlockReference.pkcs1Block(2, ps, message);
        b[0] = 1;
        bad.put("first byte 01", b);
        for (int type : new int[] {0, 1, 3, 0x82}) {
            bad.put("type " + type, TokenBlockReference.pkcs1Block(type, ps, message));
        }
        for (int zeroAt = 2; zeroAt < 10; zeroAt++) {
            b = TokenBlockReference.pkcs1Block(2, ps, message);
            b[zeroAt] = 0;
            bad.put("a zero at " + zeroAt + " (padding shorter than 8)", b);
        }
        b = new byte[K];
        b[1] = 2;
        System.arraycopy(nonzero(r, K - 2), 0, b, 2, K - 2);
        bad.put("no zero after the padding", b);
        b = TokenBlockReference.pkcs1Block(2, nonzero(r, K - 3), new byte[0]);
        bad.put("a zero as the last byte (an empty message)", b);
        for (Map.Entry<String, byte[]> e : bad.entrySet()) {
            for (RsaPadding mode : MODES) {
                assertThat(TokenBlock.open(e.getValue(), mode)).as("%s, %s", e.getKey(), mode).isNull();
            }
            sameAsReference(e.getKey(), e.getValue());
        }
        // the shortest padding, eight bytes, carries the longest message
        byte[] longest = ascii("user: " + "u".repeat(K - 11 - TEXT.length() + 5) + "\npwd:  rossi\nts:   1750000000");
        assertThat(longest).hasSize(K - 11);
        b = TokenBlockReference.pkcs1Block(2, nonzero(r, 8), longest);
        assertThat(TokenBlock.open(b, RsaPadding.AUTO).padding()).isEqualTo(RsaPadding.PKCS1);
        assertThat(TokenBlock.open(b, RsaPadding.OAEP)).isNull();
    }

    @Test
    void everyMalformedTextIsRefusedAndEveryWellFormedOneRead() {
        Map<String, AuthToken.Credentials> texts = new LinkedHashMap<>();
        texts.put(TEXT, MARIO);
        texts.put("user:   mario \t\npwd:  \u000Brossi\r\nts:   1750000000  ", MARIO);
        texts.put("user: mario\r\npwd:  rossi\r\nts:   1750000000\r", MARIO);
        texts.put("user: m\npwd:  p\nts:   +5", new AuthToken.Credentials("m", "p", 5));
        texts.put("user: m\npwd:  p\nts:   -0", new AuthToken.Credentials("m", "p", 0));
        texts.put("user: m\npwd:  p\nts:   000000000000000000000000000042", new AuthToken.Credentials("m", "p", 42));
        texts.put("user: m\npwd:  p\nts:   9223372036854775807", new AuthToken.Credentials("m", "p", Long.MAX_VALUE));
        texts.put("user: m\npwd:  p\nts:   -9223372036854775808", new AuthToken.Credentials("m", "p", Long.MIN_VALUE));
        texts.put("user: caf\u00e9\npwd:  \u00fc\u00f1\u00ee\nts:   1", new AuthToken.Credentials("caf\u00e9", "\u00fc\u00f1\u00ee", 1));
        texts.put("user: a\u3000b\npwd:  p\nts:   1", new AuthToken.Credentials("a\u3000b", "p", 1)); // not ASCII whitespace
        texts.put("user: \u001Fmario\u001C\npwd:  rossi\nts:   1750000000", MARIO); // 28-31 are whitespace, as in Java
        for (String bad : List.of("", "\n\n", "user: mario\npwd:  rossi", "user: mario\npwd:  rossi\nts:   1\n",
                "user: mario\npwd:  rossi\nts:   1750000000\n\n", "user: mario\npwd:  rossi\n\nts:   1",
                "user:mario\npwd:  rossi\nts:   1", "user: mario\npwd: rossi\nts:   1", "user: mario\npwd:  rossi\nts:  1",
                "User: mario\npwd:  rossi\nts:   1", " user: mario\npwd:  rossi\nts:   1", "user: \npwd:  rossi\nts:   1",
                "user: mario\npwd:  \nts:   1", "user: mario\npwd:  rossi\nts:   ", "user: ma rio\npwd:  rossi\nts:   1",
                "user: mario\npwd:  ros\tsi\nts:   1", "user: mario\npwd:  rossi\nts:   1 2", "user: mario\npwd:  rossi\nts:   +",
                "user: mario\npwd:  rossi\nts:   -", "user: mario\npwd:  rossi\nts:   +-1", "user: mario\npwd:  rossi\nts:   1-",
                "user: mario\npwd:  rossi\nts:   0x10", "user: mario\npwd:  rossi\nts:   1e9", "user: mario\npwd:  rossi\nts:   abc",
                "user: mario\npwd:  rossi\nts:   9223372036854775808", "user: mario\npwd:  rossi\nts:   -9223372036854775809",
                "user: mario\npwd:  rossi\nts:   99999999999999999999", "user: mario\npwd:  rossi\nts:   \u0661",
                "user: mario\npwd:  rossi\nts:   1\u0000", "user:\npwd:  rossi\nts:   1", "user: mario\npwd:\nts:   1",
                "user: mario\npwd:  rossi\nts:", "user: mario\npwd:  rossi\nts:   1\u0000\u0000")) {
            texts.put(bad, null);
        }
        SplittableRandom r = new SplittableRandom(3);
        for (Map.Entry<String, AuthToken.Credentials> e : texts.entrySet()) {
            byte[] message = ascii(e.getKey());
            for (RsaPadding padding : List.of(RsaPadding.OAEP, RsaPadding.PKCS1)) {
                byte[] block = padding == RsaPadding.OAEP ? oaep(r, message) : pkcs1(r, message);
                TokenBlock.Opened o = TokenBlock.open(block, RsaPadding.AUTO);
                assertThat(o == null ? null : o.credentials()).as("%s: %s", padding, e.getKey().replace("\n", "\\n"))
                        .isEqualTo(e.getValue());
                sameAsReference(e.getKey(), block);
            }
        }
    }

    /** About one OAEP block in 400 is also conformant PKCS#1 v1.5: OAEP is taken (with PKCS#1 only, it is no token). */
    @Test
    void aBlockValidInBothPaddingsIsReadAsOaep() {
        SplittableRandom r = new SplittableRandom(4);
        byte[] message = ascii(TEXT);
        byte[] block;
        int tries = 0;
        do {
            block = oaep(r, message);
            tries++;
        } while (TokenBlockReference.unpadPkcs1(block) == null);
        assertThat(tries).as("draws until one was both").isLessThan(20_000);
        assertThat(TokenBlock.open(block, RsaPadding.AUTO)).isEqualTo(new TokenBlock.Opened(MARIO, RsaPadding.OAEP));
        assertThat(TokenBlock.open(block, RsaPadding.OAEP)).isEqualTo(new TokenBlock.Opened(MARIO, RsaPadding.OAEP));
        assertThat(TokenBlock.open(block, RsaPadding.PKCS1)).as("its PKCS#1 reading is random bytes").isNull();
        sameAsReference("both paddings", block);
    }

    @Test
    void randomBlocksOpenToNothingAsTheReferenceSays() {
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 600; i++) {
            byte[] block = random(r, 42 + r.nextInt(300));
            if (i % 2 == 0) {
                block[0] = 0;
                block[1] = 2; // conformant PKCS#1 about 6 times in 10, the text random
            }
            for (RsaPadding mode : MODES) {
                assertThat(TokenBlock.open(block, mode)).as("block %d", i).isNull();
            }
            sameAsReference("random block " + i, block);
        }
    }

    @Test
    void blockLengthsOutsideTheLimitsAreTheCallersError() {
        assertThatThrownBy(() -> TokenBlock.open(new byte[41], RsaPadding.AUTO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an RSA block of 41 bytes, not 42 to 2048");
        assertThatThrownBy(() -> TokenBlock.open(new byte[2049], RsaPadding.AUTO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TokenBlock.open(new byte[42], RsaPadding.AUTO)).isNull();
        assertThat(TokenBlock.open(new byte[2048], RsaPadding.AUTO)).isNull();
        // the shortest block still carries a PKCS#1 token of 31 bytes (42 - 11)
        byte[] small = ascii("user: m\npwd:  p\nts:   123456789");
        byte[] b = TokenBlockReference.pkcs1Block(2, nonzero(new SplittableRandom(6), 8), small);
        assertThat(b).hasSize(42);
        assertThat(TokenBlock.open(b, RsaPadding.AUTO).credentials()).isEqualTo(new AuthToken.Credentials("m", "p", 123_456_789));
    }

    @Test
    void theMasksAgreeWithTheComparisons() {
        int[] ints = {-(1 << 30), -65536, -257, -256, -2, -1, 0, 1, 2, 9, 10, 13, 14, 27, 28, 32, 33, 127, 128, 255, 256,
                2048, (1 << 30) - 1};
        for (int a : ints) {
            for (int b : ints) {
                assertThat(TokenBlock.equal(a, b)).as("%d == %d", a, b).isEqualTo(a == b ? -1 : 0);
                assertThat(TokenBlock.less(a, b)).as("%d < %d", a, b).isEqualTo(a < b ? -1 : 0);
                assertThat(TokenBlock.atLeast(a, b)).as("%d >= %d", a, b).isEqualTo(a >= b ? -1 : 0);
                assertThat(TokenBlock.select(-1, a, b)).isEqualTo(a);
                assertThat(TokenBlock.select(0, a, b)).isEqualTo(b);
            }
        }
        assertThat(TokenBlock.equal(Integer.MIN_VALUE, 0)).isZero();
        assertThat(TokenBlock.equal(Integer.MIN_VALUE, Integer.MIN_VALUE)).isEqualTo(-1);
        long[] longs = {0, 1, 9, 10, Long.MAX_VALUE - 1, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -2, -1,
                922_337_203_685_477_580L, 922_337_203_685_477_581L};
        for (long a : longs) {
            for (long b : longs) {
                assertThat(TokenBlock.unsignedLess(a, b)).as("%s <u %s", Long.toUnsignedString(a), Long.toUnsignedString(b))
                        .isEqualTo(Long.compareUnsigned(a, b) < 0 ? -1L : 0L);
            }
        }
        for (int c = 0; c < 256; c++) {
            assertThat(TokenBlock.whitespace(c)).as("byte %d", c).isEqualTo(c < 128 && Character.isWhitespace(c) ? -1 : 0);
        }
    }
}
