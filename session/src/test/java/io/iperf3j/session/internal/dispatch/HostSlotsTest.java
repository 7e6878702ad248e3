package io.iperf3j.session.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
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
    void theDefaultIsTheUsersPrivateRuntimeFolderElseAPrivateFolderUnderHome() throws Exception {
        Path runtime = Files.createDirectory(dir.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThat(HostSlots.defaultDirectory(runtime.toString(), "/home/ann")).isEqualTo(runtime.resolve("iperf3j-slots"));
        assertThat(HostSlots.defaultDirectory(null, "/home/ann")).isEqualTo(Path.of("/home/ann/.cache/iperf3j-slots"));
        assertThat(HostSlots.defaultDirectory(" ", "/home/ann")).isEqualTo(Path.of("/home/ann/.cache/iperf3j-slots"));
        assertThat(HostSlots.defaultDirectory(dir.resolve("missing").toString(), "/home/ann"))
                .isEqualTo(Path.of("/home/ann/.cache/iperf3j-slots"));
        // a runtime folder others can write, or a link to one, is not the user's own: never /tmp
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(HostSlots.defaultDirectory(runtime.toString(), "/home/ann")).isEqualTo(Path.of("/home/ann/.cache/iperf3j-slots"));
        assertThat(HostSlots.defaultDirectory("/tmp", "/home/ann")).isEqualTo(Path.of("/home/ann/.cache/iperf3j-slots"));
        Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
        Path link = Files.createSymbolicLink(dir.resolve("run-link"), runtime);
        assertThat(HostSlots.defaultDirectory(link.toString(), "/home/ann")).isEqualTo(Path.of("/home/ann/.cache/iperf3j-slots"));
    }

    @Test
    void theControllerMakesItsSlotFolderPrivateAndItsLockFilesItsOwn() throws Exception {
        Path slots = dir.resolve("home/.cache/iperf3j-slots");
        new HostSlots(slots).tryTake(List.of("h1")).orElseThrow().close();
        assertThat(Files.getPosixFilePermissions(slots, LinkOption.NOFOLLOW_LINKS)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(slots.resolve(HostSlots.fileName("h1")), LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    /** Another user's folder, a link, or a folder others can write: refused with its path, never used or repaired. */
    @Test
    void aSlotFolderThatIsALinkOrThatOthersCanWriteIsRefusedNamingIt() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(dir.resolve("slots-link"), real);
        assertThatThrownBy(() -> new HostSlots(link).prepare()).isInstanceOf(IOException.class)
                .hasMessage("slot folder " + link + " is a symbolic link: refused (iperf3j writes only in a folder of its own user"
                        + " that no one else can write)");
        assertThatThrownBy(() -> new HostSlots(link).tryTake(List.of("h1"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("slot folder " + link + " is a symbolic link");
        assertThat(real).isEmptyDirectory();
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> new HostSlots(open).prepare()).isInstanceOf(IOException.class)
                .hasMessageStartingWith("slot folder " + open + " can be written by others (mode 0777): refused");
        assertThat(Files.getPosixFilePermissions(open)).as("not repaired").isEqualTo(PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(open).isEmptyDirectory();
        // checked on every take, not only the first
        Path mine = dir.resolve("mine");
        HostSlots slots = new HostSlots(mine);
        slots.tryTake(List.of("h1")).orElseThrow().close();
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxrwx---"));
        assertThatThrownBy(() -> slots.tryTake(List.of("h1"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("slot folder " + mine + " can be written by others (mode 0770)");
    }

    /** Below a folder another user could change (issue 64): refused naming that folder, nothing made below it. */
    @Test
    void aSlotFolderBelowAFolderOthersCanWriteIsRefusedNamingIt() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path slots = shared.resolve("home/.cache/iperf3j-slots");
        assertThatThrownBy(() -> new HostSlots(slots).prepare()).isInstanceOf(IOException.class)
                .hasMessageStartingWith("slot folder " + slots + ": " + shared + ", above it, can be written by others (mode 0775):"
                        + " another user could swap what is below it; refused");
        assertThatThrownBy(() -> new HostSlots(slots).tryTake(List.of("h1"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(shared + ", above it, can be written by others");
        assertThat(shared).isEmptyDirectory();
    }

    @Test
    void aLockFileThatIsALinkIsNeverFollowed() throws Exception {
        Path slots = dir.resolve("slots");
        new HostSlots(slots).prepare();
        Path target = dir.resolve("made-through-the-link");
        Files.createSymbolicLink(slots.resolve(HostSlots.fileName("h1")), target);
        assertThatThrownBy(() -> new HostSlots(slots).tryTake(List.of("h1"))).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(slots.toString());
        assertThat(target).doesNotExist();
    }

    @Test
    @Tag("root")
    void aSlotFolderOfAnotherUserIsRefused() throws Exception {
        Path theirs = Files.createDirectory(dir.resolve("theirs"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertThatThrownBy(() -> new HostSlots(theirs).prepare()).isInstanceOf(IOException.class)
                .hasMessageStartingWith("slot folder " + theirs + " is owned by nobody, not by ");
    }
}
