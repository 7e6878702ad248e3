package io.iperf3j.link.fuzz;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded fuzz run of every build (core's pattern): seeded random mutations of the Jazzer seeds
 * of each target; a failure prints the input in hex and repeats with the same seed.
 */
@Timeout(120)
class FuzzSmokeTest {
    private static final int INPUTS = 30_000;
    private static final long SEED = 0x11A4C0DEL;
    private static final int[] INTERESTING = {0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0xFFFF, 0x8000, 9, 10, 20, 255, 1400};

    @ParameterizedTest
    @ValueSource(strings = {"datagram", "connection", "probeRequest"})
    void seededMutationsFindNothing(String target) throws Exception {
        Consumer<byte[]> run = switch (target) {
            case "datagram" -> FuzzTargets::datagram;
            case "probeRequest" -> FuzzTargets::probeRequest;
            default -> FuzzTargets::connection;
        };
        List<byte[]> seeds = new ArrayList<>();
        var url = FuzzSmokeTest.class.getResource("LinkFuzzTestInputs/" + target);
        assertThat(url).as("seed directory of %s", target).isNotNull();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path f : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(f));
            }
        }
        assertThat(seeds).isNotEmpty();
        SplittableRandom r = new SplittableRandom(SEED ^ target.hashCode());
        for (byte[] s : seeds) {
            runOne(run, s, target);
        }
        for (int i = 0; i < INPUTS; i++) {
            runOne(run, mutate(seeds.get(r.nextInt(seeds.size())), seeds, r), target);
        }
    }

    private static void runOne(Consumer<byte[]> run, byte[] input, String target) {
        try {
            run.accept(input.clone());
        } catch (Throwable t) {
            throw new AssertionError(target + " failed on input " + HexFormat.of().formatHex(input), t);
        }
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, SplittableRandom r) {
        byte[] b = seed.clone();
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
            switch (r.nextInt(6)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> {
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    }
                }
                case 2 -> {
                    if (b.length >= 2) {
                        int at = r.nextInt(b.length - 1);
                        int v = INTERESTING[r.nextInt(INTERESTING.length)];
                        b[at] = (byte) (v >>> 8);
                        b[at + 1] = (byte) v;
                    }
                }
                case 3 -> {
                    if (b.length > 0) {
                        b = Arrays.copyOf(b, r.nextInt(b.length));
                    }
                }
                case 4 -> {
                    byte[] other = seeds.get(r.nextInt(seeds.size()));
                    byte[] out = Arrays.copyOf(b, b.length + other.length);
                    System.arraycopy(other, 0, out, b.length, other.length);
                    b = out;
                }
                default -> {
                    int at = r.nextInt(b.length + 1);
                    byte[] ins = new byte[1 + r.nextInt(8)];
                    r.nextBytes(ins);
                    byte[] out = new byte[b.length + ins.length];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(ins, 0, out, at, ins.length);
                    System.arraycopy(b, at, out, at + ins.length, b.length - at);
                    b = out;
                }
            }
        }
        return b;
    }
}
