package io.iperf3j.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Libc's one call shape ({@code long f(long × 6)}, Libc's {@code WORDS}) relies on, each checked
 * through a function whose C types differ from the shape: a negative {@code int} argument keeps its value, an
 * {@code int} result of -1 is read from the low 32 bits, a variadic argument arrives, a pointer result is an
 * address, an {@code ssize_t} result is whole, and the arguments past a function's own change nothing.
 */
class OneCallShapeTest {
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_CLOEXEC = 02000000;

    private final Libc libc = Libc.get().orElseThrow();

    @TempDir
    Path dir;

    @Test
    void aNegativeIntArgumentAndAnIntResultOfMinusOneKeepTheirValues() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            assertThat(libc.close(state, -1)).isEqualTo(-Libc.EBADF);
            assertThat(libc.listen(state, Integer.MIN_VALUE, 1)).isEqualTo(-Libc.EBADF);
        }
    }

    /** open(2)'s mode is its variadic argument: a file gets it (less the umask) or another one. */
    @Test
    void aVariadicArgumentArrives() throws IOException {
        Path file = dir.resolve("mode");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            int fd = libc.open(state, arena.allocateFrom(file.toString()), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0604);
            assertThat(fd).isGreaterThanOrEqualTo(0);
            assertThat(libc.close(state, fd)).isZero();
        }
        int mode = 0604 & ~umask();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(permissions(mode));
    }

    @Test
    void aPointerResultIsTheStringsAddress() {
        assertThat(libc.strerror(Libc.EBADF)).isEqualTo("Bad file descriptor");
        assertThat(libc.strerror(123_456)).isEqualTo("Unknown error 123456");
    }

    /** write(2) and read(2) on a memfd: whole {@code ssize_t} counts, the bytes where the addresses say. */
    @Test
    void aLongResultAndAddressArgumentsCarryTheData() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            int fd = libc.memfdCreate(state, arena.allocateFrom("one-call-shape"), Libc.MFD_CLOEXEC);
            assertThat(fd).isGreaterThanOrEqualTo(0);
            try {
                MemorySegment out = arena.allocateFrom("seven b");
                assertThat(libc.write(state, fd, out, 7)).isEqualTo(7L);
                MemorySegment in = arena.allocate(16);
                assertThat(libc.read(state, fd, in, 16)).isZero(); // the write left the offset at the end
                // a second open file description of the same file reads from 0
                int again = libc.open(state, arena.allocateFrom("/proc/self/fd/" + fd), O_CLOEXEC, 0);
                assertThat(again).isGreaterThanOrEqualTo(0);
                assertThat(libc.read(state, again, in, 16)).isEqualTo(7L);
                assertThat(in.asSlice(0, 7).toArray(JAVA_BYTE)).isEqualTo("seven b".getBytes());
                assertThat(libc.close(state, again)).isZero();
            } finally {
                libc.close(state, fd);
            }
        }
    }

    @Test
    void theThreadIdIsTheKernels() throws IOException {
        int viaProc = Integer.parseInt(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
        assertThat(libc.gettid()).isEqualTo(viaProc);
    }

    private static int umask() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Umask:"))
                .map(l -> Integer.parseInt(l.substring("Umask:".length()).strip(), 8))
                .findFirst().orElseThrow();
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder s = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            s.append((mode & (1 << bit)) != 0 ? rwx.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }
}
