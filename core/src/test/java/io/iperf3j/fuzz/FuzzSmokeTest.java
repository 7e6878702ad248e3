package io.iperf3j.fuzz;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded fuzz run of every build: for each target of {@link FuzzTargets}, a
 * fixed number of inputs made from its Jazzer seeds by seeded random mutation (bit
 * flips, byte changes, inserted and deleted runs, splices, interesting integers at
 * length fields, random bytes). The seed of the generator is fixed, so a failure
 * repeats; the input that failed is printed in hex. Jazzer's coverage-guided
 * fuzzing is the long run ({@link ControlReaderFuzzTest}).
 */
class FuzzSmokeTest {
    private static final int INPUTS = 40_000;
    private static final long SEED = 0x1BE23F3L;
    private static final int[] INTERESTING = {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 8191, 8192, 8193,
            0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 16, 12, 4, 37};

    @ParameterizedTest
    @ValueSource(strings = {"controlReader", "parameters", "parametersStructured", "udpDatagrams", "ancillaryData", "qdiscMessages", "iperfJson", "tokenBlock"})
    void seededMutationsFindNothing(String target) throws Exception {
        Consumer<byte[]> run = switch (target) {
            case "controlReader" -> FuzzTargets::controlReader;
            case "parameters" -> FuzzTargets::parameters;
            case "parametersStructured" -> FuzzTargets::parametersStructured;
            case "udpDatagrams" -> FuzzTargets::udpDatagrams;
            case "ancillaryData" -> FuzzTargets::ancillaryData;
            case "qdiscMessages" -> FuzzTargets::qdiscMessages;
            case "iperfJson" -> FuzzTargets::iperfJson;
            case "tokenBlock" -> FuzzTargets::tokenBlock;
            default -> throw new IllegalArgumentException(target);
        };
        List<byte[]> seeds = seeds(target);
        assertThat(seeds).as("seed corpus of %s", target).isNotEmpty();
        SplittableRandom random = new SplittableRandom(SEED ^ target.hashCode());
        for (byte[] seed : seeds) {
            runOne(run, seed, target);
        }
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), seeds, random);
            runOne(run, input, target);
        }
    }

    private static void runOne(Consumer<byte[]> run, byte[] input, String target) {
        try {
            run.accept(input.clone());
        } catch (Throwable t) {
            throw new AssertionError(target + " failed on input " + java.util.HexFormat.of().formatHex(input), t);
        }
    }

    static List<byte[]> seeds(String target) throws IOException, URISyntaxException {
        var url = FuzzSmokeTest.class.getResource("ControlReaderFuzzTestInputs/" + target);
        assertThat(url).as("seed directory of %s", target).isNotNull();
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            for (Path f : files.sorted().toList()) {
                out.add(Files.readAllBytes(f));
            }
        }
        return out;
    }

    static byte[] mutate(byte[] seed, List<byte[]> seeds, SplittableRandom r) {
        byte[] b = seed.clone();
        int rounds = 1 + r.nextInt(4);
        for (int k = 0; k < rounds; k++) {
            switch (r.nextInt(8)) {
                case 0 -> { // flip a bit
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                    }
                }
                case 1 -> { // set a byte
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    }
                }
                case 2 -> { // insert random bytes
                    int at = r.nextInt(b.length + 1);
                    byte[] ins = new byte[1 + r.nextInt(16)];
                    r.nextBytes(ins);
                    b = splice(b, at, at, ins);
                }
                case 3 -> { // delete a run
                    if (b.length > 0) {
                        int at = r.nextInt(b.length);
                        int n = 1 + r.nextInt(Math.min(32, b.length - at));
                        b = splice(b, at, at + n, new byte[0]);
                    }
                }
                case 4 -> { // an interesting int32 at a random place (length fields, sequence numbers)
                    if (b.length >= 4) {
                        int at = r.nextInt(b.length - 3);
                        int v = INTERESTING[r.nextInt(INTERESTING.length)];
                        b[at] = (byte) (v >>> 24);
                        b[at + 1] = (byte) (v >>> 16);
                        b[at + 2] = (byte) (v >>> 8);
                        b[at + 3] = (byte) v;
                    }
                }
                case 5 -> { // splice in part of another seed
                    byte[] other = seeds.get(r.nextInt(seeds.size()));
                    if (other.length > 0) {
                        int from = r.nextInt(other.length);
                        int to = from + r.nextInt(other.length - from) + 1;
                        int at = r.nextInt(b.length + 1);
                        b = splice(b, at, at, java.util.Arrays.copyOfRange(other, from, to));
                    }
                }
                case 6 -> { // truncate
                    if (b.length > 0) {
                        b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                    }
                }
                default -> { // a JSON-ish token at a random place
                    String[] tokens = {"\"", "{", "}", "[", "]", ",", ":", "true", "null", "-1", "1e308",
                            "18446744073709551615", "\\u0000", "\"parallel\":", "\"len\":"};
                    byte[] t = tokens[r.nextInt(tokens.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    int at = r.nextInt(b.length + 1);
                    b = splice(b, at, at, t);
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] ins) {
        byte[] out = new byte[b.length - (to - from) + ins.length];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(ins, 0, out, from, ins.length);
        System.arraycopy(b, to, out, from + ins.length, b.length - to);
        return out;
    }
}
