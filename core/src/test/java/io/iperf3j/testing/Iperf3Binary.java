package io.iperf3j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The real iperf3 binaries the interop and fidelity tests compare against: Debian's 3.12
 * ({@link #V3_12}) and the newest upstream ({@link #V3_21}, esnet master "iperf 3.21+",
 * built by {@code .ci/run} from {@code shared/peers/} into a cache outside the tree).
 * Tests that need one call {@link #require()}: without it they FAIL (never skip) with a
 * message saying how to install it, because a green run without the peer would prove nothing.
 */
public enum Iperf3Binary {
    /** Debian 12's package; {@code .ci/run} installs it. */
    V3_12("3.12", Path.of("/usr/bin/iperf3"), "iperf 3.12 ",
            "install iperf3 3.12 (`apt-get install iperf3`; CI's .ci/run does this)"),
    /**
     * esnet master built from {@code shared/peers/iperf-3.21-master.tar.gz} by
     * {@code shared/peers/build-iperf3-upstream.sh}; {@code .ci/run} builds it into
     * {@code $IPERF3_321_PREFIX} (default {@code ~/.cache/iperf3j/iperf3-3.21}).
     */
    V3_21("3.21", upstreamPath(), "iperf 3.21",
            "build it with `bash ../shared/peers/build-iperf3-upstream.sh ~/.cache/iperf3j/iperf3-3.21` "
                    + "(needs build-essential and libssl-dev; CI's .ci/run does this) or set IPERF3_321_PREFIX");

    /** Debian's 3.12, the peer most tests use. */
    public static final Path PATH = V3_12.path;

    private static final ConcurrentHashMap<Iperf3Binary, String> VERSIONS = new ConcurrentHashMap<>();

    public final String label;
    public final Path path;
    private final String versionPrefix;
    private final String howToInstall;

    Iperf3Binary(String label, Path path, String versionPrefix, String howToInstall) {
        this.label = label;
        this.path = path;
        this.versionPrefix = versionPrefix;
        this.howToInstall = howToInstall;
    }

    private static Path upstreamPath() {
        String prefix = System.getenv("IPERF3_321_PREFIX");
        if (prefix == null || prefix.isBlank()) {
            prefix = System.getProperty("user.home") + "/.cache/iperf3j/iperf3-3.21";
        }
        return Path.of(prefix, "bin", "iperf3");
    }

    /** Fails the calling test unless {@code /usr/bin/iperf3} is iperf 3.12. */
    public static void require() {
        V3_12.requireThis();
    }

    /** Fails the calling test unless this binary is there and reports its version. */
    public void requireThis() {
        assertThat(Files.isExecutable(path)).as("%s is missing: %s", path, howToInstall).isTrue();
        String v = VERSIONS.computeIfAbsent(this, b -> version(b.path));
        assertThat(v).as("%s should report %s", path, versionPrefix).startsWith(versionPrefix);
    }

    private static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
            try {
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    return "iperf3 -v did not finish";
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            return "iperf3 -v failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
