package io.iperf3j.internal.protocol;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CookieTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    private static byte[] bytes(Cookie c) {
        return c.wireBytes();
    }

    @Test
    void aRandomCookieIsThirtySixBase32CharactersAndANul() {
        byte[] b = bytes(Cookie.random());
        assertThat(b).hasSize(Cookie.SIZE);
        assertThat(b[Cookie.SIZE - 1]).isZero();
        for (int i = 0; i < Cookie.SIZE - 1; i++) {
            assertThat(ALPHABET.indexOf(b[i])).as("byte %d", i).isGreaterThanOrEqualTo(0);
        }
    }

    /** Every character of the alphabet is drawn about equally often (each byte of /dev/urandom modulo 32). */
    @Test
    void randomCookiesUseTheWholeAlphabetEvenly() {
        int[] counts = new int[ALPHABET.length()];
        Set<String> seen = new HashSet<>();
        int cookies = 2000;
        for (int n = 0; n < cookies; n++) {
            Cookie c = Cookie.random();
            seen.add(c.text());
            byte[] b = bytes(c);
            for (int i = 0; i < Cookie.SIZE - 1; i++) {
                counts[ALPHABET.indexOf(b[i])]++;
            }
        }
        assertThat(seen).hasSize(cookies);
        double expected = cookies * (Cookie.SIZE - 1) / (double) ALPHABET.length(); // 2250
        for (int i = 0; i < counts.length; i++) {
            // 2250 ± 20 %: about 9.5 standard deviations, so only a biased mapping fails
            assertThat((double) counts[i]).as("count of '%c'", ALPHABET.charAt(i)).isBetween(expected * 0.8, expected * 1.2);
        }
    }
}
