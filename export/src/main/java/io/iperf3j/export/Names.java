package io.iperf3j.export;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Validation of metric prefixes and label names, shared by every sink. */
public final class Names {
    /** The default metric prefix, as iperf3-rs. */
    public static final String DEFAULT_PREFIX = "iperf3";

    private Names() {
    }

    /** Whether {@code name} matches {@code [A-Za-z_][A-Za-z0-9_]*} (no colons, as iperf3-rs). */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks a metric prefix.
     *
     * @throws IllegalArgumentException if it is not a valid name
     */
    public static String requirePrefix(String prefix) {
        if (!isValidName(prefix)) {
            throw new IllegalArgumentException("invalid metric prefix '" + prefix + "'");
        }
        return prefix;
    }

    /**
     * Checks fixed sample labels: valid names not starting with {@code __}, non-empty values.
     *
     * @return an ordered copy
     * @throws IllegalArgumentException on the first bad label
     */
    public static Map<String, String> requireLabels(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        Map<String, String> copy = new LinkedHashMap<>();
        labels.forEach((k, v) -> {
            if (!isValidName(k) || k.startsWith("__")) {
                throw new IllegalArgumentException("invalid label name '" + k + "'");
            }
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("label value for '" + k + "' must not be empty");
            }
            copy.put(k, v);
        });
        return copy;
    }
}
