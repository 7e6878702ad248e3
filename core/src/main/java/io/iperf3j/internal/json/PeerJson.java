package io.iperf3j.internal.json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads JSON that arrived from a peer (parameters, results, server output)
 * into a {@link JsonObject}, defensively: any input bytes either give an
 * object or a {@link MalformedJsonException}, never another exception, and
 * resource use is bounded by {@link Limits}, enforced while reading (no
 * oversized string, number or nesting is materialised first).
 *
 * <p>Strict RFC 8259 JSON in UTF-8 is accepted: no comments, no trailing
 * commas, no single quotes, no NaN, no leading zeros, no control characters
 * in strings, well-formed UTF-8 only (no overlong forms, no encoded
 * surrogates; a {@code \\u} escape may name a lone surrogate, as in
 * Jackson and cJSON). A UTF-8 byte order mark is skipped, as cJSON does;
 * UTF-16/32 input is rejected. The result keeps key order and duplicate
 * keys. Numbers map as follows:
 * <ul>
 * <li>integers that fit in a {@code long} → {@link Long};</li>
 * <li>integers in [2^63, 2^64) → {@code value - 2^64} as a {@code Long}:
 *     iperf3 3.12 prints negative integers as unsigned 64-bit, so its
 *     {@code 18446744073709551615} reads as {@code -1};</li>
 * <li>other integers, and numbers with a fraction or exponent → {@link Double}
 *     ({@link Double#parseDouble}: correctly rounded; out-of-range exponents
 *     give infinities or zero).</li>
 * </ul>
 * Arrays become mutable {@link ArrayList}s.
 *
 * <p><b>Why not Jackson here</b> (it was, until issue 68; the project's other
 * JSON, the public {@code IperfJsonReader}, plans and reports, still uses it):
 * every Jackson parser extends {@code ParserMinimalBase}, whose static
 * {@code BigDecimal} constants initialise {@link java.math.BigDecimal}, and
 * JDK 25's {@code BigDecimal} computes 5^65536 in its static initialiser:
 * 60-80 ms of CPU, mostly interpreted {@code BigInteger} squaring and its C1
 * compilations, in every client and server process (each reads the peer's
 * JSON once), 12-15 % of a short test's CPU (docs/design/cpu-per-bit.md).
 * The grammar read here is small, the inputs come from an untrusted peer and
 * every limit must hold before anything is allocated; the reader is about
 * 200 lines, fuzzed by {@code FuzzTargets} and checked against Jackson on
 * the same inputs by {@code PeerJsonJacksonTest}.
 *
 * <p>Thread: stateless; any thread may call it.
 */
public final class PeerJson {

    private static final int MAX_MESSAGE_CHARS = 200;
    /** (2^64 - 1) / 10: an unsigned magnitude above it cannot take another digit. */
    private static final long UNSIGNED_MAX_DIV_10 = Long.divideUnsigned(-1L, 10);

    /**
     * Bounds on what {@link #parseObject} accepts.
     *
     * @param maxDepth maximum nesting of objects and arrays, the top-level
     *        object counting as 1; 1 to 1000
     * @param maxStringLength maximum length of a string or key, in chars
     * @param maxNumberLength maximum length of a number's text, in chars
     * @param maxDocumentLength maximum input size in bytes, for the caller's
     *        message-size cap
     */
    public record Limits(int maxDepth, int maxStringLength, int maxNumberLength, int maxDocumentLength) {

        /**
         * Depth 32, strings 64 KiB, numbers 64 chars, no document cap. iperf3
         * documents nest 6 levels and its longest numbers have about 24
         * characters; results carrying {@code server_output_text} of a long
         * test may need a larger string limit.
         */
        public static final Limits DEFAULT = new Limits(32, 64 * 1024, 64, Integer.MAX_VALUE);

        /** Validates the bounds. */
        public Limits {
            if (maxDepth < 1 || maxDepth > CJsonWriter.MAX_DEPTH) {
                throw new IllegalArgumentException("maxDepth must be 1.." + CJsonWriter.MAX_DEPTH + ": " + maxDepth);
            }
            if (maxStringLength < 1 || maxNumberLength < 1 || maxDocumentLength < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        /**
         * Sets the caller's message-size cap.
         *
         * @param bytes the new document cap
         * @return a copy with that cap
         */
        public Limits withMaxDocumentLength(int bytes) {
            return new Limits(maxDepth, maxStringLength, maxNumberLength, bytes);
        }

        /**
         * Sets the string limit, e.g. for results that carry a long test's
         * {@code server_output_text}.
         *
         * @param chars the new string length limit
         * @return a copy with that limit
         */
        public Limits withMaxStringLength(int chars) {
            return new Limits(maxDepth, chars, maxNumberLength, maxDocumentLength);
        }
    }

    private PeerJson() {
    }

    /**
     * Parses a whole UTF-8 buffer with {@link Limits#DEFAULT}.
     *
     * @param utf8 the JSON text
     * @return the top-level object
     * @throws MalformedJsonException if the input is not one JSON object within the limits
     */
    public static JsonObject parseObject(byte[] utf8) throws MalformedJsonException {
        return parseObject(utf8, 0, utf8.length, Limits.DEFAULT);
    }

    /**
     * Parses {@code length} bytes of UTF-8 JSON text starting at {@code offset}.
     * The text must be exactly one JSON object, optionally surrounded by
     * whitespace; anything after it is an error.
     *
     * @param utf8 the buffer
     * @param offset start of the JSON text
     * @param length number of bytes of JSON text
     * @param limits the bounds to enforce
     * @return the top-level object
     * @throws MalformedJsonException if the input is not one JSON object
     *         within the limits; the message says why, and at which byte
     *         (counted from {@code offset})
     * @throws IndexOutOfBoundsException if offset and length do not fit the buffer
     */
    public static JsonObject parseObject(byte[] utf8, int offset, int length, Limits limits)
            throws MalformedJsonException {
        Objects.checkFromIndexSize(offset, length, utf8.length);
        Objects.requireNonNull(limits, "limits");
        if (length > limits.maxDocumentLength()) {
            throw new MalformedJsonException(
                    "JSON document of " + length + " bytes exceeds the limit of " + limits.maxDocumentLength());
        }
        checkEncoding(utf8, offset, length);
        return new Reader(utf8, offset, offset + length, limits).document();
    }

    /**
     * Rejects what would otherwise be UTF-16 or UTF-32: NUL bytes and the bytes
     * 0xFE/0xFF of their byte order marks, none of which can open a UTF-8 JSON text.
     */
    private static void checkEncoding(byte[] b, int offset, int length) throws MalformedJsonException {
        int n = Math.min(length, 4);
        for (int i = 0; i < n; i++) {
            int c = b[offset + i] & 0xff;
            if (c == 0x00 || c == 0xfe || c == 0xff) {
                throw new MalformedJsonException("invalid JSON at byte " + i + ": not UTF-8 JSON text");
            }
        }
    }

    /**
     * One document's read: a cursor over {@code b[start, end)}. Recursive descent; the
     * recursion is at most {@link Limits#maxDepth()} deep (1000 at most, CJsonWriter's).
     */
    private static final class Reader {
        private final byte[] b;
        private final int start;
        private final int end;
        private final Limits limits;
        private int pos;
        /** Reused for each string's chars; grows to the longest string (at most the limit). */
        private char[] chars = new char[64];

        Reader(byte[] b, int start, int end, Limits limits) {
            this.b = b;
            this.start = start;
            this.end = end;
            this.limits = limits;
            this.pos = start;
        }

        JsonObject document() throws MalformedJsonException {
            if (end - pos >= 3 && (b[pos] & 0xff) == 0xef && (b[pos + 1] & 0xff) == 0xbb && (b[pos + 2] & 0xff) == 0xbf) {
                pos += 3; // a UTF-8 byte order mark
            }
            skipWhitespace();
            if (pos == end) {
                throw new MalformedJsonException("invalid JSON: empty input");
            }
            int c = b[pos];
            if (c != '{') {
                if (c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
                    throw new MalformedJsonException("JSON is not an object");
                }
                throw unexpected();
            }
            JsonObject o = object(1);
            skipWhitespace();
            if (pos != end) {
                throw error("data after the top-level object");
            }
            return o;
        }

        /** An object; {@code pos} at its '{'. */
        private JsonObject object(int depth) throws MalformedJsonException {
            pos++;
            JsonObject o = new JsonObject();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return o;
            }
            do {
                if (peek() != '"') {
                    throw expected("a member name in double quotes");
                }
                String name = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                o.append(name, value(depth));
            } while (another('}'));
            return o;
        }

        /** An array; {@code pos} at its '['. */
        private ArrayList<Object> array(int depth) throws MalformedJsonException {
            pos++;
            ArrayList<Object> list = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            do {
                list.add(value(depth));
            } while (another(']'));
            return list;
        }

        /**
         * After a member or an element: true past a ',' (and the whitespace after it), false past the
         * container's {@code close}; anything else is an error.
         */
        private boolean another(char close) throws MalformedJsonException {
            skipWhitespace();
            int c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
                return true;
            }
            if (c == close) {
                pos++;
                return false;
            }
            throw expected("',' or '" + close + "'");
        }

        /** A value inside a container at {@code depth}; {@code pos} at its first byte. */
        private Object value(int depth) throws MalformedJsonException {
            return switch (peek()) {
                case '{' -> object(enter(depth));
                case '[' -> array(enter(depth));
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
                case -1 -> throw endOfInput();
                default -> throw unexpected();
            };
        }

        private int enter(int depth) throws MalformedJsonException {
            if (depth >= limits.maxDepth()) {
                throw new MalformedJsonException("JSON nesting deeper than " + limits.maxDepth());
            }
            return depth + 1;
        }

        private Object literal(String word, Object value) throws MalformedJsonException {
            int n = word.length();
            for (int i = 0; i < n; i++) {
                if (pos + i >= end || b[pos + i] != word.charAt(i)) {
                    throw unexpected();
                }
            }
            pos += n;
            return value;
        }

        /** A number; the grammar checked, its text at most the limit's length, then its value. */
        private Object number() throws MalformedJsonException {
            int first = pos;
            boolean negative = b[pos] == '-';
            if (negative) {
                pos++;
            }
            int digits = pos;
            if (peek() == '0') {
                pos++;
            } else if (isDigit(peek())) {
                skipDigits();
            } else {
                throw expected("a digit in a number");
            }
            int integerEnd = pos;
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                pos++;
                if (!isDigit(peek())) {
                    throw expected("a digit after the decimal point in a number");
                }
                skipDigits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw expected("a digit in the exponent in a number");
                }
                skipDigits();
            }
            if (pos - first > limits.maxNumberLength()) {
                throw new MalformedJsonException("JSON number longer than " + limits.maxNumberLength() + " characters");
            }
            if (integral) {
                // The magnitude as an unsigned 64-bit value, if it fits.
                long m = 0;
                boolean fits = true;
                for (int i = digits; i < integerEnd && fits; i++) {
                    int d = b[i] - '0';
                    if (Long.compareUnsigned(m, UNSIGNED_MAX_DIV_10) > 0 || (m == UNSIGNED_MAX_DIV_10 && d > 5)) {
                        fits = false;
                    } else {
                        m = m * 10 + d;
                    }
                }
                if (fits && !negative) {
                    return m; // [2^63, 2^64) as value - 2^64 (iperf3 3.12's unsigned negatives)
                }
                if (fits && Long.compareUnsigned(m, Long.MIN_VALUE) <= 0) {
                    return -m; // -2^63 is its own negation
                }
            }
            return Double.parseDouble(new String(b, first, pos - first, StandardCharsets.ISO_8859_1));
        }

        private void skipDigits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        private static boolean isDigit(int c) {
            return c >= '0' && c <= '9';
        }

        /** A string; {@code pos} at its opening quote. Its chars are counted against the limit as they are read. */
        private String string() throws MalformedJsonException {
            pos++;
            int max = limits.maxStringLength();
            int n = 0;
            while (true) {
                if (pos == end) {
                    throw endOfInput();
                }
                int c = b[pos] & 0xff;
                if (c == '"') {
                    pos++;
                    return new String(chars, 0, n);
                }
                if (c < 0x20) {
                    throw error("a control character (0x" + Integer.toHexString(c) + ") in a string");
                }
                int cp;
                if (c == '\\') {
                    cp = escape();
                } else if (c < 0x80) {
                    cp = c;
                    pos++;
                } else {
                    cp = utf8(c);
                }
                int units = Character.charCount(cp);
                if (n + units > max) {
                    throw new MalformedJsonException("JSON string longer than " + max + " characters");
                }
                if (n + units > chars.length) {
                    chars = Arrays.copyOf(chars, (int) Math.min(Math.max(chars.length * 2L, n + units), max));
                }
                n += Character.toChars(cp, chars, n);
            }
        }

        /** An escape; {@code pos} at its backslash. A {@code \\u} of a surrogate gives that (maybe lone) surrogate. */
        private int escape() throws MalformedJsonException {
            pos++;
            if (pos == end) {
                throw endOfInput();
            }
            int c = b[pos++];
            return switch (c) {
                case '"' -> '"';
                case '\\' -> '\\';
                case '/' -> '/';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> hex4();
                default -> {
                    pos--;
                    throw error("an unknown escape \\" + found());
                }
            };
        }

        private int hex4() throws MalformedJsonException {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = pos < end ? Character.digit(b[pos], 16) : -1;
                if (d < 0) {
                    throw expected("a hex digit in a \\u escape");
                }
                v = v * 16 + d;
                pos++;
            }
            return v;
        }

        /** A multi-byte UTF-8 sequence starting with {@code lead}; well-formed only (RFC 3629). */
        private int utf8(int lead) throws MalformedJsonException {
            int need;
            int cp;
            int min;
            if (lead >= 0xc2 && lead <= 0xdf) {
                need = 1;
                cp = lead & 0x1f;
                min = 0x80;
            } else if (lead >= 0xe0 && lead <= 0xef) {
                need = 2;
                cp = lead & 0x0f;
                min = 0x800;
            } else if (lead >= 0xf0 && lead <= 0xf4) {
                need = 3;
                cp = lead & 0x07;
                min = 0x10000;
            } else {
                throw error("invalid UTF-8 (byte 0x" + Integer.toHexString(lead) + ")");
            }
            int at = pos;
            for (int i = 1; i <= need; i++) {
                if (at + i >= end) {
                    throw endOfInput();
                }
                int c = b[at + i] & 0xff;
                if ((c & 0xc0) != 0x80) {
                    pos = at + i;
                    throw error("invalid UTF-8 (byte 0x" + Integer.toHexString(c) + " inside a sequence)");
                }
                cp = (cp << 6) | (c & 0x3f);
            }
            if (cp < min || cp > Character.MAX_CODE_POINT || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                throw error("invalid UTF-8 (an overlong form, a surrogate or beyond U+10FFFF)");
            }
            pos = at + need + 1;
            return cp;
        }

        private void expect(char c) throws MalformedJsonException {
            if (peek() != c) {
                throw expected("'" + c + "'");
            }
            pos++;
        }

        private void skipWhitespace() {
            while (pos < end) {
                byte c = b[pos];
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        /** The byte at {@code pos} (0-255), or -1 at the end. */
        private int peek() {
            return pos < end ? b[pos] & 0xff : -1;
        }

        private MalformedJsonException unexpected() {
            return pos >= end ? endOfInput() : error("unexpected " + found());
        }

        /** What was expected at {@code pos} and what is there, or the end of input. */
        private MalformedJsonException expected(String what) {
            return pos >= end ? endOfInput() : error("expected " + what + ", found " + found());
        }

        private MalformedJsonException endOfInput() {
            return new MalformedJsonException("invalid JSON at byte " + (end - start) + ": unexpected end of input");
        }

        private MalformedJsonException error(String what) {
            return new MalformedJsonException("invalid JSON at byte " + (pos - start) + ": " + sanitize(what));
        }

        /** The byte at {@code pos} (not at the end), quoted when printable ASCII. */
        private String found() {
            int c = b[pos] & 0xff;
            return c > 0x20 && c < 0x7f ? "'" + (char) c + "'" : "byte 0x" + Integer.toHexString(c);
        }
    }

    /** Messages may quote input; keep them short and printable for logs. */
    private static String sanitize(String msg) {
        int n = Math.min(msg.length(), MAX_MESSAGE_CHARS);
        StringBuilder sb = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = msg.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (msg.length() > n) {
            sb.append("...");
        }
        return sb.toString();
    }
}
