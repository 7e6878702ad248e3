package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link IperfJar#skipped}: the one rule by which the lab's copy and its clean-up leave folders out. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IperfJarTest {
    @Test
    void buildOutputsVersionControlAndPackagesAreSkippedAtAnyDepthButNeverTheRoot() {
        Path root = Path.of("/work/lab/target");
        assertThat(IperfJar.skipped(root, root)).as("the root, even named target").isFalse();
        assertThat(IperfJar.skipped(root, root.resolve("core/target"))).isTrue();
        assertThat(IperfJar.skipped(root, root.resolve(".git"))).isTrue();
        assertThat(IperfJar.skipped(root, root.resolve("report/node_modules"))).isTrue();
        assertThat(IperfJar.skipped(root, root.resolve("core/src"))).isFalse();
        assertThat(IperfJar.skipped(root, root.resolve("targets"))).isFalse();
    }
}
