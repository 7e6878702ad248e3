package io.iperf3j.internal.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.iperf3j.testing.Iperf3Binary;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the real iperf3 3.12 ({@code /usr/bin/iperf3}) on command lines that fail
 * while it parses them, before any network I/O, and checks that iperf3j fails the
 * same way: same first line (with the program name {@code iperf3j}) and same exit
 * status (where the usage goes is 3.21's, see {@link ParseResult.Failure}). Client cases point at
 * 127.0.0.1:5999 and server cases at port 5990, so a case that unexpectedly got past
 * parsing would find nothing to connect to; it is killed after a few seconds and the
 * test fails.
 *
 * <p>This test needs iperf3 3.12 installed and fails (it does not skip) without it.
 */
@Tag("peer")
class Iperf3ComparisonTest {
    private static final Path IPERF3 = Iperf3Binary.PATH;
    private static final String C = "-c 127.0.0.1 -p 5999 ";
    private static final String S = "-s -p 5990 ";

    @TempDir
    static Path tmp;

    @BeforeAll
    static void iperf3IsInstalled() throws Exception {
        Iperf3Binary.require();
        Result version = runIperf3(List.of("-v"));
        assertThat(version.stdout())
                .as("these comparisons were written against iperf3 3.12")
                .startsWith("iperf 3.12 ");
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    private static Result runIperf3(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(IPERF3.toString());
        command.addAll(args);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.put("LC_ALL", "C"); // glibc translates getopt's messages
        env.put("LANG", "C");
        env.remove("LANGUAGE");
        env.remove("IPERF3_PASSWORD");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            fail("iperf3 %s did not stop while parsing its arguments", args);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** iperf3's line with its program name (getopt prints argv[0]) replaced by iperf3j. */
    private static String asIperf3j(String line) {
        for (String name : new String[] {IPERF3 + ": ", "iperf3: "}) {
            if (line.startsWith(name)) {
                return "iperf3j: " + line.substring(name.length());
            }
        }
        return line;
    }

    static Stream<String> badCommandLines() {
        return Stream.of(
                "",
                "--foo",
                "--foo=bar " + S,
                "-c",
                S + "--port",
                "-x",
                S + "-W",
                "--ver",
                C + "--b 1",
                S + "--json=1",
                S + "--one=1",
                C + "-d3",
                S + "-t 5",
                S + "-A 1,2",
                C + "-D",
                C + "-1",
                S + "-c 127.0.0.1",
                C + "-s",
                C + "-n 1 -t 1",
                C + "-t 0 -n 5",
                "-n 1 -k 1",
                "-s -p 0",
                "-p 0 --foo",
                "--foo -p 0",
                C + "-P 200 -p 0",
                C + "--cport 0",
                S + "-f x",
                S + "-i 61",
                S + "-i 0.09999",
                C + "-P 129",
                C + "-l 2M",
                C + "-l -1",
                C + "-u -l 15",
                C + "-l 15 -u",
                C + "-u -l 1048576",
                C + "-R --bidir",
                C + "--bidir -R",
                C + "-w 513M",
                C + "-M 9217",
                C + "-O 61",
                C + "-O -1",
                C + "-b 1M/0",
                C + "-b 1M/1001",
                C + "-S 256",
                C + "-S abc",
                C + "--dscp 64",
                C + "--dscp foo",
                C + "--dscp 63x",
                C + "-L 0",
                C + "-L 0x100000",
                C + "-A abc",
                C + "-A 1,1025",
                C + "--rcv-timeout 1000",
                C + "-R --rcv-timeout 99",
                C + "--snd-timeout 86400001",
                C + "--username u",
                C + "--rsa-public-key-path k",
                C + "--rsa-private-key-path k --rcv-timeout 1000",
                C + "--rcv-timeout 1000 --username x",
                C + "--time-skew-threshold 5 --username u",
                C + "--time-skew-threshold 5 --rcv-timeout 1000",
                C + "-D --username u",
                C + "--bidir --rcv-timeout=1000 -u -l 2",
                S + "--username u",
                S + "--rsa-private-key-path k",
                S + "--authorized-users-path u",
                S + "--idle-timeout 0",
                S + "--idle-timeout 86401",
                S + "--time-skew-threshold 0",
                S + "--server-bitrate-limit 1/61",
                S + "--rcv-timeout 99",
                "-J " + C + "-n 1 -k 1",
                "-D -u");
    }

    @ParameterizedTest(name = "iperf3 {0}")
    @MethodSource("badCommandLines")
    void failsLikeIperf3(String line) throws Exception {
        List<String> args = line.isBlank() ? List.of() : Arrays.asList(line.trim().split(" +"));
        Result iperf3 = runIperf3(args);
        ParseResult ours = OptionParser.parse(args.toArray(String[]::new));

        assertThat(ours).as("iperf3j result").isInstanceOf(ParseResult.Failure.class);
        ParseResult.Failure failure = (ParseResult.Failure) ours;
        String[] iperf3Err = iperf3.stderr().split("\n", -1);
        assertThat(failure.message()).isEqualTo(asIperf3j(iperf3Err[0]));
        assertThat(failure.exitCode()).isEqualTo(iperf3.exitCode()).isEqualTo(1);
        assertThat(failure.showUsage()).isTrue();

        if (iperf3Err[0].contains("parameter error - ")) {
            // 3.12: message and an empty line on stderr, the long usage on stdout
            assertThat(iperf3.stderr()).isEqualTo(iperf3Err[0] + "\n\n");
            assertThat(iperf3.stdout()).startsWith("Usage: iperf3 [-s|-c host] [options]\n");
            assertThat(failure.isParameterError()).isTrue();
        } else {
            // 3.12 getopt: message and the long usage on stderr, nothing on stdout
            assertThat(iperf3Err[1]).isEqualTo("Usage: iperf3 [-s|-c host] [options]");
            assertThat(iperf3.stdout()).isEmpty();
            assertThat(failure.isParameterError()).isFalse();
        }
        // iperf3j prints either kind as 3.21 does: all on stderr, the short usage (NewerIperf3OptionsTest);
        // a line with -J gets the error as JSON on stdout instead (3.12 has no JSON here: the usage above)
        if (args.contains("-J")) {
            assertThat(failure.output().json()).isTrue();
            assertThat(failure.stderrText()).isEmpty();
        } else {
            assertThat(failure.stderrText()).isEqualTo(failure.message() + "\n\n" + ParseResult.Failure.SHORT_USAGE);
        }
    }

    /** Every line of 3.12's usage is in ours (program name aside), except the ones iperf3j changes on purpose. */
    @Test
    void usageKeepsIperf3sLines() throws Exception {
        Result help = runIperf3(List.of("--help"));
        assertThat(help.exitCode()).isZero();
        // iperf3j keeps the SCTP and -F lines with a note, has 3.21's -A line and drops upstream's bug address
        Map<String, String> changed = Map.of(
                "  --sctp                    use SCTP rather than TCP",
                "  --sctp                    use SCTP rather than TCP (not supported)",
                "  -X, --xbind <name>        bind SCTP association to links",
                "  -X, --xbind <name>        bind SCTP association to links (not supported)",
                "  --nstreams      #         number of SCTP streams",
                "  --nstreams      #         number of SCTP streams (not supported)",
                "  -F, --file name           xmit/recv the specified file",
                "  -F, --file name           xmit/recv the specified file (not supported)",
                "  -A, --affinity n/n,m      set CPU affinity",
                // 3.21's wording: iperf3j sets it now
                "  -A, --affinity n[,m]      set CPU affinity core number to n (the core the process will use)");
        String ours = OptionParser.usage();
        assertThat(ours).doesNotContain("Report bugs to:");
        List<String> ourLines = List.of(ours.split("\n"));
        int from = 0;
        for (String line : help.stdout().split("\n")) {
            if (line.startsWith("Report bugs to:")) {
                continue;
            }
            String expected = changed.getOrDefault(line, line.replace("iperf3 [", "iperf3j ["));
            int at = ourLines.subList(from, ourLines.size()).indexOf(expected);
            assertThat(at).as("iperf3 usage line missing or out of order in iperf3j's: %s", line).isNotNegative();
            from += at + 1;
        }
    }
}
