package io.iperf3j.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Objects;

/**
 * Reads JSON that arrived from a peer (parameters, results, server output)
 * into a {@link JsonObject}, defensively: any input bytes either give an
 * object or a {@link MalformedJsonException}, never another exception, and
 * resource use is bounded by {@link Limits}.
 *
 * <p>Parsing uses Jackson's streaming {@link JsonParser} with
 * {@link StreamReadConstraints} matching the limits. Strict RFC 8259 JSON in
 * UTF-8 is accepted (a UTF-8 byte order mark is skipped, as cJSON does;
 * UTF-16/32 input is rejected). The result keeps key order and duplicate
 * keys. Numbers map as follows:
 * <ul>
 * <li>integers that fit in a {@code long} → {@link Long};</li>
 * <li>integers in [2^63, 2^64) → {@code value - 2^64} as a {@code Long}:
 *     iperf3 3.12 prints negative integers as unsigned 64-bit, so its
 *     {@code 18446744073709551615} reads as {@code -1};</li>
 * <li>other integers, and numbers with a fraction or exponent → {@link Double}
 *     (correctly rounded; out-of-range exponents give infinities or zero).</li>
 * </ul>
 * Arrays become mutable {@link ArrayList}s.
 */
public final class PeerJson {

    private static final BigInteger TWO_POW_64 = BigInteger.ONE.shiftLeft(64);
    private static final int MAX_MESSAGE_CHARS = 200;

    /** Thread-safe; its only shared state is Jackson's bounded field-name cache. */
    private static final JsonFactory DEFAULT_FACTORY = factory(Limits.DEFAULT);

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

        private boolean sameParserLimits(Limits o) {
            return maxDepth == o.maxDepth && maxStringLength == o.maxStringLength
                    && maxNumberLength == o.maxNumberLength;
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
     *         within the limits; the message says why
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
        JsonFactory f = limits.sameParserLimits(Limits.DEFAULT) ? DEFAULT_FACTORY : factory(limits);
        try (JsonParser p = f.createParser(utf8, offset, length)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new MalformedJsonException("invalid JSON: empty input");
            }
            if (t != JsonToken.START_OBJECT) {
                throw new MalformedJsonException("JSON is not an object");
            }
            JsonObject result = readObject(p, 1, limits);
            if (p.nextToken() != null) {
                throw new MalformedJsonException("invalid JSON at byte " + byteOffset(p.currentTokenLocation())
                        + ": data after the top-level object");
            }
            return result;
        } catch (StreamConstraintsException e) {
            throw new MalformedJsonException(limitMessage(e.getOriginalMessage(), limits), e);
        } catch (JsonProcessingException e) {
            throw new MalformedJsonException(
                    "invalid JSON at byte " + byteOffset(e.getLocation()) + ": " + sanitize(e.getOriginalMessage()), e);
        } catch (IOException | RuntimeException e) {
            // Not expected from an in-memory parse; kept so the contract holds for any input.
            throw new MalformedJsonException("invalid JSON: " + sanitize(String.valueOf(e.getMessage())), e);
        }
    }

    private static JsonFactory factory(Limits limits) {
        // Jackson enforces the string, name and number limits while it reads, before any oversized
        // value is materialised (limitMessage words its errors); its depth check sits one level above
        // ours so that ours fires first.
        StreamReadConstraints c = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxDepth() + 1)
                .maxStringLength(limits.maxStringLength())
                .maxNameLength(limits.maxStringLength())
                .maxNumberLength(limits.maxNumberLength())
                .build();
        return JsonFactory.builder()
                .streamReadConstraints(c)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                // Keys come from the network: keep them out of the JVM-wide String.intern() pool.
                // CANONICALIZE_FIELD_NAMES must stay on: without it Jackson reads bytes through a
                // lenient Reader instead of its strict UTF-8 parser (and loses byte offsets).
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }

    /**
     * Rejects what Jackson would otherwise decode as UTF-16 or UTF-32: NUL bytes
     * and the bytes 0xFE/0xFF of their byte order marks, none of which can open
     * a UTF-8 JSON text.
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

    private static JsonObject readObject(JsonParser p, int depth, Limits limits)
            throws IOException, MalformedJsonException {
        JsonObject o = new JsonObject();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = checkString(p.getText(), limits);
            o.append(name, readValue(p, p.nextToken(), depth, limits));
        }
        if (t != JsonToken.END_OBJECT) {
            throw new MalformedJsonException("invalid JSON: unterminated object");
        }
        return o;
    }

    private static ArrayList<Object> readArray(JsonParser p, int depth, Limits limits)
            throws IOException, MalformedJsonException {
        ArrayList<Object> list = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            list.add(readValue(p, t, depth, limits));
        }
        return list;
    }

    private static Object readValue(JsonParser p, JsonToken t, int depth, Limits limits)
            throws IOException, MalformedJsonException {
        if (t == null) {
            throw new MalformedJsonException("invalid JSON: unexpected end of input");
        }
        return switch (t) {
            case START_OBJECT -> readObject(p, enter(depth, limits), limits);
            case START_ARRAY -> readArray(p, enter(depth, limits), limits);
            case VALUE_STRING -> checkString(p.getText(), limits);
            case VALUE_NUMBER_INT -> readInteger(p);
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new MalformedJsonException("invalid JSON: unexpected " + t);
        };
    }

    private static Object readInteger(JsonParser p) throws IOException {
        if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        BigInteger b = p.getBigIntegerValue();
        if (b.signum() > 0 && b.compareTo(TWO_POW_64) < 0) {
            return b.longValue(); // the low 64 bits: value - 2^64
        }
        return b.doubleValue();
    }

    private static int enter(int depth, Limits limits) throws MalformedJsonException {
        if (depth >= limits.maxDepth()) {
            throw new MalformedJsonException("JSON nesting deeper than " + limits.maxDepth());
        }
        return depth + 1;
    }

    private static String checkString(String s, Limits limits) throws MalformedJsonException {
        if (s.length() > limits.maxStringLength()) {
            throw new MalformedJsonException("JSON string longer than " + limits.maxStringLength() + " characters");
        }
        return s;
    }

    /** Jackson enforces most limits itself, while reading; say which one in our own words. */
    private static String limitMessage(String jacksonMessage, Limits limits) {
        String m = jacksonMessage == null ? "" : jacksonMessage;
        if (m.startsWith("String value length") || m.startsWith("Name length")) {
            return "JSON string longer than " + limits.maxStringLength() + " characters";
        }
        if (m.startsWith("Number value length")) {
            return "JSON number longer than " + limits.maxNumberLength() + " characters";
        }
        if (m.startsWith("Document nesting depth")) {
            return "JSON nesting deeper than " + limits.maxDepth();
        }
        return "JSON exceeds a limit: " + sanitize(m);
    }

    private static String byteOffset(JsonLocation loc) {
        long off = loc == null ? -1 : loc.getByteOffset();
        return off < 0 ? "?" : Long.toString(off);
    }

    /** Parser messages may quote input; keep them short and printable for logs. */
    private static String sanitize(String msg) {
        if (msg == null) {
            return "";
        }
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
