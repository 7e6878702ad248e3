package io.iperf3j.report.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The range {@code iperf3j report}'s {@code --since}, {@code --from} and {@code --to} choose for a
 * Prometheus history: the last {@code --since} (default {@link #DEFAULT_SINCE}) up to now, or from
 * {@code --from} to {@code --to} (default now). A duration is a whole number of seconds, minutes, hours or
 * days ({@code 90s}, {@code 30m}, {@code 6h}, {@code 7d}) up to {@link #MAX_SPAN}; a time is RFC 3339
 * ({@code 2026-01-31T08:00:00Z}, {@code 2026-01-31T09:00:00+01:00}) or Unix seconds.
 */
public record TimeRange(Instant from, Instant to) {
    public static final Duration DEFAULT_SINCE = Duration.ofHours(6);
    /** Longest range (Prometheus's own default retention is 15 days; a long one is kept at 500 samples a series). */
    public static final Duration MAX_SPAN = Duration.ofDays(3_660);
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})([smhd])");

    /**
     * @param since {@code --since}, or null
     * @param from {@code --from}, or null
     * @param to {@code --to}, or null
     * @throws IllegalArgumentException naming the option when a value is not usable
     */
    public static TimeRange of(String since, String from, String to, Instant now) {
        if (since != null && from != null) {
            throw new IllegalArgumentException("give --since or --from, not both");
        }
        Instant end = to == null ? now : time("--to", to);
        Instant start = from != null ? time("--from", from) : end.minus(since == null ? DEFAULT_SINCE : duration("--since", since, false));
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("the range is empty: from " + start + " to " + end);
        }
        if (Duration.between(start, end).compareTo(MAX_SPAN) > 0) {
            throw new IllegalArgumentException("a range longer than " + MAX_SPAN.toDays() + " days");
        }
        return new TimeRange(start, end);
    }

    /**
     * {@code report --compare prometheus+http://… --offset DURATION}: how much earlier the baseline's range is, a
     * duration as {@code --since} takes, or 0 (the range against itself).
     *
     * @throws IllegalArgumentException naming the option when the text is not such a duration
     */
    public static Duration offset(String text) {
        return text.strip().equals("0") ? Duration.ZERO : duration("--offset", text, true);
    }

    /**
     * {@code report --stale-after DURATION}: a history's test whose latest result is older than this (before the newest
     * result of the history) needs a look, besides one not measured within its cycle.
     *
     * @throws IllegalArgumentException naming the option when the text is not such a duration
     */
    public static Duration staleAfter(String text) {
        return duration("--stale-after", text, false);
    }

    /** A duration as the options write it, in its largest whole unit: {@code 7d}, {@code 36h}, {@code 90m}, {@code 45s}, {@code 0}. */
    public static String text(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return "0";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    private static Duration duration(String option, String text, boolean zero) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " " + Texts.cut(text, 64) + ": not a duration such as 30m, 6h or 7d"
                    + (zero ? " (or 0)" : ""));
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero() && !zero || d.compareTo(MAX_SPAN) > 0) {
            throw new IllegalArgumentException(option + " " + text.strip() + ": not in " + (zero ? "0" : "1s") + " .. "
                    + MAX_SPAN.toDays() + "d");
        }
        return d;
    }

    private static Instant time(String option, String text) {
        String t = text.strip();
        try {
            if (t.matches("[0-9]{1,12}(\\.[0-9]{1,9})?")) {
                return Instant.ofEpochMilli(Math.round(Double.parseDouble(t) * 1000));
            }
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " " + Texts.cut(t, 64)
                    + ": not a time (RFC 3339 such as 2026-01-31T08:00:00Z, or Unix seconds)", e);
        }
    }
}
