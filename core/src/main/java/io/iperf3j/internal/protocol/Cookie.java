package io.iperf3j.internal.protocol;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The 37-byte test cookie: 36 lower-case base32 characters and a NUL. The client
 * sends it first on the control connection and on every TCP data connection; the
 * server tells connections apart by it.
 */
public final class Cookie {
    /** Bytes on the wire, including the terminating NUL. */
    public static final int SIZE = 37;
    private static final byte[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".getBytes(StandardCharsets.US_ASCII);

    private final byte[] wire;

    private Cookie(byte[] wire) {
        this.wire = wire;
    }

    /** A fresh random cookie. */
    public static Cookie random(RandomGenerator random) {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE - 1; i++) {
            b[i] = ALPHABET[random.nextInt(32)];
        }
        return new Cookie(b);
    }

    /**
     * A fresh cookie from 36 bytes of /dev/urandom, as iperf3's {@code make_cookie} reads
     * them (each byte modulo 32 picks a character: uniform, since 256 is a multiple of 32);
     * from a {@link SecureRandom} where that file cannot be read. Not {@code SecureRandom}
     * first: its first instance in a JVM loads the security providers and seeds itself,
     * 5-10 ms that a short client run spent before connecting.
     */
    public static Cookie random() {
        byte[] entropy = new byte[SIZE - 1];
        try (java.io.InputStream in = new java.io.FileInputStream(URANDOM)) {
            if (in.readNBytes(entropy, 0, entropy.length) == entropy.length) {
                byte[] b = new byte[SIZE];
                for (int i = 0; i < entropy.length; i++) {
                    b[i] = ALPHABET[entropy[i] & 31];
                }
                return new Cookie(b);
            }
        } catch (java.io.IOException | SecurityException e) {
            // no /dev/urandom here: the JDK's generator below
        }
        return random(new SecureRandom());
    }

    private static final String URANDOM = "/dev/urandom";

    /** The cookie as received: exactly {@link #SIZE} bytes, taken as they are. */
    public static Cookie fromWire(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("cookie must be " + SIZE + " bytes, got " + bytes.length);
        }
        return new Cookie(bytes.clone());
    }

    /** The 37 bytes to send. */
    public byte[] wireBytes() {
        return wire.clone();
    }

    /** The text up to the first NUL, as iperf3 prints it in {@code start.cookie}. */
    public String text() {
        return new String(wire, 0, textLength(), StandardCharsets.ISO_8859_1);
    }

    private int textLength() {
        for (int i = 0; i < wire.length; i++) {
            if (wire[i] == 0) {
                return i;
            }
        }
        return wire.length;
    }

    /** iperf3 compares cookies with {@code strcmp}: equal up to and including the first NUL. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Cookie other)) {
            return false;
        }
        int n = textLength();
        return n == other.textLength() && Arrays.equals(wire, 0, n, other.wire, 0, n);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(Arrays.copyOf(wire, textLength()));
    }

    @Override
    public String toString() {
        return text();
    }
}
