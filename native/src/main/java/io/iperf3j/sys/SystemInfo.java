package io.iperf3j.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * iperf3's {@code system_info} and the host name.
 *
 * <p>{@link #uname()} is what iperf3's {@code get_system_info()} prints: the
 * five {@code uname(2)} fields sysname, nodename, release, version and machine,
 * joined by single spaces, e.g.
 * {@code Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64}, the same
 * as {@code uname -snrvm}.
 *
 * <p>Sources, in order: on Linux the kernel's own strings from
 * {@code /proc/sys/kernel/{ostype,hostname,osrelease,version}} (the ones {@code uname(2)}
 * returns, read in the caller's UTS namespace as uname reads them; machine from
 * {@code os.arch}); else {@code uname(2)} through FFM; else Java system properties
 * ({@code os.name}, the local host name, {@code os.version}, an empty version,
 * {@code os.arch} with {@code amd64} shown as {@code x86_64}). The files come first
 * because they cost four small reads, where the first FFM call of a JVM costs tens of
 * milliseconds that a short client run waits for (issue 16, start-up).
 */
public final class SystemInfo {

    private SystemInfo() {
    }

    /** {@code "sysname nodename release version machine"}. */
    public static String uname() {
        String[] u = unameFields();
        return String.join(" ", u[0], u[1], u[2], u[3], u[4]);
    }

    /** The node name ({@code uname -n}, the same as {@code gethostname}). */
    public static String hostName() {
        return unameFields()[1];
    }

    /** sysname, nodename, release, version, machine. */
    static String[] unameFields() {
        String[] viaProc = procUname();
        if (viaProc != null) {
            return viaProc;
        }
        String[] viaFfm = Libc.get().map(SystemInfo::nativeUname).orElse(null);
        return viaFfm != null ? viaFfm : propertiesUname();
    }

    static String[] nativeUname(Libc libc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            MemorySegment uts = arena.allocate(Libc.UTSNAME_SIZE);
            if (libc.uname(state, uts) < 0) {
                return null;
            }
            String[] f = new String[5];
            for (int i = 0; i < 5; i++) {
                f[i] = uts.asSlice((long) i * Libc.UTSNAME_FIELD, Libc.UTSNAME_FIELD).getString(0);
            }
            return f;
        }
    }

    static String[] procUname() {
        Path k = Path.of("/proc/sys/kernel");
        try {
            return new String[] {
                    read(k.resolve("ostype")), read(k.resolve("hostname")), read(k.resolve("osrelease")),
                    read(k.resolve("version")), machine()};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).strip();
    }

    private static String[] propertiesUname() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            host = "localhost";
        }
        return new String[] {
                System.getProperty("os.name", "unknown"), host, System.getProperty("os.version", ""), "",
                machine()};
    }

    private static String machine() {
        String arch = System.getProperty("os.arch", "unknown");
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "amd64" -> "x86_64";
            case "x86" -> "i686";
            default -> arch;
        };
    }
}
