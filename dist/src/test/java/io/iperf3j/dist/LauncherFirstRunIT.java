package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's first run on a clean clone: a copy of the working tree's files (what
 * {@code git ls-files} lists, no target/), and a Maven whose local repository is empty and
 * whose only remote is a file mirror of this machine's repository (what CI has). The offline
 * attempt the launcher makes first then fails, as on a new machine; the user must still see
 * one progress line and no line containing ERROR. Then a real failure (a compile error) must
 * show Maven's error.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LauncherFirstRunIT {
    @TempDir
    Path tmp;

    @Test
    void firstRunsTogetherBuildOnceWithOneProgressLineThenAFailedBuildShowsMavensError() throws Exception {
        Path clone = tmp.resolve("clone");
        copyWorkingTree(Path.of(System.getProperty("iperf3j.root")).toRealPath(), clone);
        assertThat(clone.resolve("cli/target")).doesNotExist();
        Path home = tmp.resolve("home");
        Path mirror = Path.of(System.getProperty("user.home"), ".m2", "repository");
        assertThat(mirror).isDirectory();
        Files.createDirectories(home.resolve(".m2"));
        Files.writeString(home.resolve(".m2/settings.xml"), """
                <settings>
                  <mirrors>
                    <mirror><id>ci-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(mirror.toUri()));

        // two launchers at once (a script's server and client): one builds, the other waits for it
        Started a = start(clone, home, "--version");
        Started b = start(clone, home, "--version");
        Run first = a.await();
        Run second = b.await();
        for (Run r : List.of(first, second)) {
            assertThat(r.status).as(r.stderr).isZero();
            assertThat(r.stdout).startsWith("iperf3j " + Dist.version() + " ");
            assertThat(r.stdout + r.stderr).doesNotContain("ERROR").doesNotContain("\u001b[");
        }
        assertThat(Stream.of(first, second).flatMap(r -> r.stderr.lines()).toList()).as(first.stderr + second.stderr)
                .singleElement().asString().startsWith("iperf3j: building iperf3j-" + Dist.version() + ".jar");
        // the online attempt ran: the empty local repository was filled from the mirror
        try (Stream<Path> files = Files.walk(home.resolve(".m2/repository"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".jar")).count()).isGreaterThan(20);
        }

        Path main = clone.resolve("cli/src/main/java/io/iperf3j/cli/Main.java");
        Files.writeString(main, Files.readString(main) + "\nnot java\n");
        Run broken = launch(clone, home, "--version");
        assertThat(broken.status).isEqualTo(1);
        assertThat(broken.stdout).isEmpty();
        assertThat(broken.stderr).contains("iperf3j: the build failed; Maven's output")
                .contains("[ERROR]").contains("Main.java").doesNotContain("\u001b[");
    }

    private record Run(int status, String stdout, String stderr) {
    }

    private record Started(Process process, Path out, Path err) {
        Run await() throws Exception {
            if (!process.waitFor(540, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the launcher did not finish in 540 s: " + Files.readString(err));
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    private static Run launch(Path clone, Path home, String... args) throws Exception {
        return start(clone, home, args).await();
    }

    private static Started start(Path clone, Path home, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(clone.resolve("iperf3j").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(clone.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.put("MAVEN_OPTS", "-Duser.home=" + home);
        env.remove("MAVEN_ARGS");
        return new Started(pb.start(), out, err);
    }

    /** Copies the files git would have in a clone (tracked and new, not ignored). */
    private static void copyWorkingTree(Path root, Path to) throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "-z", "-co", "--exclude-standard")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] list = git.getInputStream().readAllBytes();
        assertThat(git.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as("git ls-files in %s (the test copies a git checkout)", root).isZero();
        int copied = 0;
        for (String name : new String(list, StandardCharsets.UTF_8).split("\0")) {
            Path src = root.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(src)) {
                continue; // deleted but still tracked
            }
            Path dst = to.resolve(name);
            Files.createDirectories(dst.getParent());
            Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
            copied++;
        }
        assertThat(copied).isGreaterThan(50);
    }
}
