package io.iperf3j.internal.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON object that keeps insertion order and <em>allows duplicate keys</em>,
 * as iperf3 3.12's documents need (its {@code start} object repeats
 * {@code sock_bufsize}/{@code sndbuf_actual}/{@code rcvbuf_actual} once per
 * stream and a server's repeats {@code target_bitrate}). It is the tree that
 * {@link CJsonWriter} prints and {@link PeerJson} produces.
 *
 * <p>Values are restricted to JSON types:
 * <ul>
 * <li>{@code null};</li>
 * <li>{@link Boolean};</li>
 * <li>{@link String};</li>
 * <li>{@link Integer} and {@link Long}: JSON integers;</li>
 * <li>{@link Float} and {@link Double}: JSON numbers (a {@code Float} is
 *     widened to {@code double} exactly, which is how iperf3's C {@code float}
 *     "seconds" values reach its JSON);</li>
 * <li>{@link JsonObject};</li>
 * <li>{@link List}: a JSON array whose elements are again of these types.</li>
 * </ul>
 * Other values are rejected by {@link #put} and {@link #set} with an
 * {@link IllegalArgumentException}.
 *
 * <p>Nested objects and lists are stored by reference, not copied, so a
 * document can be assembled the way iperf3 builds its cJSON tree: add an empty
 * {@code intervals} list first and append to it later. Elements appended to a
 * list after it was put are checked when the document is printed. Use
 * {@link #copy()} for an independent snapshot.
 *
 * <p>Lookups ({@link #get}, {@link #has}, typed getters) scan linearly and use
 * the first entry with the key, like cJSON; iperf3 objects have a few dozen
 * keys at most. The typed getters return {@code null} when the key is absent
 * or its value is JSON {@code null}, and throw {@link JsonTypeException} when
 * the value has another JSON type.
 *
 * <p>Not thread-safe. {@link #equals} compares keys, order and values, where
 * integers compare by value across {@code Integer}/{@code Long} and numbers by
 * value across {@code Float}/{@code Double}, but an integer never equals a
 * floating-point number.
 */
public final class JsonObject {

    private String[] keys;
    private Object[] values;
    private int size;

    /** Creates an empty object. */
    public JsonObject() {
        keys = new String[8];
        values = new Object[8];
    }

    private JsonObject(int capacity) {
        keys = new String[Math.max(capacity, 4)];
        values = new Object[keys.length];
    }

    /**
     * Appends an entry, even if the key is already present (a duplicate key).
     *
     * @param key the key, not null
     * @param value a JSON value as listed in the class description
     * @return this object, for chaining
     * @throws IllegalArgumentException if the value is not a JSON value
     */
    public JsonObject put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        checkValue(key, value, 0);
        append(key, value);
        return this;
    }

    /**
     * Replaces the value of the first entry with {@code key}, keeping its
     * position, or appends a new entry if there is none. Later duplicates are
     * left alone.
     *
     * @param key the key, not null
     * @param value a JSON value as listed in the class description
     * @return this object, for chaining
     * @throws IllegalArgumentException if the value is not a JSON value
     */
    public JsonObject set(String key, Object value) {
        Objects.requireNonNull(key, "key");
        checkValue(key, value, 0);
        int i = indexOf(key);
        if (i >= 0) {
            values[i] = value;
        } else {
            append(key, value);
        }
        return this;
    }

    /**
     * Tells whether the key is present.
     *
     * @param key the key
     * @return whether at least one entry has this key
     */
    public boolean has(String key) {
        return indexOf(key) >= 0;
    }

    /**
     * The raw value of a key.
     *
     * @param key the key
     * @return the value of the first entry with this key, as stored; null if
     *         absent (use {@link #has} to tell absent from JSON null)
     */
    public Object get(String key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    /**
     * Removes every entry with this key.
     *
     * @param key the key
     * @return whether anything was removed
     */
    public boolean remove(String key) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (!keys[r].equals(key)) {
                keys[w] = keys[r];
                values[w] = values[r];
                w++;
            }
        }
        boolean removed = w < size;
        Arrays.fill(keys, w, size, null);
        Arrays.fill(values, w, size, null);
        size = w;
        return removed;
    }

    /**
     * The keys.
     *
     * @return the keys in order, duplicates included, as a read-only live view
     */
    public List<String> keys() {
        return new AbstractList<>() {
            @Override
            public String get(int index) {
                Objects.checkIndex(index, size);
                return keys[index];
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /**
     * The entries.
     *
     * @return the entries in order, duplicates included, as a read-only live
     *         view of immutable entries
     */
    public List<Map.Entry<String, Object>> entries() {
        return new AbstractList<>() {
            @Override
            public Map.Entry<String, Object> get(int index) {
                Objects.checkIndex(index, size);
                return new java.util.AbstractMap.SimpleImmutableEntry<>(keys[index], values[index]);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /**
     * The number of entries.
     *
     * @return the number of entries, duplicates included
     */
    public int size() {
        return size;
    }

    /**
     * Tells whether the object is empty.
     *
     * @return whether there are no entries
     */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * Copies the whole tree, e.g. to keep a snapshot of a document that is
     * still being built.
     *
     * @return a deep copy: nested objects and lists are copied, so changes to
     *         either tree do not show in the other
     */
    public JsonObject copy() {
        JsonObject c = new JsonObject(size);
        for (int i = 0; i < size; i++) {
            c.append(keys[i], copyValue(values[i]));
        }
        return c;
    }

    /**
     * A JSON integer. A floating-point value is rejected even when it is
     * integral (e.g. {@code 2.0}), because it is a different JSON type for this
     * document model; use {@link #getDouble} to accept any number.
     *
     * @param key the key
     * @return the value of the first entry with the key, or null if absent or
     *         JSON null
     * @throws JsonTypeException if the value is not an {@code Integer} or {@code Long}
     */
    public Long getLong(String key) {
        Object v = get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer i) {
            return i.longValue();
        }
        throw new JsonTypeException(key, "integer", v);
    }

    /**
     * Any JSON number, integers included, as a double.
     *
     * @param key the key
     * @return the value, or null if absent or JSON null
     * @throws JsonTypeException if the value is not a number
     */
    public Double getDouble(String key) {
        Object v = get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Float || v instanceof Integer || v instanceof Long) {
            return ((Number) v).doubleValue();
        }
        throw new JsonTypeException(key, "number", v);
    }

    /**
     * A JSON string.
     *
     * @param key the key
     * @return the string, or null if absent or JSON null
     * @throws JsonTypeException if the value is not a string
     */
    public String getString(String key) {
        Object v = get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new JsonTypeException(key, "string", v);
    }

    /**
     * A JSON boolean.
     *
     * @param key the key
     * @return the boolean, or null if absent or JSON null
     * @throws JsonTypeException if the value is not a boolean
     */
    public Boolean getBoolean(String key) {
        Object v = get(key);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw new JsonTypeException(key, "boolean", v);
    }

    /**
     * A nested JSON object.
     *
     * @param key the key
     * @return the nested object itself (not a copy), or null if absent or JSON null
     * @throws JsonTypeException if the value is not an object
     */
    public JsonObject getObject(String key) {
        Object v = get(key);
        if (v == null || v instanceof JsonObject) {
            return (JsonObject) v;
        }
        throw new JsonTypeException(key, "object", v);
    }

    /**
     * A JSON array.
     *
     * @param key the key
     * @return the list itself (not a copy), or null if absent or JSON null
     * @throws JsonTypeException if the value is not an array
     */
    @SuppressWarnings("unchecked")
    public List<Object> getArray(String key) {
        Object v = get(key);
        if (v == null || v instanceof List) {
            return (List<Object>) v;
        }
        throw new JsonTypeException(key, "array", v);
    }

    /**
     * Converts to plain Java collections, e.g. to hand to Jackson databind.
     * Nested objects become {@code LinkedHashMap}s and lists {@code ArrayList}s
     * (deep copies). For duplicate keys the last value wins, at the position of
     * the first occurrence, as with Jackson.
     *
     * @return a new insertion-ordered map
     */
    public LinkedHashMap<String, Object> toMap() {
        LinkedHashMap<String, Object> m = LinkedHashMap.newLinkedHashMap(size);
        for (int i = 0; i < size; i++) {
            m.put(keys[i], toPlain(values[i]));
        }
        return m;
    }

    /**
     * Builds an object from plain Java collections in the map's iteration
     * order. Nested {@code Map}s become objects, {@code Collection}s arrays.
     * Numbers are accepted as {@code Byte}/{@code Short} (stored as
     * {@code Integer}), {@code Integer}, {@code Long}, {@code BigInteger}
     * (as {@code Long} if it fits, else {@code Double}), {@code Float},
     * {@code Double} and {@code BigDecimal} (as {@code Double}).
     *
     * @param map the source, keys must be strings
     * @return a new object
     * @throws IllegalArgumentException on a non-string key or a value that has
     *         no JSON form
     */
    public static JsonObject fromMap(Map<String, ?> map) {
        return fromMap(map, 0);
    }

    private static JsonObject fromMap(Map<?, ?> map, int depth) {
        JsonObject o = new JsonObject(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object key is not a string: " + e.getKey());
            }
            o.append(key, fromPlain(key, e.getValue(), depth + 1));
        }
        return o;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof JsonObject o) || o.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!keys[i].equals(o.keys[i]) || !valuesEqual(values[i], o.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size; i++) {
            h = 31 * (31 * h + keys[i].hashCode()) + valueHash(values[i]);
        }
        return h;
    }

    /**
     * @return the compact JSON text (standard signed integers), for logs and debugging
     */
    @Override
    public String toString() {
        return CJsonWriter.standard().compact(this);
    }

    /** Appends without checking; for trusted producers (the parser, copies). */
    void append(String key, Object value) {
        if (size == keys.length) {
            int n = size * 2;
            keys = Arrays.copyOf(keys, n);
            values = Arrays.copyOf(values, n);
        }
        keys[size] = key;
        values[size] = value;
        size++;
    }

    String keyAt(int i) {
        return keys[i];
    }

    Object valueAt(int i) {
        return values[i];
    }

    private int indexOf(String key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** The JSON type name of a value, for error messages. */
    static String typeName(Object v) {
        return switch (v) {
            case null -> "null";
            case Boolean b -> "boolean";
            case String s -> "string";
            case Integer i -> "integer";
            case Long l -> "integer";
            case Float f -> "number";
            case Double d -> "number";
            case JsonObject o -> "object";
            case List<?> l -> "array";
            default -> v.getClass().getName();
        };
    }

    static boolean isJsonScalar(Object v) {
        return v == null || v instanceof String || v instanceof Boolean || v instanceof Long
                || v instanceof Integer || v instanceof Double || v instanceof Float;
    }

    private static void checkValue(String key, Object v, int depth) {
        if (isJsonScalar(v) || v instanceof JsonObject) {
            return;
        }
        if (v instanceof List<?> list) {
            if (depth > CJsonWriter.MAX_DEPTH) {
                throw new IllegalArgumentException("JSON array under key \"" + key + "\" nested too deeply");
            }
            for (Object e : list) {
                checkValue(key, e, depth + 1);
            }
            return;
        }
        throw new IllegalArgumentException("not a JSON value under key \"" + key + "\": " + v.getClass().getName());
    }

    private static Object copyValue(Object v) {
        if (v instanceof JsonObject o) {
            return o.copy();
        }
        if (v instanceof List<?> list) {
            ArrayList<Object> c = new ArrayList<>(list.size());
            for (Object e : list) {
                c.add(copyValue(e));
            }
            return c;
        }
        return v;
    }

    private static Object toPlain(Object v) {
        if (v instanceof JsonObject o) {
            return o.toMap();
        }
        if (v instanceof List<?> list) {
            ArrayList<Object> c = new ArrayList<>(list.size());
            for (Object e : list) {
                c.add(toPlain(e));
            }
            return c;
        }
        return v;
    }

    private static Object fromPlain(String key, Object v, int depth) {
        if (depth > CJsonWriter.MAX_DEPTH) {
            throw new IllegalArgumentException("value under key \"" + key + "\" nested too deeply");
        }
        if (isJsonScalar(v)) {
            return v;
        }
        if (v instanceof JsonObject o) {
            return o.copy();
        }
        if (v instanceof Map<?, ?> m) {
            return fromMap(m, depth);
        }
        if (v instanceof Collection<?> c) {
            ArrayList<Object> list = new ArrayList<>(c.size());
            for (Object e : c) {
                list.add(fromPlain(key, e, depth + 1));
            }
            return list;
        }
        if (v instanceof Byte || v instanceof Short) {
            return ((Number) v).intValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < Long.SIZE ? (Object) b.longValue() : (Object) b.doubleValue();
        }
        if (v instanceof BigDecimal d) {
            return d.doubleValue();
        }
        throw new IllegalArgumentException("not a JSON value under key \"" + key + "\": " + v.getClass().getName());
    }

    private static boolean valuesEqual(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isIntegral(a)) {
            return isIntegral(b) && ((Number) a).longValue() == ((Number) b).longValue();
        }
        if (isFloating(a)) {
            return isFloating(b) && Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue()) == 0;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            int n = la.size();
            if (n != lb.size()) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!valuesEqual(la.get(i), lb.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static int valueHash(Object v) {
        if (v == null) {
            return 0;
        }
        if (isIntegral(v)) {
            return Long.hashCode(((Number) v).longValue());
        }
        if (isFloating(v)) {
            return Double.hashCode(((Number) v).doubleValue());
        }
        if (v instanceof List<?> list) {
            int h = 1;
            for (Object e : list) {
                h = 31 * h + valueHash(e);
            }
            return h;
        }
        return v.hashCode();
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Integer;
    }

    private static boolean isFloating(Object v) {
        return v instanceof Double || v instanceof Float;
    }
}
