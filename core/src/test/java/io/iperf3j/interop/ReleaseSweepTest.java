package io.iperf3j.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.EnginePeer;
import io.iperf3j.testing.FreePorts;
import io.iperf3j.testing.Iperf3Binary;
import io.iperf3j.testing.Iperf3Process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * esnet's own release sweep ({@code test_commands.sh} in the 3.21 tarball, which
 * {@code .ci/run} puts next to the 3.21 build) in both directions: each client command
 * by the 3.21 client against an iperf3j server, and by the iperf3j client against a
 * 3.21 server. The commands are read from the script as esnet wrote them ({@code $host}
 * becomes {@code 127.0.0.1}, or {@code ::1} for the {@code -6} lines since a
 * Debian {@code /etc/hosts} may not give {@code localhost} an IPv6 address; a port is added). Left out, and said in the test names:
 * SCTP (neither build here has it) and {@code -A 2/2} (CPU 2 does not exist on a
 * 2-core machine; iperf3 itself fails there). The sweep's conflicting-flags line must
 * fail on both sides with the same message.
 */
@Tag("peer")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(900)
class ReleaseSweepTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(3);

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    record Command(String line, List<String> args, String skipReason, boolean mustFail) {
        long seconds() {
            int i = args.indexOf("-t");
            return i >= 0 ? Long.parseLong(args.get(i + 1)) : 10;
        }
    }

    static List<Command> sweep() throws IOException {
        Path script = Iperf3Binary.V3_21.path.getParent().getParent().resolve("test_commands.sh");
        assertThat(script).as("esnet's test_commands.sh next to the 3.21 build (.ci/run extracts it)").exists();
        List<Command> out = new ArrayList<>();
        for (String line : Files.readAllLines(script)) {
            String l = line.trim();
            if (!l.startsWith("./src/iperf3 ")) {
                continue;
            }
            List<String> args = new ArrayList<>();
            boolean v6 = l.contains(" -6 ");
            for (String w : l.substring("./src/iperf3 ".length()).split("\\s+")) {
                args.add(w.replace("\"$host\"", v6 ? "::1" : "127.0.0.1").replace("\"", ""));
            }
            String skip = args.contains("--sctp") ? "SCTP: not built into either peer here"
                    : args.contains("-A") ? "-A 2/2: no CPU 2 on a 2-core machine" : null;
            boolean conflicting = args.contains("-n") && args.contains("-t");
            out.add(new Command(l, args, skip, conflicting));
        }
        assertThat(out).as("commands in test_commands.sh").hasSizeGreaterThan(30);
        return out;
    }

    @TestFactory
    Stream<DynamicTest> client321AgainstOurServer() throws IOException {
        Iperf3Binary.V3_21.requireThis();
        return run(true);
    }

    @TestFactory
    Stream<DynamicTest> ourClientAgainstServer321() throws IOException {
        Iperf3Binary.V3_21.requireThis();
        return run(false);
    }

    private Stream<DynamicTest> run(boolean realClient) throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Command c : sweep()) {
            String name = (realClient ? "iperf3 3.21 -> iperf3j: " : "iperf3j -> iperf3 3.21: ") + String.join(" ", c.args())
                    + (c.skipReason() != null ? " [left out: " + c.skipReason() + "]" : "");
            if (c.skipReason() != null) {
                // Reported in the name; nothing to run (not a silent skip: the list is fixed above).
                tests.add(DynamicTest.dynamicTest(name, () -> assertThat(c.skipReason()).isNotBlank()));
                continue;
            }
            CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> runOne(c, realClient), pool);
            tests.add(DynamicTest.dynamicTest(name, () -> {
                String problem = f.join();
                assertThat(problem).as(name).isEmpty();
            }));
        }
        return tests.stream();
    }

    /** Runs one command; returns "" when it behaved, else what went wrong. */
    private static String runOne(Command c, boolean realClient) {
        int port = FreePorts.next();
        List<String> serverArgs = List.of("-s", "-1", "-p", Integer.toString(port));
        List<String> clientArgs = new ArrayList<>(c.args());
        clientArgs.addAll(List.of("-p", Integer.toString(port)));
        List<String> serverCmd = realClient ? EnginePeer.command(serverArgs) : withBinary(serverArgs);
        List<String> clientCmd = realClient ? withBinary(clientArgs) : EnginePeer.command(clientArgs);
        try (Iperf3Process server = Iperf3Process.start(serverCmd)) {
            if (!server.awaitListening(port, Duration.ofSeconds(20))) {
                return "server did not listen: " + server.stdout() + server.stderr();
            }
            try (Iperf3Process client = Iperf3Process.start(clientCmd)) {
                Duration deadline = Duration.ofSeconds(c.seconds() + 10);
                // An iperf3j client's deadline starts once its JVM runs (see EnginePeer.STARTED).
                if (!realClient && !client.awaitStderr(EnginePeer.STARTED, Duration.ofSeconds(30))) {
                    return "the iperf3j client's JVM did not start in 30 s\n" + client.stderr();
                }
                int status = client.waitFor(deadline);
                String out = client.stdout() + client.stderr();
                if (status == -1) {
                    return "client ran past its deadline of " + deadline.toSeconds() + " s\n" + out;
                }
                if (c.mustFail()) {
                    boolean saysWhy = out.contains("only one test end condition");
                    return status != 0 && saysWhy ? "" : "conflicting -n/-t must fail with iperf3's message: exit "
                            + status + "\n" + out;
                }
                if (status != 0 || out.contains("\"error\"") || out.contains("iperf3: error")) {
                    return "client exit " + status + "\n" + out + "\nserver:\n" + server.stdout() + server.stderr();
                }
                int serverStatus = server.waitFor(Duration.ofSeconds(5));
                if (serverStatus != 0) {
                    return "server exit " + serverStatus + "\n" + server.stdout() + server.stderr();
                }
                return "";
            }
        }
    }

    private static List<String> withBinary(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Iperf3Binary.V3_21.path.toString()));
        cmd.addAll(args);
        return cmd;
    }
}
