package io.iperf3j.export;

import java.time.Duration;

/**
 * iperf3-rs's DURATION syntax: a positive integer with {@code ms}, {@code s}, {@code m} or no suffix (seconds);
 * iperf3j also takes {@code h} (hours), for {@code iperf3j session --every}.
 */
public final class Durations {
    private Durations() {
    }

    /**
     * Parses a DURATION (surrounding blanks ignored).
     *
     * @throws IllegalArgumentException with iperf3-rs's wording ("must not be empty", "invalid ... duration",
     *                                  "must be greater than zero", "is too large"), {@code what} naming the value
     */
    public static Duration parse(String what, String raw) {
        String s = raw.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        String number;
        long unitMillis;
        if (s.endsWith("ms")) {
            number = s.substring(0, s.length() - 2);
            unitMillis = 1;
        } else if (s.endsWith("s")) {
            number = s.substring(0, s.length() - 1);
            unitMillis = 1000;
        } else if (s.endsWith("h")) {
            number = s.substring(0, s.length() - 1);
            unitMillis = 3_600_000;
        } else if (s.endsWith("m")) {
            number = s.substring(0, s.length() - 1);
            unitMillis = 60_000;
        } else {
            number = s;
            unitMillis = 1000;
        }
        if (number.isEmpty() || !number.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid " + what + " duration: " + s);
        }
        long ms;
        try {
            ms = Math.multiplyExact(Long.parseLong(number), unitMillis);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(what + " is too large: " + s);
        }
        if (ms == 0) {
            throw new IllegalArgumentException(what + " must be greater than zero");
        }
        return Duration.ofMillis(ms);
    }
}
