package io.iperf3j.internal.options;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The build's version, from the one resource the build fills in
 * ({@code io/iperf3j/version.properties}): what {@code -v}, the JSON {@code start}
 * section and the exporter's user agent say.
 */
public final class Version {
    /** iperf3j's version, e.g. {@code 0.1.0}; {@code "unknown"} without the filtered resource. */
    public static final String VERSION = load();

    private Version() {
    }

    private static String load() {
        try (InputStream in = Version.class.getResourceAsStream("/io/iperf3j/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            // unfiltered (e.g. run from an IDE without Maven's resource processing)
            return v.isEmpty() || v.contains("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
