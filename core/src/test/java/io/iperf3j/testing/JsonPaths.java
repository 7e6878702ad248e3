package io.iperf3j.testing;

import io.iperf3j.internal.json.JsonObject;
import io.iperf3j.internal.json.MalformedJsonException;
import io.iperf3j.internal.json.PeerJson;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** Key paths of JSON documents, for comparing the shape of two documents whatever their numbers. */
public final class JsonPaths {
    private JsonPaths() {
    }

    /**
     * Every key path in the document, with array indices collapsed: {@code start.connected[].socket},
     * {@code intervals[].streams[].bytes}, {@code end.sum_sent.bytes}. A key whose value is an
     * object or an array is listed itself as well as its members, so an empty {@code end: {}}
     * still shows as {@code end}. Duplicate keys (3.12's repeated {@code sock_bufsize}) count once.
     */
    public static SortedSet<String> keyPaths(JsonObject doc) {
        SortedSet<String> paths = new TreeSet<>();
        collect(doc, "", paths);
        return paths;
    }

    private static void collect(JsonObject o, String prefix, SortedSet<String> into) {
        for (Map.Entry<String, Object> e : o.entries()) {
            String path = prefix + e.getKey();
            into.add(path);
            collectValue(e.getValue(), path, into);
        }
    }

    private static void collectValue(Object v, String path, SortedSet<String> into) {
        if (v instanceof JsonObject child) {
            collect(child, path + ".", into);
        } else if (v instanceof List<?> list) {
            for (Object element : list) {
                if (element instanceof JsonObject || element instanceof List<?>) {
                    collectValue(element, path + "[]", into);
                }
            }
        }
    }

    /** Parses a document as printed by iperf3 or iperf3j ({@code -J}); fails with the text on error. */
    public static JsonObject parse(String printed) {
        try {
            return PeerJson.parseObject(printed.getBytes(StandardCharsets.UTF_8), 0,
                    printed.getBytes(StandardCharsets.UTF_8).length,
                    PeerJson.Limits.DEFAULT.withMaxStringLength(4 * 1024 * 1024));
        } catch (MalformedJsonException e) {
            throw new AssertionError("not one JSON document (" + e.getMessage() + "):\n" + printed, e);
        }
    }

    /**
     * The value at a dotted path ({@code end.sum_sent.bytes}); array elements as {@code streams[0]}.
     * Null when any step is missing.
     */
    public static Object at(JsonObject doc, String path) {
        Object cur = doc;
        for (String step : path.split("\\.")) {
            int index = -1;
            int bracket = step.indexOf('[');
            if (bracket >= 0) {
                index = Integer.parseInt(step.substring(bracket + 1, step.length() - 1));
                step = step.substring(0, bracket);
            }
            if (!(cur instanceof JsonObject o) || !o.has(step)) {
                return null;
            }
            cur = o.get(step);
            if (index >= 0) {
                if (!(cur instanceof List<?> l) || index >= l.size()) {
                    return null;
                }
                cur = l.get(index);
            }
        }
        return cur;
    }

    /** The integer at a path; fails the test when it is missing or not an integer. */
    public static long longAt(JsonObject doc, String path) {
        Object v = at(doc, path);
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        throw new AssertionError("no integer at " + path + " (found " + v + ")");
    }

    public static JsonObject objectAt(JsonObject doc, String path) {
        Object v = at(doc, path);
        if (v instanceof JsonObject o) {
            return o;
        }
        throw new AssertionError("no object at " + path + " (found " + v + ")");
    }

    @SuppressWarnings("unchecked")
    public static List<Object> arrayAt(JsonObject doc, String path) {
        Object v = at(doc, path);
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new AssertionError("no array at " + path + " (found " + v + ")");
    }
}
