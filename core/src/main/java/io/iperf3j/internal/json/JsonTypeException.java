package io.iperf3j.internal.json;

/**
 * A {@link JsonObject} typed getter found its key with a value of another JSON
 * type, e.g. {@code getLong("bytes")} on a string. Unchecked, because for
 * locally built documents it is a programming error; code reading peer data
 * should catch it and report a protocol error.
 */
public final class JsonTypeException extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /** The key that was looked up. */
    private final String key;

    /**
     * Creates the exception with a message naming the key and both types.
     *
     * @param key the key that was looked up
     * @param expected the JSON type the caller asked for, e.g. {@code "integer"}
     * @param actual the value found (only its JSON type is reported)
     */
    public JsonTypeException(String key, String expected, Object actual) {
        super("JSON key \"" + key + "\": expected " + expected + " but found " + JsonObject.typeName(actual));
        this.key = key;
    }

    /**
     * The key that was looked up.
     *
     * @return the key whose value had the wrong type
     */
    public String key() {
        return key;
    }
}
