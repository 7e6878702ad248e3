package io.iperf3j.internal.format;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Byte-exact reproductions of the glibc {@code printf} conversions that iperf3
 * uses for numbers: {@code %.Nf}, {@code %W.Nf}, {@code %.Pg} and cJSON's
 * number printer.
 *
 * <p>Java's {@code String.format} cannot be used: it rounds half-up from a
 * shortened decimal form, while glibc rounds the <em>exact binary value</em> of
 * the double to nearest with ties to even, and its {@code %g} differs from
 * Java's in trailing zeros and in where it switches to exponent form. Every
 * method here produces exactly what glibc prints for the same double.
 *
 * <p>Implementation: the exact decimal expansion ({@link BigDecimal}) is the
 * reference path. {@code %.Nf} rounds the double's exact binary value with
 * integer arithmetic ({@code scaled}, 128-bit products) wherever the scaled
 * value fits in 61 bits, which is every value iperf3 prints in practice, and
 * appends the digits itself: {@link #appendFixed} allocates nothing, so a
 * test's interval lines make no garbage (issue 58). {@code %g} and cJSON's
 * printer first try the shortest round-tripping decimal of
 * {@link Double#toString(double)} when that is provably the correctly rounded
 * result (the reasoning is on the private {@code shortest} helper), then the
 * same integer rounding; {@code BigDecimal} is left for the others.
 * Why not {@code BigDecimal} everywhere: its first use in a JVM initialises
 * {@code BigInteger} and {@code BigDecimal} (5.5 ms here even with the AOT
 * cache), which a short client paid while the server waited for its results.
 *
 * <p>NaN prints as {@code nan} or {@code -nan} following the sign bit of the
 * NaN, as glibc does; note that the JVM does not define the sign of a NaN
 * produced by arithmetic, so callers that care should test for NaN first.
 */
public final class CFormat {

    /** C's {@code DBL_EPSILON}, the tolerance of cJSON's read-back check. */
    private static final double DBL_EPSILON = Math.ulp(1.0);

    /** Beyond this many significant digits the shortest decimal is not a safe fast path. */
    private static final int MAX_FAST_SIGNIFICANT = 15;

    /** {@code 10^-n} as doubles, for the fast-path precondition of {@link #fixed(double, int)}. */
    private static final double[] NEG_POW10 = {
        1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10,
        1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18,
    };

    private CFormat() {
    }

    /**
     * C {@code %.Nf}: {@code v} rounded (exact binary value, half-even) to
     * {@code decimals} places. Negative values and negative zero keep their
     * sign ({@code -0.00}); NaN and infinities print as {@code nan},
     * {@code -nan}, {@code inf}, {@code -inf}.
     *
     * @param v the value
     * @param decimals digits after the point, {@code >= 0}; 0 prints no point
     * @return the formatted number, unpadded
     */
    public static String fixed(double v, int decimals) {
        return fixed(v, decimals, true);
    }

    /** {@link #fixed(double, int)} without the fast path, for tests. */
    static String fixedExact(double v, int decimals) {
        return fixed(v, decimals, false);
    }

    private static String fixed(double v, int decimals, boolean fast) {
        StringBuilder sb = new StringBuilder(24);
        appendFixed(sb, v, decimals, fast);
        return sb.toString();
    }

    /**
     * C {@code %W.Nf} appended to {@code sb}: {@link #fixed(double, int, int)} without a {@code String}.
     * It allocates nothing where the scaled value fits in 61 bits (every value iperf3 prints), so a
     * test's interval lines are formatted without garbage.
     *
     * @param sb where the number goes
     * @param v the value
     * @param width minimum field width, padded with spaces on the left
     * @param decimals digits after the point, {@code >= 0}
     * @return {@code sb}
     */
    public static StringBuilder appendFixed(StringBuilder sb, double v, int width, int decimals) {
        int start = sb.length();
        appendFixed(sb, v, decimals, true);
        return padLeft(sb, start, width);
    }

    /**
     * Pads what {@code sb} holds from {@code start} on the left with spaces to {@code width}, in place: a C
     * field width without flags ({@link #rightAligned} on a buffer).
     *
     * @return {@code sb}
     */
    public static StringBuilder padLeft(StringBuilder sb, int start, int width) {
        for (int pad = width - (sb.length() - start); pad > 0; pad--) {
            sb.insert(start, ' ');
        }
        return sb;
    }

    /**
     * Pads what {@code sb} holds from {@code start} on the right with spaces to {@code width}: C's {@code -}
     * flag ({@link #leftAligned} on a buffer).
     *
     * @return {@code sb}
     */
    public static StringBuilder padRight(StringBuilder sb, int start, int width) {
        for (int pad = width - (sb.length() - start); pad > 0; pad--) {
            sb.append(' ');
        }
        return sb;
    }

    /**
     * {@code %.Nf} appended: the exact binary value rounded half-even, through {@link #scaled} where it
     * fits in a {@code long}, else (and always without {@code fast}, the tests' reference) {@code BigDecimal}.
     */
    private static void appendFixed(StringBuilder sb, double v, int decimals, boolean fast) {
        if (decimals < 0) {
            throw new IllegalArgumentException("decimals < 0: " + decimals);
        }
        if (!Double.isFinite(v)) {
            sb.append(nonFinite(v));
            return;
        }
        boolean negative = Double.doubleToRawLongBits(v) < 0;
        double a = Math.abs(v);
        if (negative) {
            sb.append('-');
        }
        if (a == 0) {
            appendZeros(sb.append('0'), decimals, true);
            return;
        }
        long n = fast ? scaled(a, decimals) : NOT_SCALED;
        if (n != NOT_SCALED) {
            appendScaled(sb, roundHalfEven(n), decimals);
        } else {
            sb.append(new BigDecimal(a).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString());
        }
    }

    /**
     * C {@code %W.Nf}: {@link #fixed(double, int)} right-aligned in a field of
     * {@code width} characters, padded with spaces on the left. Longer results
     * are not truncated (C does not truncate either).
     *
     * @param v the value
     * @param width minimum field width
     * @param decimals digits after the point
     * @return the padded number
     */
    public static String fixed(double v, int width, int decimals) {
        return rightAligned(fixed(v, decimals), width);
    }

    /**
     * Pads {@code s} on the right with spaces to {@code width}, like the C
     * {@code -} flag (e.g. {@code %-6.2f} is {@code leftAligned(fixed(v, 2), 6)}).
     *
     * @param s the text
     * @param width minimum width
     * @return {@code s} padded, or {@code s} itself if already at least that wide
     */
    public static String leftAligned(String s, int width) {
        int pad = width - s.length();
        return pad <= 0 ? s : s + " ".repeat(pad);
    }

    /**
     * Pads {@code s} on the left with spaces to {@code width}, like a C field
     * width without flags.
     *
     * @param s the text
     * @param width minimum width
     * @return {@code s} padded, or {@code s} itself if already at least that wide
     */
    public static String rightAligned(String s, int width) {
        int pad = width - s.length();
        return pad <= 0 ? s : " ".repeat(pad) + s;
    }

    /**
     * C {@code %.Pg}: {@code precision} significant digits, exponent form
     * ({@code 1e+02}, {@code 5e-05}, at least two exponent digits) when the
     * decimal exponent of the rounded value is below -4 or at least
     * {@code precision}, trailing zeros and a trailing point removed. Rounding
     * is of the exact binary value, half-even (so {@code 0.125} gives
     * {@code 0.12} at precision 2).
     *
     * @param v the value
     * @param precision significant digits; 0 counts as 1 and a negative value
     *        as 6, as in C
     * @return the formatted number
     */
    public static String general(double v, int precision) {
        return general(v, precision, true);
    }

    /** {@link #general(double, int)} without the fast path, for tests. */
    static String generalExact(double v, int precision) {
        return general(v, precision, false);
    }

    private static String general(double v, int precision, boolean fast) {
        if (!Double.isFinite(v)) {
            return nonFinite(v);
        }
        int p = precision < 0 ? 6 : Math.max(precision, 1);
        boolean negative = Double.doubleToRawLongBits(v) < 0;
        double a = Math.abs(v);
        if (a == 0) {
            return negative ? "-0" : "0";
        }
        Digits d = null;
        if (fast && p <= MAX_FAST_SIGNIFICANT && a >= Double.MIN_NORMAL) {
            Digits s = shortest(a);
            if (s.digits.length() <= p) {
                d = s;
            }
        }
        if (d == null) {
            d = fast ? rounded(a, p) : roundedReference(a, p);
        }
        return formatGeneral(negative, d, p);
    }

    /**
     * cJSON's number printer with signed integers ({@link #cJsonNumber(double, boolean)}
     * with {@code unsigned64 = false}).
     *
     * @param v the value
     * @return the JSON text of the number
     */
    public static String cJsonNumber(double v) {
        return cJsonNumber(v, false);
    }

    /**
     * cJSON 1.7.15's {@code print_number} as shipped in iperf3:
     * <ul>
     * <li>NaN and infinities print {@code null};</li>
     * <li>if {@code v} equals its saturated 64-bit integer conversion (C's
     *     {@code valueint}; Java's {@code (long)} cast saturates the same way)
     *     that integer is printed, so {@code 2.0} prints {@code 2},
     *     {@code -0.0} prints {@code 0} and {@code 2^63} prints
     *     {@code 9223372036854775807};</li>
     * <li>otherwise {@code %1.15g}, unless that text reads back to a double
     *     that differs from {@code v} by more than a relative
     *     {@code DBL_EPSILON}, in which case {@code %1.17g}.</li>
     * </ul>
     *
     * @param v the value
     * @param unsigned64 print integral values as unsigned 64-bit, as iperf3
     *        3.12 and 3.13 do ({@code -1} prints {@code 18446744073709551615})
     * @return the JSON text of the number
     */
    public static String cJsonNumber(double v, boolean unsigned64) {
        return cJsonNumber(v, unsigned64, true);
    }

    /** {@link #cJsonNumber(double, boolean)} without the fast path, for tests. */
    static String cJsonNumberExact(double v, boolean unsigned64) {
        return cJsonNumber(v, unsigned64, false);
    }

    private static String cJsonNumber(double v, boolean unsigned64, boolean fast) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        long i = (long) v;
        if (v == (double) i) {
            return unsigned64 ? Long.toUnsignedString(i) : Long.toString(i);
        }
        boolean negative = v < 0;
        double a = Math.abs(v);
        if (fast && a >= Double.MIN_NORMAL) {
            Digits s = shortest(a);
            if (s.digits.length() <= MAX_FAST_SIGNIFICANT) {
                // %.15g is then exactly this decimal, which reads back to v itself.
                return formatGeneral(negative, s, 15);
            }
        }
        String g15 = formatGeneral(negative, fast ? rounded(a, 15) : roundedReference(a, 15), 15);
        if (closeEnough(Double.parseDouble(g15), v)) {
            return g15;
        }
        return formatGeneral(negative, fast ? rounded(a, 17) : roundedReference(a, 17), 17);
    }

    /** cJSON's {@code compare_double}: equal within a relative {@code DBL_EPSILON}. */
    private static boolean closeEnough(double a, double b) {
        double max = Math.max(Math.abs(a), Math.abs(b));
        return Math.abs(a - b) <= max * DBL_EPSILON;
    }

    private static String nonFinite(double v) {
        if (Double.isNaN(v)) {
            return Double.doubleToRawLongBits(v) < 0 ? "-nan" : "nan";
        }
        return v > 0 ? "inf" : "-inf";
    }

    /**
     * A positive decimal {@code 0.d1d2...dk × 10^(exp+1)}: {@code digits} has
     * no leading or trailing zeros and {@code exp} is the decimal exponent of
     * the first digit.
     */
    private record Digits(String digits, int exp) {
    }

    /**
     * The shortest decimal that reads back to {@code a} (positive, finite),
     * from {@link Double#toString(double)} (shortest since JDK 19). It lies
     * within half an ulp of the exact value. For a normal double an ulp is
     * below 2.3e-15 of the value, finer than the steps of 15 significant
     * digits, so when it fits in {@code p <= 15} digits it is also the
     * correctly rounded {@code %.pg} result; likewise for a decimal grid
     * coarser than one ulp ({@code %.Nf}). Subnormals have fewer bits and are
     * left to the exact path.
     */
    static Digits shortest(double a) {
        String s = Double.toString(a);
        int e = s.indexOf('E');
        int exp10 = 0;
        int end = s.length();
        if (e >= 0) {
            exp10 = Integer.parseInt(s, e + 1, s.length(), 10);
            end = e;
        }
        int point = s.indexOf('.');
        StringBuilder digits = new StringBuilder(20);
        digits.append(s, 0, point).append(s, point + 1, end);
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        int last = digits.length();
        while (last > lead + 1 && digits.charAt(last - 1) == '0') {
            last--;
        }
        return new Digits(digits.substring(lead, last), point - 1 - lead + exp10);
    }

    /** {@code a} (positive, finite) rounded half-even from its exact value to {@code p} significant digits. */
    static Digits rounded(double a, int p) {
        if (p <= MAX_SCALED_DIGITS) {
            int exp = (int) Math.floor(Math.log10(a)); // an estimate: corrected below by the exact test
            for (int tries = 0; tries < 3; tries++) {
                long n = scaled(a, p - 1 - exp);
                if (n == NOT_SCALED) {
                    break;
                }
                long floor = n >>> 2;
                if (floor >= POW10[p]) {
                    exp++;
                } else if (floor < POW10[p - 1]) {
                    exp--;
                } else {
                    long r = roundHalfEven(n);
                    if (r == POW10[p]) { // 9.99...5 rounds up to the next power of ten
                        r = POW10[p - 1];
                        exp++;
                    }
                    while (r % 10 == 0) {
                        r /= 10;
                    }
                    return new Digits(Long.toString(r), exp);
                }
            }
        }
        return roundedReference(a, p);
    }

    /** {@link #rounded(double, int)} through the exact decimal expansion: the reference. */
    static Digits roundedReference(double a, int p) {
        BigDecimal r = new BigDecimal(a).round(new MathContext(p, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return new Digits(r.unscaledValue().toString(), r.precision() - r.scale() - 1);
    }

    /** The most significant digits {@link #rounded(double, int)} takes through {@link #scaled}. */
    private static final int MAX_SCALED_DIGITS = 17;

    /** {@code 10^i} for {@code i} in 0..18. */
    private static final long[] POW10 = new long[19];

    /** {@code 5^i} for {@code i} in 0..27 (5^27 is the last below 2^63). */
    private static final long[] POW5 = new long[28];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
        POW5[0] = 1;
        for (int i = 1; i < POW5.length; i++) {
            POW5[i] = POW5[i - 1] * 5;
        }
    }

    /**
     * {@code a × 10^s} of a positive finite double, exactly: its integer part and where the
     * cut-off fraction lies against one half. With {@code a = m × 2^q} (m the 53-bit
     * significand) it is {@code m × 5^s / 2^(-q-s)} for {@code s >= 0}, a 128-bit product
     * shifted, and {@code (m × 2^max(q,0)) / (10^-s × 2^max(-q,0))} for {@code s < 0}, one
     * long division. The result is packed in one {@code long}, so that formatting allocates
     * nothing: the integer part shifted left by two, and the fraction against one half in the
     * low two bits (0 below or none, 1 exactly, 2 above). {@link #NOT_SCALED} where the integer
     * part does not fit in 61 bits (or a step overflows); the caller then takes the
     * {@code BigDecimal} path.
     */
    private static long scaled(double a, int s) {
        long bits = Double.doubleToRawLongBits(a);
        int field = (int) (bits >>> 52) & 0x7ff;
        long m = bits & 0x000f_ffff_ffff_ffffL;
        int q;
        if (field == 0) {
            q = -1074;
        } else {
            m |= 1L << 52;
            q = field - 1075;
        }
        if (s >= 0) {
            if (s >= POW5.length) {
                return NOT_SCALED;
            }
            long f = POW5[s];
            long hi = Math.multiplyHigh(m, f); // both below 2^63: the product is non-negative
            long lo = m * f;
            int t = q + s;
            if (t >= 0) {
                if (hi != 0 || lo < 0 || t >= 63 || (lo >>> (63 - t)) != 0) {
                    return NOT_SCALED;
                }
                return packed(lo << t, -1);
            }
            int r = -t;
            if (r >= 127) {
                return NOT_SCALED;
            }
            return shiftRight(hi, lo, r);
        }
        int k = -s;
        if (k >= POW10.length) {
            return NOT_SCALED;
        }
        long num = m;
        long den = POW10[k];
        if (q >= 0) {
            if (q >= 11) { // m < 2^53: m << q fits below 2^63 only for q <= 10
                return NOT_SCALED;
            }
            num = m << q;
        } else {
            int z = -q;
            if (z >= 63 || Long.numberOfLeadingZeros(den) <= z) {
                return NOT_SCALED;
            }
            den <<= z;
        }
        long rem = num % den;
        return packed(num / den, Long.compare(rem, den - rem));
    }

    /** {@code (hi:lo) >> r} for {@code 0 < r < 127}, with the cut-off bits against one half, packed. */
    private static long shiftRight(long hi, long lo, int r) {
        long floor;
        boolean halfBit;
        boolean below; // any bit under the half bit
        if (r < 64) {
            if ((hi >>> r) != 0) { // the quotient needs more than 64 bits
                return NOT_SCALED;
            }
            floor = (lo >>> r) | (r == 0 ? 0 : hi << (64 - r));
            halfBit = ((lo >>> (r - 1)) & 1) != 0;
            below = r > 1 && (lo << (65 - r)) != 0;
        } else if (r == 64) {
            floor = hi;
            halfBit = lo < 0;
            below = (lo << 1) != 0;
        } else {
            int h = r - 64;
            floor = hi >>> h;
            halfBit = ((hi >>> (h - 1)) & 1) != 0;
            below = lo != 0 || (h > 1 && (hi << (65 - h)) != 0);
        }
        return packed(floor, !halfBit ? -1 : below ? 1 : 0);
    }

    /** {@link #scaled}'s answer where nothing fits. */
    private static final long NOT_SCALED = -1;

    /** An integer part and its cut-off fraction against one half (-1, 0, 1), in one long; NOT_SCALED past 61 bits. */
    private static long packed(long floor, int half) {
        return (floor >>> 61) != 0 ? NOT_SCALED : floor << 2 | (half + 1);
    }

    /** A {@link #scaled} value's integer part rounded half-even by its cut-off fraction. */
    private static long roundHalfEven(long packed) {
        long floor = packed >>> 2;
        int half = (int) (packed & 3) - 1;
        return half > 0 || (half == 0 && (floor & 1) != 0) ? floor + 1 : floor;
    }


    /** Appends {@code n / 10^decimals} with exactly {@code decimals} places, as {@code %.Nf} does. */
    private static void appendScaled(StringBuilder sb, long n, int decimals) {
        int length = 1; // n's digits (n >= 0, below 10^19)
        while (length < POW10.length && n >= POW10[length]) {
            length++;
        }
        // digit positions from the highest (at least the units) down to the last decimal
        for (int i = Math.max(length - decimals, 1) - 1; i >= -decimals; i--) {
            if (i == -1) {
                sb.append('.');
            }
            int k = i + decimals;
            sb.append((char) ('0' + (k >= POW10.length ? 0 : (n / POW10[k]) % 10)));
        }
    }

    /** Lays out {@code d} (already rounded to at most {@code p} digits) as C's {@code %.pg}. */
    private static String formatGeneral(boolean negative, Digits d, int p) {
        String digits = d.digits;
        int k = digits.length();
        int x = d.exp;
        StringBuilder sb = new StringBuilder(k + 8);
        if (negative) {
            sb.append('-');
        }
        if (x < -4 || x >= p) {
            sb.append(digits.charAt(0));
            if (k > 1) {
                sb.append('.').append(digits, 1, k);
            }
            sb.append(x < 0 ? "e-" : "e+");
            int ax = Math.abs(x);
            if (ax < 10) {
                sb.append('0');
            }
            sb.append(ax);
        } else if (x >= 0) {
            if (k <= x + 1) {
                sb.append(digits);
                appendZeros(sb, x + 1 - k, false);
            } else {
                sb.append(digits, 0, x + 1).append('.').append(digits, x + 1, k);
            }
        } else {
            sb.append("0.");
            appendZeros(sb, -x - 1, false);
            sb.append(digits);
        }
        return sb.toString();
    }

    /** Appends {@code d} exactly with {@code decimals} places; the caller ensures it fits. */
    private static void appendFixed(StringBuilder sb, Digits d, int decimals) {
        String digits = d.digits;
        int k = digits.length();
        int x = d.exp;
        if (x < 0) {
            sb.append('0');
        } else {
            for (int i = 0; i <= x; i++) {
                sb.append(i < k ? digits.charAt(i) : '0');
            }
        }
        if (decimals > 0) {
            sb.append('.');
            for (int j = 1; j <= decimals; j++) {
                int i = x + j;
                sb.append(i >= 0 && i < k ? digits.charAt(i) : '0');
            }
        }
    }

    private static StringBuilder appendZeros(StringBuilder sb, int n, boolean withPoint) {
        if (withPoint && n > 0) {
            sb.append('.');
        }
        for (int i = 0; i < n; i++) {
            sb.append('0');
        }
        return sb;
    }
}
