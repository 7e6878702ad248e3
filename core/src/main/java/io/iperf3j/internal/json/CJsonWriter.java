package io.iperf3j.internal.json;

import io.iperf3j.internal.format.CFormat;
import java.util.List;

/**
 * Prints a {@link JsonObject} byte for byte as iperf3's cJSON 1.7.15 does:
 * {@link #pretty} is {@code cJSON_Print} (the {@code -J} document),
 * {@link #compact} is {@code cJSON_PrintUnformatted} (control-connection
 * messages and {@code --json-stream} lines). Instances are immutable and
 * thread-safe.
 *
 * <p>Layout of {@link #pretty}: an object is <code>{</code>, a newline, one
 * member per line indented with tabs to the nesting depth as
 * {@code "key":<TAB>value}, members separated by {@code ,} and a newline, then
 * the closing <code>}</code> indented one tab less; an empty object is
 * <code>{</code>, a newline and the indented <code>}</code>. Arrays stay on one
 * line, elements separated by {@code ", "}, and count as one nesting level, so
 * objects inside them are indented one level deeper than the array's
 * container. There is no trailing newline.
 *
 * <p>Values: strings escape {@code "} {@code \} and {@code \b \f \n \r \t}
 * with short escapes and other characters below U+0020 as {@code \}{@code u00xx}
 * with lower-case hex, everything else (including {@code /}, DEL and non-ASCII)
 * is written literally. A NUL character is escaped as {@code \}{@code u0000}
 * (cJSON would silently cut a C string there). Floating-point numbers use
 * {@link CFormat#cJsonNumber(double, boolean)}; integers are printed in decimal.
 * Two flavours exist:
 * <ul>
 * <li>{@link #iperf312()}: iperf3 3.12/3.13, where every number passes through
 *     a C {@code double} and integral values are printed with {@code PRIu64}:
 *     negative integers come out as unsigned 64-bit ({@code -1} as
 *     {@code 18446744073709551615}), and an integer beyond 2^53 is rounded to
 *     the nearest double first, as cJSON would;</li>
 * <li>{@link #standard()}: signed integers printed exactly (iperf3 3.14 and
 *     later print signed, and Java has no reason to lose precision).</li>
 * </ul>
 *
 * <p>Why not Jackson's {@code JsonGenerator}: tested, it escapes control
 * characters with upper-case hex (backslash-{@code u001F} where cJSON writes
 * backslash-{@code u001f}), and cJSON's array-depth indentation would need a stateful
 * {@code PrettyPrinter} plus custom character escapes. This small writer is
 * exact, appends to one {@link StringBuilder} in a single pass (linear in the
 * output size) and is faster for these small documents.
 */
public final class CJsonWriter {

    /** Nesting deeper than this is rejected; real documents have 6 levels, a cycle would have infinitely many. */
    static final int MAX_DEPTH = 1000;

    private static final CJsonWriter IPERF312 = new CJsonWriter(true);
    private static final CJsonWriter STANDARD = new CJsonWriter(false);

    /** Integers beyond this magnitude are not exact as a C double. */
    private static final long EXACT_DOUBLE_LIMIT = 1L << 53;

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final String TABS = "\t".repeat(32);

    private final boolean iperf312;

    private CJsonWriter(boolean iperf312) {
        this.iperf312 = iperf312;
    }

    /**
     * The writer for iperf3 3.12 compatibility, used for {@code -J} output and
     * control messages to 3.12 peers.
     *
     * @return the writer that reproduces iperf3 3.12 exactly (unsigned
     *         integers, all numbers as C doubles)
     */
    public static CJsonWriter iperf312() {
        return IPERF312;
    }

    /**
     * The default writer: signed integers, as iperf3 3.14 and later print them.
     *
     * @return the writer with cJSON layout and number style but signed, exact
     *         integers
     */
    public static CJsonWriter standard() {
        return STANDARD;
    }

    /**
     * {@code cJSON_Print}: tab-indented, no trailing newline.
     *
     * @param object the document
     * @return its text
     * @throws IllegalArgumentException if the tree holds a non-JSON value or is
     *         nested deeper than 1000 levels (e.g. cyclic)
     */
    public String pretty(JsonObject object) {
        StringBuilder sb = new StringBuilder(256);
        writeObject(sb, object, 0, true);
        return sb.toString();
    }

    /**
     * {@code cJSON_PrintUnformatted}: no whitespace at all.
     *
     * @param object the document
     * @return its text
     * @throws IllegalArgumentException if the tree holds a non-JSON value or is
     *         nested deeper than 1000 levels (e.g. cyclic)
     */
    public String compact(JsonObject object) {
        StringBuilder sb = new StringBuilder(128);
        writeObject(sb, object, 0, false);
        return sb.toString();
    }

    /**
     * Appends {@link #pretty(JsonObject)}'s text to {@code out}.
     *
     * @param object the document
     * @param out where to append
     * @return {@code out}
     */
    public StringBuilder pretty(JsonObject object, StringBuilder out) {
        writeObject(out, object, 0, true);
        return out;
    }

    /**
     * Appends {@link #compact(JsonObject)}'s text to {@code out}.
     *
     * @param object the document
     * @param out where to append
     * @return {@code out}
     */
    public StringBuilder compact(JsonObject object, StringBuilder out) {
        writeObject(out, object, 0, false);
        return out;
    }

    private void writeObject(StringBuilder sb, JsonObject o, int depth, boolean fmt) {
        depth = enter(depth);
        sb.append('{');
        if (fmt) {
            sb.append('\n');
        }
        int n = o.size();
        for (int i = 0; i < n; i++) {
            if (fmt) {
                tabs(sb, depth);
            }
            writeString(sb, o.keyAt(i));
            sb.append(':');
            if (fmt) {
                sb.append('\t');
            }
            writeValue(sb, o.valueAt(i), depth, fmt);
            if (i < n - 1) {
                sb.append(',');
            }
            if (fmt) {
                sb.append('\n');
            }
        }
        if (fmt) {
            tabs(sb, depth - 1);
        }
        sb.append('}');
    }

    private void writeArray(StringBuilder sb, List<?> list, int depth, boolean fmt) {
        depth = enter(depth);
        sb.append('[');
        boolean first = true;
        for (Object e : list) {
            if (!first) {
                sb.append(fmt ? ", " : ",");
            }
            first = false;
            writeValue(sb, e, depth, fmt);
        }
        sb.append(']');
    }

    private void writeValue(StringBuilder sb, Object v, int depth, boolean fmt) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> writeString(sb, s);
            case Boolean b -> sb.append(b ? "true" : "false");
            case Long l -> writeInteger(sb, l);
            case Integer i -> writeInteger(sb, i);
            case Double d -> sb.append(CFormat.cJsonNumber(d, iperf312));
            case Float f -> sb.append(CFormat.cJsonNumber(f, iperf312));
            case JsonObject o -> writeObject(sb, o, depth, fmt);
            case List<?> l -> writeArray(sb, l, depth, fmt);
            default -> throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private void writeInteger(StringBuilder sb, long v) {
        if (!iperf312) {
            sb.append(v);
        } else if (v >= 0 && v <= EXACT_DOUBLE_LIMIT) {
            sb.append(v);
        } else if (v < 0 && v >= -EXACT_DOUBLE_LIMIT) {
            sb.append(Long.toUnsignedString(v));
        } else {
            sb.append(CFormat.cJsonNumber((double) v, true));
        }
    }

    private static int enter(int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH + " levels (cyclic?)");
        }
        return depth + 1;
    }

    private static void tabs(StringBuilder sb, int n) {
        while (n > TABS.length()) {
            sb.append(TABS);
            n -= TABS.length();
        }
        sb.append(TABS, 0, n);
    }

    /** cJSON's {@code print_string_ptr}, on UTF-16 text (the caller encodes to UTF-8). */
    static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        int start = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            sb.append(s, start, i).append('\\');
            switch (c) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '\b' -> sb.append('b');
                case '\f' -> sb.append('f');
                case '\n' -> sb.append('n');
                case '\r' -> sb.append('r');
                case '\t' -> sb.append('t');
                default -> sb.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
            start = i + 1;
        }
        sb.append(s, start, n).append('"');
    }
}
