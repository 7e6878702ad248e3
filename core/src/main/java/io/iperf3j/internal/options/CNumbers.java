package io.iperf3j.internal.options;

/**
 * The C library number conversions iperf3 3.12 uses on option values, re-done in
 * Java so that odd inputs give the same numbers: {@code atoi}, {@code strtol(s, &end, 0)},
 * {@code atof}/{@code strtod}, and iperf3's {@code unit_atof}, {@code unit_atoi} and
 * {@code unit_atof_rate} ({@code units.c}: {@code sscanf(s, "%lf%c", ...)} then one
 * optional suffix letter).
 *
 * <p>Behaviour checked against the installed 3.12 library ({@code libiperf.so.0}):
 * <ul>
 * <li>Leading white space is skipped; trailing garbage is ignored ({@code "5x"} is 5).</li>
 * <li>Only the character right after the number counts as a suffix; {@code k K m M g G t T}
 *     multiply, any other character is ignored ({@code "10X"} is 10). Upper and lower
 *     case mean the same: 1024^n in {@code unit_atof}/{@code unit_atoi}, 1000^n in
 *     {@code unit_atof_rate}.</li>
 * <li>A number that cannot be read at all counts as 0 ({@code "K"} is 0).</li>
 * <li>Hexadecimal floating point ({@code "0x10"}), {@code inf} and {@code nan} are numbers,
 *     as for {@code strtod}; {@code scanf} also swallows a dangling exponent, so
 *     {@code "1eK"} is 1 with suffix K.</li>
 * <li>{@code atoi} saturates to {@code LONG_MIN}/{@code LONG_MAX} and is then truncated
 *     to 32 bits, like glibc's {@code (int) strtol(s, NULL, 10)}.</li>
 * <li>Converting a double to an unsigned 64-bit integer follows x86-64 gcc code (see
 *     {@link #toUint64Bits(double)}): -1.0 becomes 2^64-1, infinity 0, NaN 2^63.</li>
 * </ul>
 */
final class CNumbers {
    private CNumbers() {
    }

    /** Result of a {@code strtol}/{@code strtod}-like scan: the value and where the scan stopped. */
    record LongScan(long value, int end) {
    }

    record DoubleScan(double value, int end) {
    }

    static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && isCSpace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int digit(char c, int base) {
        int d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'z') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'Z') {
            d = c - 'A' + 10;
        } else {
            return -1;
        }
        return d < base ? d : -1;
    }

    /**
     * glibc {@code strtol(s, &end, base)} for base 0 (prefix {@code 0x} = hex, {@code 0} =
     * octal, else decimal) or 10. On no conversion the end is 0 (the start of the string).
     * Saturates on overflow.
     */
    static LongScan strtol(String s, int base) {
        int i = skipSpace(s, 0);
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (base == 0) {
            if (i + 1 < s.length() && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                    && i + 2 < s.length() && digit(s.charAt(i + 2), 16) >= 0) {
                base = 16;
                i += 2;
            } else if (i < s.length() && s.charAt(i) == '0') {
                base = 8;
            } else {
                base = 10;
            }
        }
        int start = i;
        long value = 0;
        boolean overflow = false;
        while (i < s.length()) {
            int d = digit(s.charAt(i), base);
            if (d < 0) {
                break;
            }
            if (!overflow) {
                try {
                    value = Math.addExact(Math.multiplyExact(value, base), d);
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
            i++;
        }
        if (i == start) {
            return new LongScan(0, 0);
        }
        if (overflow) {
            return new LongScan(negative ? Long.MIN_VALUE : Long.MAX_VALUE, i);
        }
        // value is non-negative here, and -Long.MAX_VALUE fits; LONG_MIN itself overflows
        // the positive accumulation and is handled above (both saturate the same way).
        return new LongScan(negative ? -value : value, i);
    }

    /** glibc {@code atoi}: {@code (int) strtol(s, NULL, 10)}. */
    static int atoi(String s) {
        return (int) strtol(s, 10).value();
    }

    /**
     * Whether {@code atoi} reads the whole of {@code s}: white space, a sign, at least one decimal digit
     * and nothing after ({@code "abc"}, {@code "1x"}, {@code "0x10"} and {@code ""} are not).
     */
    static boolean isWholeInteger(String s) {
        int i = skipSpace(s, 0);
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > start && i == s.length();
    }

    /** Whether {@code strtod} reads the whole of {@code s} as one number ({@code "1x"} and {@code ""} are not). */
    static boolean isWholeDouble(String s) {
        int end = strtod(s).end();
        return end > 0 && end == s.length();
    }

    /**
     * Whether {@code s} is one number and at most one of iperf3's suffix letters ({@code k K m M g G t T}),
     * nothing else: what {@code unit_atof} reads without ignoring a character ({@code "10Q"} and
     * {@code "10Mbit"} are not).
     */
    static boolean isNumberWithUnit(String s) {
        int end = strtod(s).end();
        if (end == 0) {
            return false;
        }
        return end == s.length() || (end == s.length() - 1 && "kKmMgGtT".indexOf(s.charAt(end)) >= 0);
    }

    /** {@code strtod} (C locale): decimal or hexadecimal floating point, {@code inf[inity]}, {@code nan[(...)]}. */
    static DoubleScan strtod(String s) {
        return scanDouble(s, false);
    }

    /** glibc {@code atof}. */
    static double atof(String s) {
        return strtod(s).value();
    }

    /**
     * @param greedyExponent true for {@code scanf("%lf")}, which consumes an exponent
     *        marker ({@code e}, {@code e+}, {@code p}) even when no digits follow it;
     *        {@code strtod} backs off instead
     */
    private static DoubleScan scanDouble(String s, boolean greedyExponent) {
        int i = skipSpace(s, 0);
        int signPos = i;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        String rest = s.substring(i);
        String lower = rest.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("inf")) {
            int len = lower.startsWith("infinity") ? 8 : 3;
            return new DoubleScan(negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY, i + len);
        }
        if (lower.startsWith("nan")) {
            int end = i + 3;
            if (end < s.length() && s.charAt(end) == '(') {
                int j = end + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')
                        && s.charAt(j) < 128) {
                    j++;
                }
                if (j < s.length() && s.charAt(j) == ')') {
                    end = j + 1;
                }
            }
            return new DoubleScan(Double.NaN, end);
        }
        boolean hex = lower.startsWith("0x");
        int base = hex ? 16 : 10;
        int j = hex ? i + 2 : i;
        int mantStart = j;
        int digits = 0;
        while (j < s.length() && digit(s.charAt(j), base) >= 0) {
            j++;
            digits++;
        }
        if (j < s.length() && s.charAt(j) == '.') {
            j++;
            while (j < s.length() && digit(s.charAt(j), base) >= 0) {
                j++;
                digits++;
            }
        }
        if (digits == 0) {
            if (hex) {
                // "0x" without hex digits: strtod reads just the "0"; scanf has consumed
                // the "0x" and fails. Either way the value is 0.
                return new DoubleScan(negative ? -0.0 : 0.0, greedyExponent ? i + 2 : i + 1);
            }
            return new DoubleScan(0.0, greedyExponent && i > signPos ? i : 0);
        }
        String mantissa = s.substring(mantStart, j);
        int numberEnd = j;
        String exponent = "";
        char expChar = hex ? 'p' : 'e';
        if (j < s.length() && Character.toLowerCase(s.charAt(j)) == expChar) {
            int k = j + 1;
            int signAt = k;
            if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                k++;
            }
            int expDigitsStart = k;
            while (k < s.length() && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
                k++;
            }
            if (k > expDigitsStart) {
                exponent = s.substring(signAt, k);
                numberEnd = k;
            } else if (greedyExponent) {
                numberEnd = k;
            }
        }
        double value;
        if (hex) {
            value = Double.parseDouble("0x" + (mantissa.startsWith(".") ? "0" : "") + mantissa + "p"
                    + (exponent.isEmpty() ? "0" : exponent));
        } else {
            value = Double.parseDouble(mantissa + (exponent.isEmpty() ? "" : "e" + exponent));
        }
        return new DoubleScan(negative ? -value : value, numberEnd);
    }

    private static double withSuffix(String s, double kilo) {
        DoubleScan scan = scanDouble(s, true);
        double n = scan.value();
        if (scan.end() >= s.length()) {
            return n;
        }
        switch (s.charAt(scan.end())) {
            case 't', 'T' -> n *= kilo * kilo * kilo * kilo;
            case 'g', 'G' -> n *= kilo * kilo * kilo;
            case 'm', 'M' -> n *= kilo * kilo;
            case 'k', 'K' -> n *= kilo;
            default -> {
                // iperf3 3.12 ignores an unknown suffix
            }
        }
        return n;
    }

    /**
     * Whether iperf3 3.21's {@code unit_atof}, {@code unit_atoi} and {@code unit_atof_rate} read {@code s}
     * without setting {@code IEUNITVAL}: a number ({@code sscanf("%lf%c")} reads one), then nothing or one
     * of {@code k K m M g G t T}; what follows that letter is ignored there too ({@code "10Mbit"} is 10M).
     * 3.12 ignored an unknown letter ({@code "10Q"} was 10), which made a typo of {@code 10G} a test at
     * 10 bit/s (issue 57).
     */
    static boolean isUnitValue(String s) {
        if (strtod(s).end() == 0) {
            return false;
        }
        int end = scanDouble(s, true).end();
        return end >= s.length() || "kKmMgGtT".indexOf(s.charAt(end)) >= 0;
    }

    /** iperf3's {@code unit_atof}: binary suffixes (K = 1024). */
    static double unitAtof(String s) {
        return withSuffix(s, 1024.0);
    }

    /** iperf3's {@code unit_atof_rate}: decimal suffixes (K = 1000). */
    static double unitAtofRate(String s) {
        return withSuffix(s, 1000.0);
    }

    /** iperf3's {@code unit_atoi}: {@code (uint64_t) unit_atof(s)}, returned as the 64 raw bits. */
    static long unitAtoi(String s) {
        return toUint64Bits(unitAtof(s));
    }

    /**
     * C's {@code (uint64_t) d} as x86-64 gcc compiles it, returned as the raw 64 bits
     * (read them with {@link Long#toUnsignedString(long)}): values below 2^63,
     * negatives included, go through a signed truncating conversion (so -1.0 gives
     * all ones); larger values have 2^63 subtracted first. Out-of-range results take
     * the "integer indefinite" value 0x8000000000000000, which for the upper path
     * cancels to 0 (so infinity becomes 0 and NaN becomes 2^63).
     */
    static long toUint64Bits(double d) {
        final double two63 = 0x1p63;
        if (Double.isNaN(d)) {
            return Long.MIN_VALUE;
        }
        if (d < two63) {
            if (d <= -two63) {
                return Long.MIN_VALUE;
            }
            return (long) d;
        }
        double v = d - two63;
        if (v < two63) {
            return ((long) v) ^ Long.MIN_VALUE;
        }
        return 0;
    }

    /** C's {@code (int) d} on x86-64: truncation, with NaN and out-of-range values giving {@code INT_MIN}. */
    static int toInt(double d) {
        if (Double.isNaN(d) || d >= 0x1p31 || d <= -0x1p31 - 1) {
            return Integer.MIN_VALUE;
        }
        return (int) d;
    }
}
