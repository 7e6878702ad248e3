package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.Iperf3Process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The two ways a user gets iperf3j, each run as that user runs it, as a process: never a class
 * called in the test's JVM, whose class path has every library the shipped jar might lack (the
 * jar lacked jackson-databind once, and only {@code report} and {@code session} needed it).
 */
enum Installation {
    /**
     * The tarball ({@link Dist#tarball()}) unpacked into an empty directory and run with no JDK
     * reachable ({@link NoJdk}): the image must bring everything.
     */
    IMAGE {
        @Override
        Path program() {
            return unpackedImage().resolve("bin/iperf3j");
        }

        @Override
        List<String> command(List<String> programAndArgs) {
            return NoJdk.wrap(programAndArgs);
        }

        @Override
        void prepare() throws Exception {
            NoJdk.requireJdkHidden();
            assertThat(program()).isExecutable();
        }
    },

    /**
     * The source tree's {@code ./iperf3j}, with the environment a user's shell has: {@code HOME},
     * {@code PATH=/usr/bin:/bin}, no {@code JAVA_HOME}; the launcher finds JDK 25 itself
     * (scripts/find-jdk.sh) and runs the fat jar.
     */
    LAUNCHER {
        @Override
        Path program() {
            return Path.of(System.getProperty("iperf3j.root"), "iperf3j").toAbsolutePath().normalize();
        }

        @Override
        List<String> command(List<String> programAndArgs) {
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "-i", "HOME=" + System.getProperty("user.home"),
                    "PATH=/usr/bin:/bin", "LC_ALL=C"));
            cmd.addAll(programAndArgs);
            return cmd;
        }

        /**
         * A first {@code --version}, as a user's first run: it builds the jar if the sources are
         * newer (never in CI, where the jar is fresh), so no later command pays for a build.
         */
        @Override
        void prepare() {
            try (Iperf3Process p = start(List.of("--version"))) {
                assertThat(p.waitFor(Duration.ofSeconds(600))).as("%s: %s", p, p.stderr()).isZero();
                assertThat(p.stdout()).startsWith("iperf3j " + Dist.version() + " ");
            }
        }
    };

    private static Path image;
    private boolean prepared;
    private AssertionError unprepared;

    /** The program a user types: the image's bin/iperf3j or the source tree's launcher. */
    abstract Path program();

    /** The command line that runs {@code programAndArgs} in this installation's environment. */
    abstract List<String> command(List<String> programAndArgs);

    abstract void prepare() throws Exception;

    /** Starts {@code iperf3j args...} from this installation (prepared on first use). */
    Iperf3Process start(List<String> args) {
        requirePrepared();
        List<String> programAndArgs = new ArrayList<>(List.of(program().toString()));
        programAndArgs.addAll(args);
        return Iperf3Process.start(command(programAndArgs));
    }

    /** Starts any command (a shell probe, say) in this installation's environment. */
    Iperf3Process startOther(List<String> command) {
        requirePrepared();
        return Iperf3Process.start(command(command));
    }

    /** Prepares once; a failed preparation fails every later command of this installation too. */
    private synchronized void requirePrepared() {
        if (!prepared) {
            prepared = true;
            try {
                prepare();
            } catch (Exception | AssertionError e) {
                unprepared = new AssertionError("cannot prepare the " + this + " installation", e);
            }
        }
        if (unprepared != null) {
            throw unprepared;
        }
    }

    /**
     * The tarball unpacked (once per test JVM) into an empty directory under dist/target; the
     * image's home directory.
     */
    static synchronized Path unpackedImage() {
        if (image == null) {
            try {
                Path dir = Dist.dir().resolve("shipped-image");
                deleteTree(dir);
                Files.createDirectories(dir);
                Process tar = new ProcessBuilder("tar", "-xzf", Dist.tarball().toString(), "-C", dir.toString())
                        .redirectErrorStream(true).start();
                // tar says nothing unless it fails (a few lines, far below a pipe's buffer): wait, then read
                assertThat(tar.waitFor(120, TimeUnit.SECONDS)).as("tar -xzf within 120 s").isTrue();
                assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes())).isZero();
                image = dir.resolve("iperf3j-" + Dist.version());
            } catch (IOException e) {
                throw new AssertionError("cannot unpack " + Dist.tarball(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while unpacking", e);
            }
        }
        return image;
    }

    /** Deletes a directory tree if it exists (a previous run's leftovers). */
    static void deleteTree(Path p) throws IOException {
        if (Files.exists(p)) {
            try (Stream<Path> walk = Files.walk(p)) {
                for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }
}
