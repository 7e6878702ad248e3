package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's podman with runc, as root, on a store of its own under dist/target ({@code --root},
 * {@code --runroot}, {@code --tmpdir}): what a test loads and runs never meets the machine's images and
 * containers, nor another checkout's. The store settings are given, not left to the machine's
 * containers.conf: the {@code overlay} driver, {@code cgroupfs} (no systemd here), events in a file.
 * Every command is as a user types it after {@code podman}, with these global options first.
 */
final class Podman {
    private static final Path PODMAN = Path.of("/usr/bin/podman");
    private static final Path RUNC = Path.of("/usr/sbin/runc");
    private final Path store;

    private Podman(Path store) {
        this.store = store;
    }

    /** Podman on the store {@code dir}; fails, saying what to install, without podman or runc. */
    static Podman on(Path dir) throws IOException {
        assertThat(Files.isExecutable(PODMAN)).as("%s is missing: apt-get install podman runc (.ci/run does)", PODMAN).isTrue();
        assertThat(Files.isExecutable(RUNC)).as("%s is missing: apt-get install runc (.ci/run does)", RUNC).isTrue();
        Files.createDirectories(dir);
        return new Podman(dir);
    }

    /** What a podman command did. */
    record Run(int status, String stdout, String stderr, long millis) {
        String all() {
            return stdout + stderr;
        }
    }

    /** {@code podman GLOBAL-OPTIONS args...}, at most 120 s. */
    Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PODMAN.toString(),
                "--root", store.resolve("root").toString(), "--runroot", store.resolve("runroot").toString(),
                "--tmpdir", store.resolve("tmp").toString(), "--storage-driver", "overlay",
                "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", RUNC.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("oci-it", ".out");
        Path err = Files.createTempFile("oci-it", ".err");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("did not finish in 120 s: " + String.join(" ", cmd));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err), millis);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** As {@link #run}, and fails unless podman exits 0. */
    Run ok(String... args) throws IOException, InterruptedException {
        Run r = run(args);
        assertThat(r.status()).as("podman %s: %s", String.join(" ", args), r.all()).isZero();
        return r;
    }

    /** {@code podman inspect --format FORMAT NAME}, trimmed. */
    String inspect(String name, String format) throws IOException, InterruptedException {
        return ok("inspect", "--format", format, name).stdout().strip();
    }
}
