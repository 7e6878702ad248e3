package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.Iperf3Process;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real systemd as PID 1 of a throw-away container made from this machine's own files, for the
 * units the .deb ships: {@code systemctl start}, {@code kill}, {@code Restart=} as a user's machine runs them.
 * There is no systemd as PID 1 here (nor, likely, on the CI machine), and systemd-nspawn refuses the host's
 * root directory, so the container is made with util-linux alone:
 * <ul>
 * <li>new PID, mount and network namespaces ({@code unshare}): systemd is PID 1 of its own processes, its
 *     mounts are its own, its network is a loopback of its own;</li>
 * <li>the root is this machine's {@code /} read-only under an overlay whose upper layer is a tmpfs: what
 *     the boot writes ({@code systemd-tmpfiles} empties {@code /tmp}, {@code systemd-sysusers} edits
 *     {@code /etc/passwd}, units keep state under {@code /var/lib}) is gone with the container; the files
 *     a test gives are put in that upper layer first;</li>
 * <li>fresh tmpfs on {@code /tmp} and {@code /run}; an empty one on {@code /usr/lib/jvm} (no JDK, as on a
 *     machine the .deb is for);</li>
 * <li>{@code /proc/sys} and {@code /sys} read-only (the cgroup mounts under it stay writable), and no
 *     {@code CAP_SYS_MODULE}, {@code CAP_SYS_TIME} or {@code CAP_SYS_BOOT}: the kernel-wide units
 *     ({@code systemd-sysctl}, {@code systemd-binfmt}, {@code systemd-modules-load}, time sync) skip
 *     themselves by their own conditions, as in any container ({@code container=} is set);</li>
 * <li>booted to {@code sysinit.target} only: no timer, no enabled service of this machine starts.</li>
 * </ul>
 * Why these precautions: a first try, systemd on the host's root with only {@code /run} made private,
 * emptied this machine's {@code /tmp} (tmpfiles' {@code D /tmp}) and applied its sysctl files.
 * {@link #close()} kills PID 1 by its PID, which ends every process of the container, then removes the
 * cgroup directories systemd made for its units (new since the boot, named as units are: {@code *.slice},
 * {@code *.scope}, {@code *.service}, {@code *.mount}, {@code *.socket}; never another's).
 * Needs root, {@code unshare}, {@code nsenter}, {@code setpriv}, overlayfs and Debian's systemd.
 */
final class SystemdContainer implements AutoCloseable {
    private static final Path SYSTEMD = Path.of("/lib/systemd/systemd");
    private static final String BOOT = """
            set -eu
            d=$1
            mount --make-rprivate /
            mkdir -p "$d/layers" "$d/root"
            mount -t tmpfs -o mode=755 layers "$d/layers"
            mkdir -p "$d/layers/up" "$d/layers/work"
            cp -a "$d/seed/." "$d/layers/up/"
            mount -t overlay overlay -o "lowerdir=/,upperdir=$d/layers/up,workdir=$d/layers/work" "$d/root"
            r=$d/root
            mount -t proc proc "$r/proc"
            mount --bind "$r/proc/sys" "$r/proc/sys"
            mount -o remount,bind,ro "$r/proc/sys"
            mount --rbind /sys "$r/sys"
            mount -o remount,bind,ro "$r/sys"
            mount --rbind /dev "$r/dev"
            mount -t tmpfs -o mode=1777 tmp "$r/tmp"
            mount -t tmpfs -o mode=755 run "$r/run"
            mount -t tmpfs -o size=1m,mode=755 nojdk "$r/usr/lib/jvm"
            cd "$r"
            exec chroot "$r" /usr/bin/env -i container=iperf3j-test PATH=/usr/sbin:/usr/bin:/sbin:/bin \\
              /usr/bin/setpriv --bounding-set -sys_module,-sys_time,-sys_boot --inh-caps -all \\
              /lib/systemd/systemd --system --unit=sysinit.target
            """;

    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
    private final Iperf3Process unshare;
    private final long pid1;
    private final java.util.Set<Path> cgroupsBefore;

    private SystemdContainer(Iperf3Process unshare, long pid1, java.util.Set<Path> cgroupsBefore) {
        this.cgroupsBefore = cgroupsBefore;
        this.unshare = unshare;
        this.pid1 = pid1;
    }

    /**
     * Boots one with {@code files} (absolute path in the container to content) added to its root; returns
     * once {@code systemctl is-system-running} says {@code running} or {@code degraded}, within 60 s.
     */
    static SystemdContainer boot(Path dir, Map<String, String> files) throws Exception {
        for (String tool : List.of("/usr/bin/unshare", "/usr/bin/nsenter", "/usr/bin/setpriv")) {
            assertThat(Files.isExecutable(Path.of(tool))).as("%s is missing: install util-linux", tool).isTrue();
        }
        assertThat(Files.isExecutable(SYSTEMD)).as("%s is missing: install systemd", SYSTEMD).isTrue();
        Path seed = Files.createDirectories(dir.resolve("seed"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = seed.resolve(f.getKey().substring(1));
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        java.util.Set<Path> cgroupsBefore = unitCgroups();
        Iperf3Process unshare = Iperf3Process.start(List.of("unshare", "--pid", "--fork", "--kill-child", "--mount", "--net", "--",
                "/bin/sh", "-c", BOOT, "sh", dir.toString()));
        SystemdContainer c = null;
        boolean up = false;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Optional<ProcessHandle> init = Optional.empty();
            while (init.isEmpty()) {
                assertThat(unshare.isAlive()).as("the container did not boot: %s", unshare.stdout() + unshare.stderr()).isTrue();
                assertThat(System.nanoTime()).as("no systemd in 60 s: %s", unshare.stderr()).isLessThan(deadline);
                init = ProcessHandle.of(unshare.pid()).stream().flatMap(ProcessHandle::children)
                        .filter(h -> h.info().command().orElse("").endsWith("/systemd")).findFirst();
                Thread.sleep(50);
            }
            c = new SystemdContainer(unshare, init.get().pid(), cgroupsBefore);
            String state = "";
            while (!state.equals("running") && !state.equals("degraded")) {
                assertThat(System.nanoTime()).as("systemd did not come up in 60 s (%s): %s", state,
                        c.systemctl("list-units", "--failed", "--no-pager").all() + unshare.stderr()).isLessThan(deadline);
                Thread.sleep(200);
                state = c.systemctl("is-system-running").stdout().strip();
            }
            up = true;
            return c;
        } finally {
            if (!up) {
                if (c != null) {
                    c.close();
                } else {
                    unshare.close();
                }
            }
        }
    }

    /** Output of a command run in the container (as root, its namespaces and root directory). */
    record Run(int status, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    /** {@code systemctl ARGS} in the container; at most 60 s. */
    Run systemctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("systemctl"));
        cmd.addAll(List.of(args));
        return exec(cmd);
    }

    /** {@code command} in the container; at most 60 s. */
    Run exec(List<String> command) throws Exception {
        try (Iperf3Process p = spawn(command)) {
            int status = p.waitFor(Duration.ofSeconds(60));
            return new Run(status, p.stdout(), p.stderr());
        }
    }

    /** {@code command} started in the container (as root, its namespaces and root directory); the caller closes it. */
    Iperf3Process spawn(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid1), "-a", "-r", "-w"));
        cmd.addAll(command);
        return Iperf3Process.start(cmd);
    }

    /** A property of a unit ({@code systemctl show -p NAME --value}). */
    String property(String unit, String name) throws Exception {
        return systemctl("show", "-p", name, "--value", unit).stdout().strip();
    }

    /** A path in the container, readable from here. */
    Path file(String absolute) {
        return Path.of("/proc", Long.toString(pid1), "root").resolve(absolute.substring(1));
    }

    /** Kills PID 1 (and so every process of the container) by its PID; waits for it. */
    @Override
    public void close() throws IOException {
        ProcessHandle.of(pid1).ifPresent(ProcessHandle::destroyForcibly);
        unshare.awaitExit(Duration.ofSeconds(20));
        unshare.close();
        // deepest first; one still busy (a process not yet gone) is tried again for a moment, then left
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<Path> made = unitCgroups().stream().filter(p -> !cgroupsBefore.contains(p))
                .sorted(java.util.Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        for (Path p : made) {
            while (true) {
                try {
                    Files.deleteIfExists(p);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** The cgroup directories named as systemd names its units', in every hierarchy. */
    private static java.util.Set<Path> unitCgroups() throws IOException {
        if (!Files.isDirectory(CGROUPS)) {
            return java.util.Set.of();
        }
        try (java.util.stream.Stream<Path> all = Files.find(CGROUPS, 6, (p, a) -> a.isDirectory()
                && p.getFileName().toString().matches(".+\\.(slice|scope|service|mount|socket)"))) {
            return all.collect(java.util.stream.Collectors.toSet());
        }
    }
}
