package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 57: scripts/wanstar.sh (the star of delayed paths that {@code TotalRateWanIT} and {@code WhyNetnsTest} run)
 * compiled its delay line from {@code ../shared/tools/delayline.c}, beside the clone, which a clone does not have.
 * Here the scripts folder alone, as a clone has it with nothing beside it: {@code star_up} compiles the delay line
 * from the repository's own copy, then stops at its first {@code ip} command (a stand-in that fails: no root here).
 * Tagged {@code tool}: it needs a C compiler.
 */
@Tag("tool")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WanstarScriptTest {
    @TempDir
    Path tmp;

    @Test
    void starUpCompilesTheDelayLineFromTheRepositorysOwnCopy() throws Exception {
        Path repoScripts = Path.of("").toAbsolutePath().getParent().resolve("scripts");
        Path scripts = Files.createDirectories(tmp.resolve("clone/scripts"));
        try (var files = Files.list(repoScripts)) {
            for (Path f : files.toList()) {
                Files.copy(f, scripts.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path ip = bin.resolve("ip");
        Files.writeString(ip, "#!/bin/sh\necho \"ip: stand-in, no network namespaces here\" >&2\nexit 1\n");
        assertThat(ip.toFile().setExecutable(true)).isTrue();
        Path star = tmp.resolve("star");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of("bash", "-c", ". \"$1\"; star_up t57 10mbit 5", "bash",
                scripts.resolve("wanstar.sh").toString()))
                .directory(tmp.toFile()).redirectErrorStream(false)
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(err.toFile());
        pb.environment().put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
        pb.environment().put("STAR_DIR", star.toString());
        pb.environment().remove("DELAYLINE_C");
        Process p = pb.start();
        assertThat(p.waitFor(100, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isNotZero(); // the stand-in ip
        assertThat(stderr).doesNotContain("No such file", "shared/tools").contains("ip: stand-in");
        assertThat(star.resolve("delayline")).as(stderr).isExecutable();
    }
}
