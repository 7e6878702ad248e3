package io.iperf3j.report.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iperf3j.internal.format.UnitFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The page's unit formatter ({@code units.js}, the resource the page inlines) run under node over a table of
 * values, every string compared with core's {@link UnitFormat}, iperf3's {@code unit_snprintf}: the page and
 * iperf3j's text output must write the same number the same way (issue 27). Node is required, as Chromium is for
 * the browser tests: a machine without it fails here rather than skipping.
 */
@Tag("tool")
@Tag("browser")
@Timeout(120)
class UnitsScriptParityTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RATE_LETTERS = "bkmgt";
    private static final String BYTE_LETTERS = "BKMGT";

    /** Loads units.js as a browser would (a plain script defining the global iperf3jUnits) and answers each case. */
    private static final String HARNESS = """
            'use strict';
            const fs = require('fs'), vm = require('vm');
            vm.runInThisContext(fs.readFileSync(process.argv[2], 'utf8'), { filename: 'units.js' });
            const u = globalThis.iperf3jUnits;
            const out = JSON.parse(fs.readFileSync(process.argv[3], 'utf8')).map(function (c) {
              const v = Number(c.v);
              switch (c.k) {
                case 'rate': return u.rate(v);
                case 'bytes': return u.bytes(v);
                case 'rateAxis': { const a = u.rateAxis(Number(c.max)); return u.number(a.scale(v)) + ' ' + a.label; }
                case 'byteAxis': { const a = u.byteAxis(Number(c.max)); return u.number(a.scale(v)) + ' ' + a.label; }
                case 'format': return u.format(v, c.fmt);
                case 'ms': return u.ms(v);
                default: throw new Error('unknown case ' + c.k);
              }
            });
            fs.writeFileSync(process.argv[4], JSON.stringify(out));
            """;

    private record Case(String kind, double value, double max, char fmt, String expected) {
        @Override
        public String toString() {
            return switch (kind) {
                case "rateAxis", "byteAxis" -> kind + "(max " + max + ") of " + value;
                case "format" -> "format(" + value + ", '" + fmt + "')";
                case "ms" -> "ms(" + value + " µs)";
                default -> kind + "(" + value + ")";
            };
        }
    }

    static Path node() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "node");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return fail("node is needed for the report's script tests (the build does not need it):"
                + " apt-get install nodejs (.ci/run installs it)");
    }

    /** The values of the table: the edges of iperf3's unit and precision switches, ties, extremes, and a seeded spread. */
    static List<Double> values() {
        List<Double> v = new ArrayList<>(List.of(0.0, Double.MIN_VALUE, 1e-300, 1e-9, 0.001, 0.004999, 0.005, 0.125, 0.5, 1.0,
                1.125, 1.5, 9.994, 9.994999999, 9.995, 9.995000001, 10.0, 10.25, 10.75, 99.94, 99.949999, 99.95, 99.950001,
                100.0, 100.5, 101.5, 999.4999, 999.5, 999.9999, 1000.0, 1023.99, 1024.0, 1e6 - 1, 1e6, 1e9, 1e12, 1e15, 1e18,
                (double) Long.MAX_VALUE, (double) (1L << 53) + 2, 1e21, 1e25, 1e300, Double.MAX_VALUE, -1.0, -1500.0,
                -0.0, Double.POSITIVE_INFINITY));
        // the switches at every unit, in bits (1000s) and bytes (1024s), and their neighbouring doubles
        double[] mantissas = {1.0, 1.125, 9.995, 10.25, 99.95, 100.5, 999.5, 1000.0, 1023.99, 1024.0};
        for (double base : new double[] {1000, 1024}) {
            for (int i = 0; i <= 5; i++) {
                for (double m : mantissas) {
                    double x = m * Math.pow(base, i);
                    v.add(x);
                    v.add(Math.nextUp(x));
                    v.add(Math.nextDown(x));
                }
            }
        }
        SplittableRandom random = new SplittableRandom(27);
        for (int i = 0; i < 2000; i++) {
            v.add((double) (random.nextLong() >>> random.nextInt(1, 64))); // whole bytes and bit rates of any size
            v.add(Math.pow(10, random.nextDouble(-3, 16)));                // fractional ones
        }
        return v;
    }

    private static char letter(String letters, String unitText) {
        String[] words = unitText.strip().split(" ");
        String label = words[words.length - 1];
        for (int i = letters.length() - 1; i > 0; i--) {
            if (Character.toUpperCase(label.charAt(0)) == Character.toUpperCase(letters.charAt(i))) {
                return letters.charAt(i);
            }
        }
        return letters.charAt(0);
    }

    /** UnitFormat.format itself, every format letter (lower case bits, upper case bytes, 'x' adaptive). */
    static List<Case> formatCases() {
        List<Case> cases = new ArrayList<>();
        for (double v : values()) {
            for (char f : "abkmgtABKMGTx".toCharArray()) {
                cases.add(new Case("format", v, 0, f, UnitFormat.format(v, f)));
            }
        }
        return cases;
    }

    /**
     * The page's forms with core's string: rates as iperf3's bits ('a', the value in bytes), sizes as bytes ('A'),
     * round-trip times in ms as --latency's text prints them.
     */
    static List<Case> pageCases() {
        List<Case> cases = new ArrayList<>(msCases());
        List<Double> values = values();
        for (double v : values) {
            cases.add(new Case("rate", v, 0, 'a', UnitFormat.format(v / 8, 'a').strip() + "s/sec"));
            cases.add(new Case("bytes", v, 0, 'A', UnitFormat.format(v, 'A').strip() + "s"));
        }
        // a chart's tooltip: the value in the unit its axis took from the chart's largest value (iperf3's -f k, -f M, ...)
        double[] maxima = {0.5, 999.0, 1500.0, 2.5e6, 8e9, 9.5e12, 3e15};
        for (double max : maxima) {
            char r = letter(RATE_LETTERS, UnitFormat.format(max / 8, 'a'));
            char b = letter(BYTE_LETTERS, UnitFormat.format(max, 'A'));
            for (int i = 0; i < values.size(); i += 7) {
                double v = values.get(i);
                cases.add(new Case("rateAxis", v, max, r, UnitFormat.format(v / 8, r).strip() + "s/sec"));
                cases.add(new Case("byteAxis", v, max, b, UnitFormat.format(v, b).strip() + "s"));
            }
        }
        return cases;
    }

    /**
     * The round-trip times of {@code --latency} in µs: each precision switch (1 ms, 100 ms) and its neighbours,
     * exact binary ties at each precision (1125 µs is 1.125 ms exactly), the decimal ties that are not exact
     * (1005 µs is just under 1.005 ms), sub-µs values, large ones and a seeded spread.
     */
    static List<Double> microsValues() {
        List<Double> v = new ArrayList<>(List.of(0.0, -0.0, 2.5, 0.5, 1.0, 62.5, 125.0, 999.4, 999.5, 999.9999, 1000.0,
                1005.0, 1015.0, 1025.0, 1125.0, 1375.0, 9995.0, 10_005.0, 99_994.9, 99_995.0, 99_999.0, 100_000.0, 100_050.0,
                100_250.0, 1_000_050.0, 3.6e9, 1e15, 1e21, 1e300, -1005.0, -1125.0));
        for (double x : new double[] {1000.0, 100_000.0}) {
            v.add(Math.nextUp(x));
            v.add(Math.nextDown(x));
        }
        SplittableRandom random = new SplittableRandom(27);
        for (int i = 0; i < 2000; i++) {
            v.add((double) random.nextLong(0, 10_000_000));                 // whole µs up to 10 s
            v.add(random.nextLong(0, 2_000_000) / 8.0);                     // eighths of a µs: exact ties
            v.add(Math.pow(10, random.nextDouble(-2, 9)));                  // fractional ones of any size
        }
        return v;
    }

    /** The page's ms (latency verdict, phases table, RTT tooltips) with core's string, as --latency prints it. */
    static List<Case> msCases() {
        return microsValues().stream().map(v -> new Case("ms", v, 0, 'x', UnitFormat.ms(v))).toList();
    }

    private static List<String> runNode(List<Case> cases, Path dir) throws Exception {
        Path units = dir.resolve("units.js");
        Files.writeString(units, PageWriter.resource("units.js"), StandardCharsets.UTF_8);
        Path harness = dir.resolve("harness.js");
        Files.writeString(harness, HARNESS, StandardCharsets.UTF_8);
        ArrayNode in = MAPPER.createArrayNode();
        for (Case c : cases) {
            // as Java's shortest round-trip text, which JavaScript's Number() reads back to the same double
            ObjectNode o = in.addObject().put("k", c.kind()).put("v", Double.toString(c.value()));
            o.put("max", Double.toString(c.max())).put("fmt", String.valueOf(c.fmt()));
        }
        Path input = dir.resolve("cases.json");
        Path output = dir.resolve("out.json");
        MAPPER.writeValue(input.toFile(), in);
        Path log = dir.resolve("node.log");
        Process p = new ProcessBuilder(node().toString(), harness.toString(), units.toString(), input.toString(), output.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("node did not finish in 60 s");
        }
        assertThat(p.exitValue()).as("node's exit status; output:\n" + Files.readString(log)).isZero();
        JsonNode out = MAPPER.readTree(output.toFile());
        List<String> strings = new ArrayList<>();
        out.forEach(s -> strings.add(s.asText()));
        return strings;
    }

    private static void assertSame(List<Case> cases, List<String> page) {
        assertThat(page).as("one answer per case").hasSize(cases.size());
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (!cases.get(i).expected().equals(page.get(i))) {
                differ.add(cases.get(i) + ": page '" + page.get(i) + "', core '" + cases.get(i).expected() + "'");
            }
        }
        assertThat(differ.subList(0, Math.min(40, differ.size())))
                .as(differ.size() + " of " + cases.size() + " strings differ; the first ones").isEmpty();
    }

    /** units.js's format is core's UnitFormat.format, string for string, padding included. */
    @Test
    void formatIsCoresUnitFormat(@TempDir Path dir) throws Exception {
        List<Case> cases = formatCases();
        assertThat(cases).hasSizeGreaterThan(50_000);
        assertSame(cases, runNode(cases, dir));
    }

    /** The page's rates, sizes, tooltip values and latency ms are core's strings. */
    @Test
    void pageFormatsAsCore(@TempDir Path dir) throws Exception {
        List<Case> cases = pageCases();
        assertThat(cases).hasSizeGreaterThan(14_000);
        assertThat(cases).filteredOn(c -> c.kind().equals("ms")).hasSizeGreaterThan(6_000);
        assertSame(cases, runNode(cases, dir));
    }

    /**
     * The values where the page's first formatters (JavaScript's toFixed on a quotient) and iperf3 differed, with
     * iperf3's strings written out: glibc rounds exact ties to even, and iperf3 multiplies by 1/1000^n, so
     * 99,950,000 bits/s is just under 99.95 Mbit/s. The ms of --latency too: 1005 µs is 1.00499999... ms ("1.00";
     * core's String.format wrote "1.01"), 1125 µs is exactly 1.125 ms ("1.12"; toFixed wrote "1.13"). Core agrees
     * (asserted too), so this pins both.
     */
    @Test
    void iperf3sRoundingOfTheCasesThatDiffered(@TempDir Path dir) throws Exception {
        List<Case> cases = List.of(
                new Case("bytes", 1152, 0, 'A', "1.12 KBytes"),
                new Case("bytes", 10496, 0, 'A', "10.2 KBytes"),
                new Case("bytes", 102912, 0, 'A', "100 KBytes"),
                new Case("rate", 1125, 0, 'a', "1.12 Kbits/sec"),
                new Case("rate", 1.025e10, 0, 'a', "10.2 Gbits/sec"),
                new Case("rate", 99_950_000, 0, 'a', "99.9 Mbits/sec"),
                new Case("rate", 9.995e11, 0, 'a', "999 Gbits/sec"),
                new Case("rate", 1e30, 0, 'a', "999999999999999744 Tbits/sec"),
                new Case("ms", 0, 0, 'x', "0.000"),
                new Case("ms", 2.5, 0, 'x', "0.003"),
                new Case("ms", 62.5, 0, 'x', "0.062"),
                new Case("ms", 999.5, 0, 'x', "1.000"),
                new Case("ms", 1005, 0, 'x', "1.00"),
                new Case("ms", 1015, 0, 'x', "1.01"),
                new Case("ms", 1125, 0, 'x', "1.12"),
                new Case("ms", 1375, 0, 'x', "1.38"),
                new Case("ms", 100_250, 0, 'x', "100.2"),
                new Case("ms", 3.6e9, 0, 'x', "3600000.0"),
                new Case("ms", 1e24, 0, 'x', "1000000000000000000000.0"),
                new Case("format", 1e300, 0, 'B', UnitFormat.format(1e300, 'B')));
        for (Case c : cases.subList(0, cases.size() - 1)) {
            String core = switch (c.kind()) {
                case "rate" -> UnitFormat.format(c.value() / 8, 'a').strip() + "s/sec";
                case "ms" -> UnitFormat.ms(c.value());
                default -> UnitFormat.format(c.value(), 'A').strip() + "s";
            };
            assertThat(core).as("core: " + c).isEqualTo(c.expected());
        }
        assertThat(cases.getLast().expected()).as("no exponent form").doesNotContain("e+").hasSizeGreaterThan(300);
        assertSame(cases, runNode(cases, dir));
    }
}
