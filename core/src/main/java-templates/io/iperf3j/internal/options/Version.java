package io.iperf3j.internal.options;

/**
 * The build's version, written into this source by the build (Maven filters
 * {@code src/main/java-templates} into {@code target/generated-sources/version}, core/pom.xml):
 * what {@code -v}, the JSON {@code start} section and the exporter's user agent say.
 *
 * <p>A constant of a class, not a resource read at run time (until issue 68 a
 * {@code version.properties}): a resource is looked up in the JDK's image and then in the jar,
 * which the class loader opens for it, reading the 5 600 entries of its central directory (~12 ms
 * of CPU at every start, when every class a test needs comes from the AOT cache).
 */
public final class Version {
    /** iperf3j's version, e.g. {@code 0.1.0}; {@code "unknown"} when this source was compiled unfiltered. */
    public static final String VERSION = filled("${project.version}");

    private Version() {
    }

    /** Not a compile-time constant, so that no other class holds a copy of it. */
    private static String filled(String version) {
        return version.isEmpty() || version.startsWith("$") ? "unknown" : version;
    }
}
