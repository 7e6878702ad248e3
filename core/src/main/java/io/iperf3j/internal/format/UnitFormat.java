package io.iperf3j.internal.format;

/**
 * iperf3's {@code unit_snprintf} (units.c, 3.12): the number-and-unit text of
 * every Transfer, Bitrate and Cwnd column, e.g. {@code "1.03 GByte"},
 * {@code "8.77 Gbit"}, {@code " 895 KByte"}, {@code "1023 KByte"}. Callers
 * append {@code "s"} (transfer, cwnd) or {@code "s/sec"} (bitrate).
 *
 * <p>Format letters: lower case works in bits (the value is multiplied by 8,
 * units are powers of 1000), upper case in bytes (powers of 1024).
 * {@code b}/{@code B} force the base unit, {@code k m g t} / {@code K M G T}
 * force a unit, and any other letter (normally {@code a} or {@code A}) picks
 * the unit adaptively: divide while the value is at least 1000 (bits) or 1024
 * (bytes), up to tera. The scaled value is printed with {@code %4.2f} below
 * 9.995, {@code %4.1f} below 99.95 and {@code %4.0f} otherwise, so adaptive
 * values from 999.5 up print as {@code 1000}..{@code 1024} in the smaller unit,
 * as iperf3 does.
 */
public final class UnitFormat {

    private static final String[] BYTE_LABELS = {"Byte", "KByte", "MByte", "GByte", "TByte"};
    private static final String[] BIT_LABELS = {"bit", "Kbit", "Mbit", "Gbit", "Tbit"};

    // The same constant expressions as units.c, so the scaled value is bit-identical: iperf3
    // divides while choosing the unit but then multiplies by these (inexact for powers of 1000).
    private static final double[] BYTE_FACTORS = {
        1.0, 1.0 / 1024, 1.0 / 1024 / 1024, 1.0 / 1024 / 1024 / 1024, 1.0 / 1024 / 1024 / 1024 / 1024,
    };
    private static final double[] BIT_FACTORS = {
        1.0, 1.0 / 1000, 1.0 / 1000 / 1000, 1.0 / 1000 / 1000 / 1000, 1.0 / 1000 / 1000 / 1000 / 1000,
    };

    private static final int TERA = 4;

    private UnitFormat() {
    }

    /**
     * A round-trip time in µs as ms, with the digits that matter at its size: {@code %.3f} below
     * 1 ms, {@code %.2f} below 100 ms, {@code %.1f} from there (iperf3j's {@code --latency} text,
     * docs/design/latency.md; the HTML report's units.js has the same function). Rounded as glibc
     * does ({@link CFormat#fixed}, ties to even on the double's exact value), not as
     * {@code String.format} (half up from the shortest decimal: 1005 µs would be "1.01", glibc "1.00").
     *
     * @param micros a time in µs
     * @return the number, unpadded, without the unit; {@code "-"} for NaN
     */
    public static String ms(double micros) {
        if (Double.isNaN(micros)) {
            return "-";
        }
        double v = micros / 1000.0;
        double a = Math.abs(v);
        return CFormat.fixed(v, a < 1 ? 3 : a < 100 ? 2 : 1);
    }

    /**
     * Formats {@code value} (bytes, or bytes per second) like iperf3's
     * {@code unit_snprintf(s, len, value, fmt)}.
     *
     * @param value a byte count or a byte rate
     * @param fmt the format letter, see the class description
     * @return the padded number, a space and the singular unit label
     */
    public static String format(double value, char fmt) {
        return appendTo(new StringBuilder(16), value, fmt).toString();
    }

    /**
     * {@link #format(double, char)} appended to {@code sb}, allocating nothing (an interval's columns).
     *
     * @return {@code sb}
     */
    public static StringBuilder appendTo(StringBuilder sb, double value, char fmt) {
        boolean bits = !(fmt >= 'A' && fmt <= 'Z');
        double num = bits ? value * 8 : value;
        int conv = switch (bits && fmt >= 'a' && fmt <= 'z' ? (char) (fmt - ('a' - 'A')) : fmt) {
            case 'B' -> 0;
            case 'K' -> 1;
            case 'M' -> 2;
            case 'G' -> 3;
            case 'T' -> TERA;
            default -> adaptiveUnit(num, bits ? 1000.0 : 1024.0);
        };
        num *= bits ? BIT_FACTORS[conv] : BYTE_FACTORS[conv];
        int decimals;
        if (num < 9.995) {
            decimals = 2;
        } else if (num < 99.95) {
            decimals = 1;
        } else {
            decimals = 0;
        }
        return CFormat.appendFixed(sb, num, 4, decimals).append(' ').append(bits ? BIT_LABELS[conv] : BYTE_LABELS[conv]);
    }

    private static int adaptiveUnit(double num, double step) {
        int conv = 0;
        while (num >= step && conv < TERA) {
            num /= step;
            conv++;
        }
        return conv;
    }
}
