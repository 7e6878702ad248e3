package io.iperf3j.session.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The manifest of an image's tarball, as the host's {@code sha256sum -c} checks it: every regular file under the top folder
 * with its SHA-256, in the formats GNU tar writes (a long path as GNU's long name, or as a pax path), and the same answer
 * from the host's own {@code sha256sum -c} on the unpacked tree.
 */
class ImageManifestTest {
    @TempDir
    Path dir;

    private static final String LONG = "legal/" + "a".repeat(60) + "/" + "b".repeat(60) + "/LICENSE";

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax", "ustar"})
    void everyFileUnderTheTopFolderWithItsHashAsSha256sumChecksIt(String format) throws Exception {
        Path src = dir.resolve("src/iperf3j-1.0");
        Files.createDirectories(src.resolve("bin"));
        Files.writeString(src.resolve("bin/iperf3j"), "#!/bin/sh\necho iperf3j 1.0\n");
        Files.write(src.resolve("bin/big"), new byte[700_000]);
        String longName = format.equals("ustar") ? "legal/short/LICENSE" : LONG;
        Files.createDirectories(src.resolve(longName).getParent());
        Files.writeString(src.resolve(longName), "licence");
        Files.createSymbolicLink(src.resolve("bin/link"), Path.of("iperf3j"));
        Path t = dir.resolve("image.tar.gz");
        run(dir, "tar", "--format=" + format, "-czf", t.toString(), "-C", dir.resolve("src").toString(), "iperf3j-1.0");

        String manifest = ImageManifest.of(t);
        assertThat(manifest.lines().map(l -> l.substring(66)).sorted().toList())
                .containsExactly("./bin/big", "./bin/iperf3j", "./" + longName);
        assertThat(manifest.lines()).allMatch(l -> l.matches("[0-9a-f]{64}  \\./.*"));
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        run(dir, "tar", "-xzf", t.toString(), "-C", out.toString(), "--strip-components=1");
        Files.writeString(dir.resolve("manifest"), manifest);
        assertThat(run(out, "sha256sum", "-c", dir.resolve("manifest").toString())).isZero();
        Files.writeString(out.resolve("bin/iperf3j"), "changed");
        assertThat(run(out, "sha256sum", "-c", dir.resolve("manifest").toString())).isNotZero();
    }

    @Test
    void anEntryThatClimbsOutOrIsNotATarIsRefused() throws Exception {
        Path src = dir.resolve("src/top");
        Files.createDirectories(src);
        Files.writeString(src.resolve("f"), "x");
        Path t = dir.resolve("climb.tar.gz");
        run(dir, "tar", "-czf", t.toString(), "-C", dir.resolve("src").toString(), "--transform=s,top/f,top/../../f,", "top/f");
        assertThatThrownBy(() -> ImageManifest.of(t)).isInstanceOf(IOException.class).hasMessageContaining("climbs out");
        Path notTar = dir.resolve("x.tar.gz");
        run(dir, "sh", "-c", "echo hello | gzip > " + notTar);
        assertThatThrownBy(() -> ImageManifest.of(notTar)).isInstanceOf(IOException.class);
    }

    private static int run(Path cwd, String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).directory(cwd.toFile()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
