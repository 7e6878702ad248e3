package io.iperf3j.export;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * An HTTP {@code Retry-After} header's value (RFC 9110, 10.2.3), as the wait it asks for: a number
 * of seconds ({@code 120}) or an HTTP date ({@code Wed, 21 Oct 2015 07:28:00 GMT}, the IMF-fixdate
 * form every current server sends), a date counted from {@code now}. Stateless.
 *
 * <p>Limits: a date already past is a wait of zero; a wait longer than {@link #LONGEST} is
 * {@link #LONGEST}, so a receiver's typo (or a hostile one) cannot park a queue for days; RFC 850
 * and asctime dates (obsolete forms a recipient should still read) are not read: they give
 * empty, as a value that is neither form does, and the caller's own back-off applies. At most
 * {@value #MAX_LENGTH} characters are looked at; a longer value is not one of these forms.
 *
 * <p>Why not a library: the JDK's HTTP client hands the header over as text and reads neither
 * form; {@link DateTimeFormatter#RFC_1123_DATE_TIME} reads the date, and the rest is one
 * number.
 */
final class RetryAfter {
    /** The longest wait a value gives. */
    static final Duration LONGEST = Duration.ofHours(1);
    /** The longest value read. */
    static final int MAX_LENGTH = 64;

    private RetryAfter() {
    }

    /**
     * The wait {@code value} asks for, from {@code now}; empty for null, blank or a value of neither
     * form.
     */
    static Optional<Duration> parse(String value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (v.isEmpty() || v.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // delay-seconds: any number of digits; more than an hour's worth is the longest wait
            String digits = v.replaceFirst("^0+(?=.)", "");
            if (digits.length() > 6) {
                return Optional.of(LONGEST);
            }
            return Optional.of(clamp(Duration.ofSeconds(Long.parseLong(digits))));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : clamp(d));
        } catch (DateTimeException e) {
            return Optional.empty(); // neither form: the caller's own back-off
        }
    }

    private static Duration clamp(Duration d) {
        return d.compareTo(LONGEST) > 0 ? LONGEST : d;
    }
}
