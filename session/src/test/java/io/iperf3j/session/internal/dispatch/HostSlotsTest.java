package io.iperf3j.session.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostSlotsTest {
    @TempDir
    Path dir;

    @Test
    void aHostIsInOneHoldAtATimeAndAHoldIsAllOrNothing() {
        HostSlots slots = new HostSlots(dir);
        Optional<HostSlots.Hold> ab = slots.tryTake(List.of("10.0.0.1", "10.0.0.2"));
        assertThat(ab).isPresent();
        // 10.0.0.3 is free, 10.0.0.2 is not: nothing is taken, so 10.0.0.3 stays free
        assertThat(slots.tryTake(List.of("10.0.0.3", "10.0.0.2"))).isEmpty();
        assertThat(slots.isHeld("10.0.0.3")).isFalse();
        assertThat(slots.tryTake(List.of("10.0.0.1".toUpperCase()))).isEmpty();
        Optional<HostSlots.Hold> cd = slots.tryTake(List.of("10.0.0.3", "10.0.0.4"));
        assertThat(cd).isPresent();
        ab.get().close();
        ab.get().close(); // once only: a second close gives back nothing another hold took since
        Optional<HostSlots.Hold> again = slots.tryTake(List.of("10.0.0.2", "10.0.0.1"));
        assertThat(again).isPresent();
        assertThat(slots.tryTake(List.of("10.0.0.4"))).isEmpty();
        cd.get().close();
        again.get().close();
    }

    @Test
    void twoSlotBooksOverOneDirectoryInOneJvmShareTheHosts() {
        HostSlots one = new HostSlots(dir);
        HostSlots two = new HostSlots(dir);
        try (HostSlots.Hold h = one.tryTake(List.of("fl1", "fl2")).orElseThrow()) {
            assertThat(two.tryTake(List.of("fl2", "fl3"))).isEmpty();
            assertThat(h.keys()).containsExactlyInAnyOrder("fl1", "fl2");
        }
        two.tryTake(List.of("fl2", "fl3")).orElseThrow().close();
    }

    /** Another process holding the host's lock (Python's lockf: the same fcntl lock the JDK takes). */
    @Test
    void aHostLockedByAnotherProcessIsBusyUntilThatProcessDies() throws Exception {
        HostSlots slots = new HostSlots(dir);
        slots.tryTake(List.of("h9")).orElseThrow().close(); // makes the lock file
        Path lockFile = dir.resolve(HostSlots.fileName("h9"));
        Process other = new ProcessBuilder("python3", "-c",
                "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(60)",
                lockFile.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertThat(r.readLine()).isEqualTo("locked");
            assertThat(slots.tryTake(List.of("h8", "h9"))).isEmpty();
            assertThat(slots.isHeld("h8")).isFalse();
        } finally {
            other.destroyForcibly(); // SIGKILL: the kernel drops its lock
            assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        slots.tryTake(List.of("h8", "h9")).orElseThrow().close();
    }

    @Test
    void keysBecomeSafeFileNames() {
        assertThat(HostSlots.fileName("10.0.0.1")).isEqualTo("10.0.0.1.lock");
        assertThat(HostSlots.fileName("fd00::1")).matches("h-[0-9a-f]{32}\\.lock");
        assertThat(HostSlots.fileName("../../etc/passwd")).matches("h-[0-9a-f]{32}\\.lock");
        assertThat(HostSlots.fileName("..")).matches("h-[0-9a-f]{32}\\.lock");
        assertThat(HostSlots.fileName("a".repeat(200))).matches("h-[0-9a-f]{32}\\.lock");
    }

    @Test
    void theDefaultDirectoryIsTheUsersRuntimeDirectory() {
        assertThat(HostSlots.defaultDirectory("/run/user/1000", "/tmp", "ann")).isEqualTo(Path.of("/run/user/1000/iperf3j-slots"));
        assertThat(HostSlots.defaultDirectory(null, "/tmp", "ann")).isEqualTo(Path.of("/tmp/iperf3j-slots-ann"));
        assertThat(HostSlots.defaultDirectory(" ", "/tmp", "ann")).isEqualTo(Path.of("/tmp/iperf3j-slots-ann"));
    }
}
