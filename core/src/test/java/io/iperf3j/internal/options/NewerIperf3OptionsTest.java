package io.iperf3j.internal.options;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.Transport;
import io.iperf3j.internal.options.IperfOptions.ControlKeepalive;
import io.iperf3j.testing.Iperf3Binary;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The options iperf3 3.18 to 3.21 added ({@code --skip-rx-copy}, {@code --gsro},
 * {@code -m}, {@code --cntl-ka}, {@code --json-stream-full-output}, and 3.21's
 * wording of {@code -A}): what they parse to, and, for bad values and wrong roles,
 * the same first line and exit status as the real 3.21 binary gives (run here on the
 * same command line, pointed at a port nothing listens on, and killed if it got past
 * parsing). Fails without the 3.21 build (see {@link Iperf3Binary#V3_21}).
 */
@Tag("peer")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NewerIperf3OptionsTest {
    private static final String C = "-c 127.0.0.1 -p 5998 ";
    private static final String S = "-s -p 5997 ";

    @TempDir
    static Path tmp;

    @BeforeAll
    static void iperf321IsBuilt() {
        Iperf3Binary.V3_21.requireThis();
    }

    private static IperfOptions run(String line) {
        ParseResult r = OptionParser.parse(line.trim().split(" +"));
        assertThat(r).as(line).isInstanceOf(ParseResult.Run.class);
        return ((ParseResult.Run) r).options();
    }

    @Test
    void parsesWhat321Takes() {
        assertThat(run("-c h --skip-rx-copy").skipRxCopy()).isTrue();
        assertThat(run("-c h").skipRxCopy()).isFalse();
        assertThat(run("-c h -u --gsro").gsro()).isTrue();
        assertThat(run("-c h --gsro").gsro()).isTrue(); // 3.21 takes it with TCP too (and ignores it)
        assertThat(run("-c h -m").mptcp()).isTrue();
        assertThat(run("-c h --mptcp").mptcp()).isTrue();
        assertThat(run("-s -m").mptcp()).isTrue();
        // 3.21's -m is set_protocol(Ptcp): the later of -u and -m wins
        assertThat(run("-c h -u -m").protocol()).isEqualTo(Transport.TCP);
        assertThat(run("-c h -m -u").protocol()).isEqualTo(Transport.UDP);
        assertThat(run("-c h --json-stream-full-output").jsonStreamFullOutput()).isTrue();
        assertThat(run("-s --json-stream --json-stream-full-output").jsonStreamFullOutput()).isTrue();
        assertThat(run("-c h --json-stream-full-output").json()).isFalse(); // does not imply -J
        assertThat(run("-c h").controlKeepalive()).isNull();
        assertThat(run("-c h --cntl-ka").controlKeepalive()).isEqualTo(ControlKeepalive.SYSTEM);
        assertThat(run("-s --cntl-ka=30/5/3").controlKeepalive()).isEqualTo(new ControlKeepalive(30, 5, 3));
        assertThat(run("-c h --cntl-ka=30").controlKeepalive()).isEqualTo(new ControlKeepalive(30, 0, 0));
        assertThat(run("-c h --cntl-ka=/5").controlKeepalive()).isEqualTo(new ControlKeepalive(0, 5, 0));
        assertThat(run("-c h --cntl-ka=//4").controlKeepalive()).isEqualTo(new ControlKeepalive(0, 0, 4));
        assertThat(run("-c h --cntl-ka=16/5/3").controlKeepalive()).isEqualTo(new ControlKeepalive(16, 5, 3));
        // the short option takes no argument; a separate word is not its value
        assertThat(run("-c h --cntl-ka 30").controlKeepalive()).isEqualTo(ControlKeepalive.SYSTEM);
        assertThat(run("-c h -A 1,0").affinity()).isEqualTo("1,0");
        assertThat(run("--json-stream-f -s").jsonStreamFullOutput()).isTrue(); // unique prefix
    }

    static Stream<String> badCommandLines() {
        return Stream.of(
                S + "--skip-rx-copy",
                S + "--gsro",
                S + "-u --gsro",
                S + "-m -u",
                C + "--cntl-ka=5/3/2",
                C + "--cntl-ka=6/3/2",
                C + "--cntl-ka=1/1/1",
                S + "--cntl-ka=10/5/2",
                C + "-A 1025",
                C + "-A x",
                C + "-A 1,-1",
                S + "-A 1,0",
                C + "-L 0",
                C + "-L 0x100000",
                C + "--json-stream-full-output=1",
                C + "--skip-rx-copy=1",
                C + "--mptcp=1",
                C + "-m3",
                // not new options: how 3.21 prints any failure (the short usage on stderr)
                C + "-t -1",
                C + "--foo",
                C + "-p",
                "-s -c 127.0.0.1");
    }

    /** 3.21's first line of output for a command line that fails while parsing, and its exit status. */
    @ParameterizedTest
    @MethodSource("badCommandLines")
    void failsLike321(String line) throws Exception {
        List<String> args = line.isBlank() ? List.of() : List.of(line.trim().split(" +"));
        List<String> command = new ArrayList<>();
        command.add(Iperf3Binary.V3_21.path.toString());
        command.addAll(args);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("iperf3 3.21 " + line + " got past parsing");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        String theirs = stderr.lines().findFirst().orElse("");
        for (String name : new String[] {Iperf3Binary.V3_21.path + ": ", "iperf3: "}) {
            if (theirs.startsWith(name)) {
                theirs = "iperf3j: " + theirs.substring(name.length());
            }
        }
        ParseResult ours = OptionParser.parse(args.toArray(String[]::new));
        assertThat(ours).as(line).isInstanceOf(ParseResult.Failure.class);
        ParseResult.Failure f = (ParseResult.Failure) ours;
        assertThat(f.message()).as("first line for %s", line).isEqualTo(theirs);
        assertThat(f.exitCode()).isEqualTo(p.exitValue()).isEqualTo(1);
        // the rest of stderr too (the empty line and the short usage), and nothing on stdout
        String theirRest = stderr.substring(stderr.indexOf('\n') + 1).replace("iperf3 ", "iperf3j ");
        assertThat(f.stderrText()).as("stderr for %s", line).isEqualTo(f.message() + "\n" + theirRest);
        assertThat(Files.readString(out, StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void usageNamesTheNewOptionsAs321Does() {
        String usage = OptionParser.usage();
        assertThat(usage).contains(
                "  --json-stream-full-output output in JSON format with JSON streams enabled\n",
                "  --cntl-ka[=#/#/#]         use control connection TCP keepalive - KEEPIDLE/KEEPINTV/KEEPCNT\n",
                "  -m, --mptcp               use MPTCP rather than plain TCP",
                "  --skip-rx-copy            ignore received messages using MSG_TRUNC option\n",
                "  --gsro                    enable UDP GSO/GRO on both client and server (client-only option)\n",
                "  -A, --affinity n[,m]      set CPU affinity core number to n (the core the process will use)\n");
    }
}
