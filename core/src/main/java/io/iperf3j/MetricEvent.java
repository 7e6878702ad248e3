package io.iperf3j;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link MetricsStream} delivers: one interval sample or one aggregated window of an
 * iperf3 test, or one set of named {@link Gauges} from another part of iperf3j (the UDP message
 * link, a latency probe).
 */
public sealed interface MetricEvent {
    /** A single interval sample ({@link MetricsMode#interval()}). */
    record Interval(IntervalMetrics sample) implements MetricEvent {
    }

    /** An aggregated window of samples ({@link MetricsMode#window(java.time.Duration)}). */
    record Window(WindowMetrics window) implements MetricEvent {
    }

    /**
     * The current figures of one thing, by name: for instance one link connection's counters and
     * round-trip quantiles. Core does not interpret them; exporters write each value as a gauge
     * named {@code iperf3j_<source>_<key>} with a label {@code instance="<instance>"}.
     *
     * <p>Names are lower-case name parts, {@code [a-z][a-z0-9_]*}, at most {@value #MAX_NAME_LENGTH}
     * characters. Keys carry their unit as a suffix, in base units ({@code _seconds},
     * {@code _bytes}; {@code rtt_p50_seconds}, {@code in_bytes}, {@code pending_acks}); quantiles
     * are {@code <name>_p<NN>_<unit>} ({@code rtt_p99_seconds}). A key may not end in
     * {@code _total}, {@code _count}, {@code _sum}, {@code _bucket}, {@code _created} or
     * {@code _info}: Prometheus reserves those suffixes. A non-finite value (NaN before a first
     * sample) means "not known yet": exporters leave it out rather than write it.
     *
     * @param source         what produced the figures, e.g. {@code link_client}, {@code link_server}, {@code latency}
     * @param instance       which of the source's things they describe (e.g. the peer's address);
     *                       1..{@value #MAX_INSTANCE_LENGTH} characters, no control characters
     * @param monotonicNanos when they were taken, {@link System#nanoTime()}
     * @param values         the figures by key, 1..{@value #MAX_VALUES} of them; the record keeps an
     *                       unmodifiable copy in the given iteration order
     */
    record Gauges(String source, String instance, long monotonicNanos, Map<String, Double> values)
            implements MetricEvent {
        /** Longest {@code source} or key. */
        public static final int MAX_NAME_LENGTH = 64;
        /** Longest {@code instance}. */
        public static final int MAX_INSTANCE_LENGTH = 256;
        /** Most values in one event. */
        public static final int MAX_VALUES = 256;

        private static final String[] RESERVED_SUFFIXES = {"_total", "_count", "_sum", "_bucket", "_created", "_info"};

        /**
         * Checks and copies.
         *
         * @throws IllegalArgumentException for a bad name, instance or value count (the message says which)
         * @throws NullPointerException     for a null argument, key or value
         */
        public Gauges {
            requireName(source, "source");
            Objects.requireNonNull(instance, "instance");
            if (instance.isEmpty() || instance.length() > MAX_INSTANCE_LENGTH) {
                throw new IllegalArgumentException("instance must be 1.." + MAX_INSTANCE_LENGTH + " characters: '" + instance + "'");
            }
            for (int i = 0; i < instance.length(); i++) {
                if (Character.isISOControl(instance.charAt(i))) {
                    throw new IllegalArgumentException("instance contains a control character at " + i);
                }
            }
            Objects.requireNonNull(values, "values");
            if (values.isEmpty() || values.size() > MAX_VALUES) {
                throw new IllegalArgumentException("values must hold 1.." + MAX_VALUES + " figures: " + values.size());
            }
            Map<String, Double> copy = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                requireName(k, "key");
                for (String s : RESERVED_SUFFIXES) {
                    if (k.endsWith(s)) {
                        throw new IllegalArgumentException("key '" + k + "' ends in " + s + ", which Prometheus reserves");
                    }
                }
                copy.put(k, Objects.requireNonNull(v, () -> "value of " + k));
            });
            values = Collections.unmodifiableMap(copy);
        }

        private static void requireName(String name, String what) {
            Objects.requireNonNull(name, what);
            boolean ok = !name.isEmpty() && name.length() <= MAX_NAME_LENGTH && name.charAt(0) >= 'a' && name.charAt(0) <= 'z';
            for (int i = 1; ok && i < name.length(); i++) {
                char c = name.charAt(i);
                ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            }
            if (!ok) {
                throw new IllegalArgumentException(what + " must match [a-z][a-z0-9_]* (at most " + MAX_NAME_LENGTH
                        + " characters): '" + name + "'");
            }
        }
    }
}
