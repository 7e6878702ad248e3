package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** Where the build put the image, the tarball and the .deb (set by dist/pom.xml's failsafe). */
final class Dist {
    private Dist() {
    }

    static String version() {
        return property("iperf3j.version");
    }

    static Path dir() {
        return Path.of(property("iperf3j.dist.dir"));
    }

    static Path tarball() {
        Path p = dir().resolve("iperf3j-" + version() + "-linux-x64.tar.gz");
        assertThat(p).as("the tarball is built by `mvn -pl dist -am package`").isRegularFile();
        return p;
    }

    static Path deb() {
        Path p = dir().resolve("iperf3j_" + version() + "_amd64.deb");
        assertThat(p).as("the .deb is built by `mvn -pl dist -am package`").isRegularFile();
        return p;
    }

    /** The container image archive ({@code podman load -i}), made by dist/src/main/sh/build-oci.sh. */
    static Path ociArchive() {
        Path p = dir().resolve("iperf3j-" + version() + "-oci.tar");
        assertThat(p).as("the container image is built by `mvn -pl dist -am package`").isRegularFile();
        return p;
    }

    /** The session module's plan JSON Schema in the sources: what the image and the .deb must ship, byte for byte. */
    static Path planSchemaSource() {
        return Path.of(property("iperf3j.root"), "session/src/main/resources/io/iperf3j/session/plan.schema.json");
    }

    private static String property(String name) {
        String v = System.getProperty(name);
        assertThat(v).as("system property %s (set by dist/pom.xml; run with mvn verify)", name).isNotBlank();
        return v;
    }
}
