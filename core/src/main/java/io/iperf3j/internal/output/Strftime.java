package io.iperf3j.internal.output;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * C {@code strftime} in the "C" locale, for {@code --timestamps[=format]}. Covers the
 * conversions of C99 and POSIX; an unknown conversion is copied through as written,
 * as glibc does.
 */
public final class Strftime {
    /**
     * The "C" locale's names, Monday first as {@link java.time.DayOfWeek}; the abbreviations
     * are their first three letters. Constants, not {@code getDisplayName(..., Locale.US)}:
     * the first call of that loads the JDK's locale data, 20-25 ms of a client's start-up
     * (every client prints a {@code Time:} stamp), for names the C library fixes anyway.
     */
    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};

    private Strftime() {
    }

    public static String format(String pattern, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 >= pattern.length()) {
                sb.append(c);
                continue;
            }
            char f = pattern.charAt(++i);
            switch (f) {
                case 'a' -> sb.append(DAYS[t.getDayOfWeek().ordinal()], 0, 3);
                case 'A' -> sb.append(DAYS[t.getDayOfWeek().ordinal()]);
                case 'b', 'h' -> sb.append(MONTHS[t.getMonth().ordinal()], 0, 3);
                case 'B' -> sb.append(MONTHS[t.getMonth().ordinal()]);
                case 'c' -> sb.append(format("%a %b %e %H:%M:%S %Y", t));
                case 'C' -> pad(sb, t.getYear() / 100, 2, '0');
                case 'd' -> pad(sb, t.getDayOfMonth(), 2, '0');
                case 'D' -> sb.append(format("%m/%d/%y", t));
                case 'e' -> pad(sb, t.getDayOfMonth(), 2, ' ');
                case 'F' -> sb.append(format("%Y-%m-%d", t));
                case 'g' -> pad(sb, t.get(IsoFields.WEEK_BASED_YEAR) % 100, 2, '0');
                case 'G' -> sb.append(t.get(IsoFields.WEEK_BASED_YEAR));
                case 'H' -> pad(sb, t.getHour(), 2, '0');
                case 'I' -> pad(sb, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, '0');
                case 'j' -> pad(sb, t.getDayOfYear(), 3, '0');
                case 'k' -> pad(sb, t.getHour(), 2, ' ');
                case 'l' -> pad(sb, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, ' ');
                case 'm' -> pad(sb, t.getMonthValue(), 2, '0');
                case 'M' -> pad(sb, t.getMinute(), 2, '0');
                case 'n' -> sb.append('\n');
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'P' -> sb.append(t.getHour() < 12 ? "am" : "pm");
                case 'r' -> sb.append(format("%I:%M:%S %p", t));
                case 'R' -> sb.append(format("%H:%M", t));
                case 's' -> sb.append(t.toEpochSecond());
                case 'S' -> pad(sb, t.getSecond(), 2, '0');
                case 't' -> sb.append('\t');
                case 'T' -> sb.append(format("%H:%M:%S", t));
                case 'u' -> sb.append(t.getDayOfWeek().getValue());
                case 'V' -> pad(sb, t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), 2, '0');
                case 'w' -> sb.append(t.getDayOfWeek().getValue() % 7);
                case 'x' -> sb.append(format("%m/%d/%y", t));
                case 'X' -> sb.append(format("%H:%M:%S", t));
                case 'y' -> pad(sb, t.getYear() % 100, 2, '0');
                case 'Y' -> sb.append(t.getYear());
                case 'z' -> {
                    int off = t.getOffset().getTotalSeconds() / 60;
                    sb.append(off < 0 ? '-' : '+');
                    pad(sb, Math.abs(off) / 60 * 100 + Math.abs(off) % 60, 4, '0');
                }
                case 'Z' -> sb.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.US));
                case 'U' -> pad(sb, (t.getDayOfYear() + 6 - t.getDayOfWeek().getValue() % 7) / 7, 2, '0');
                case 'W' -> pad(sb, (t.getDayOfYear() + 6 - (t.getDayOfWeek().getValue() + 6) % 7) / 7, 2, '0');
                case '%' -> sb.append('%');
                default -> sb.append('%').append(f);
            }
        }
        return sb.toString();
    }

    private static void pad(StringBuilder sb, long v, int width, char fill) {
        String s = Long.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append(fill);
        }
        sb.append(s);
    }

    /** iperf3's RFC 1123 style time for {@code Time:} lines and JSON {@code start.timestamp.time}, in GMT. */
    public static String gmtTime(long epochSeconds) {
        ZonedDateTime t = java.time.Instant.ofEpochSecond(epochSeconds).atZone(java.time.ZoneOffset.UTC);
        return format("%a, %d %b %Y %H:%M:%S GMT", t);
    }

}
