package io.iperf3j.export;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Jazzer fuzz test of the one header remote write parses, {@code Retry-After} ({@link RetryAfter}):
 * any text gives empty or a wait from zero to {@link RetryAfter#LONGEST}, never an exception, and a
 * number of seconds gives exactly that number (or the longest wait). Runs its seeds
 * ({@code RetryAfterFuzzTestInputs/retryAfter/}: the two forms and near misses) in every build; fuzz
 * for ten minutes with
 * {@code JAZZER_FUZZ=1 mvn -B test -pl export -Dtest='RetryAfterFuzzTest#retryAfter' -Djazzer.max_duration=10m}.
 */
class RetryAfterFuzzTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @FuzzTest(maxDuration = "1m")
    void retryAfter(byte[] data) {
        String value = new String(data, StandardCharsets.UTF_8);
        Optional<Duration> wait = RetryAfter.parse(value, NOW);
        if (wait.isEmpty()) {
            return;
        }
        Duration d = wait.get();
        if (d.isNegative() || d.compareTo(RetryAfter.LONGEST) > 0) {
            throw new IllegalStateException("a wait out of range: " + d + " from '" + value + "'");
        }
        String v = value.strip();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            BigInteger seconds = new BigInteger(v);
            Duration expected = seconds.compareTo(BigInteger.valueOf(RetryAfter.LONGEST.toSeconds())) > 0
                    ? RetryAfter.LONGEST : Duration.ofSeconds(seconds.longValueExact());
            if (!d.equals(expected)) {
                throw new IllegalStateException("'" + value + "' gave " + d + ", not " + expected);
            }
        }
    }
}
