package io.iperf3j.internal.auth;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads the PEM keys iperf3 uses: a public key as {@code PUBLIC KEY} (X.509) or
 * {@code RSA PUBLIC KEY} (PKCS#1), a private key as {@code PRIVATE KEY} (PKCS#8)
 * or {@code RSA PRIVATE KEY} (PKCS#1, what {@code openssl genrsa} wrote before 3.0).
 */
public final class PemKeys {
    private PemKeys() {
    }

    public static PublicKey readPublic(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        KeyFactory kf = KeyFactory.getInstance("RSA");
        if (pem.contains("BEGIN RSA PUBLIC KEY")) {
            Der d = new Der(body(pem, "RSA PUBLIC KEY"));
            d.sequence();
            return kf.generatePublic(new RSAPublicKeySpec(d.integer(), d.integer()));
        }
        return kf.generatePublic(new X509EncodedKeySpec(body(pem, "PUBLIC KEY")));
    }

    public static PrivateKey readPrivate(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        KeyFactory kf = KeyFactory.getInstance("RSA");
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            Der d = new Der(body(pem, "RSA PRIVATE KEY"));
            d.sequence();
            d.integer(); // version
            BigInteger n = d.integer();
            BigInteger e = d.integer();
            BigInteger dd = d.integer();
            BigInteger p = d.integer();
            BigInteger q = d.integer();
            BigInteger dp = d.integer();
            BigInteger dq = d.integer();
            BigInteger qi = d.integer();
            return kf.generatePrivate(new RSAPrivateCrtKeySpec(n, e, dd, p, q, dp, dq, qi));
        }
        return kf.generatePrivate(new PKCS8EncodedKeySpec(body(pem, "PRIVATE KEY")));
    }

    private static byte[] body(String pem, String label) throws GeneralSecurityException {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw new GeneralSecurityException("no " + label + " block in PEM file");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException ex) {
            throw new GeneralSecurityException("bad Base64 in PEM file", ex);
        }
    }

    /** Just enough DER to read the INTEGERs of a PKCS#1 key. */
    private static final class Der {
        private final byte[] b;
        private int pos;

        Der(byte[] b) {
            this.b = b;
        }

        void sequence() throws GeneralSecurityException {
            expect(0x30);
            length();
        }

        BigInteger integer() throws GeneralSecurityException {
            expect(0x02);
            int len = length();
            if (pos + len > b.length) {
                throw new GeneralSecurityException("truncated DER");
            }
            byte[] v = new byte[len];
            System.arraycopy(b, pos, v, 0, len);
            pos += len;
            return new BigInteger(v);
        }

        private void expect(int tag) throws GeneralSecurityException {
            if (pos >= b.length || (b[pos++] & 0xFF) != tag) {
                throw new GeneralSecurityException("unexpected DER structure");
            }
        }

        private int length() throws GeneralSecurityException {
            if (pos >= b.length) {
                throw new GeneralSecurityException("truncated DER");
            }
            int first = b[pos++] & 0xFF;
            if (first < 0x80) {
                return first;
            }
            int n = first & 0x7F;
            if (n > 4 || pos + n > b.length) {
                throw new GeneralSecurityException("bad DER length");
            }
            int len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[pos++] & 0xFF);
            }
            return len;
        }
    }
}
