package io.iperf3j.internal.format;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.sys.testing.CLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Differential test against iperf3 3.12's own {@code unit_snprintf}, called
 * through the FFM API in {@code libiperf.so.0} (installed with iperf3 on this
 * machine; the test is reported as skipped elsewhere, the tables in
 * {@link UnitFormatTest} still run).
 */
class RealUnitSnprintfTest {

    private static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/libiperf.so.0");

    @Test
    void matchesRealUnitSnprintf() throws Throwable {
        Assumptions.assumeTrue(Files.exists(LIB), "iperf3 3.12's libiperf.so.0 is not installed");
        try (Arena arena = Arena.ofConfined()) {
            CLibrary lib = CLibrary.open(LIB, arena);
            // 3.12: unit_snprintf(char *s, int len, double value, char fmt). A trailing int precision
            // (-1 = classic layout, added in later versions) is passed too; on x86-64 a callee that does
            // not take it ignores the extra register.
            MethodHandle unitSnprintf = lib.function("unit_snprintf",
                    FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_DOUBLE, JAVA_BYTE, JAVA_INT));
            MemorySegment buf = arena.allocate(64);
            SplittableRandom r = new SplittableRandom(8080);
            String formats = "aAkmgtKMGTbB";
            int compared = 0;
            for (int i = 0; i < 200_000; i++) {
                double v = switch (r.nextInt(5)) {
                    case 0 -> r.nextDouble() * Math.pow(10, r.nextInt(0, 16));
                    case 1 -> r.nextLong(1L << 50);
                    case 2 -> edgeValue(r);
                    case 3 -> r.nextInt(2000) / 8.0;
                    default -> r.nextDouble() * Math.pow(2, r.nextInt(0, 52));
                };
                char fmt = formats.charAt(r.nextInt(formats.length()));
                unitSnprintf.invokeExact(buf, 64, v, (byte) fmt, -1);
                String real = buf.getString(0);
                assertThat(UnitFormat.format(v, fmt)).as("%s '%s'", v, fmt).isEqualTo(real);
                compared++;
            }
            assertThat(compared).isEqualTo(200_000);
        }
    }

    /** Values right at the switch points: 9.995, 99.95, 999.5 and 1000/1024 of each unit. */
    private static double edgeValue(SplittableRandom r) {
        double[] points = {9.995, 99.95, 999.5, 1000, 1024};
        double point = points[r.nextInt(points.length)];
        double unit = r.nextBoolean() ? Math.pow(1024, r.nextInt(5)) : Math.pow(1000, r.nextInt(5)) / 8;
        double x = point * unit;
        long bits = Double.doubleToLongBits(x) + r.nextInt(-3, 4);
        return Double.longBitsToDouble(bits);
    }
}
