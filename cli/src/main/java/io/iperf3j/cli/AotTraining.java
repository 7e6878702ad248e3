package io.iperf3j.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The training run for the JVM's ahead-of-time cache (JEP 483/514/515), run by the
 * build ({@code cli/pom.xml}) as
 * {@code java -XX:AOTCacheOutput=iperf3j-VERSION.aot -cp iperf3j-VERSION.jar io.iperf3j.cli.AotTraining}.
 * It runs what a user runs most, each for a moment: {@code --version}, {@code --help},
 * and in-process loopback tests (TCP, reverse, UDP paced and unpaced, text and JSON
 * output), so that the classes they load are archived already loaded and linked
 * and the hot methods' profiles are recorded. The launcher uses the cache when it
 * is there; without it iperf3j runs the same, only starting slower.
 */
public final class AotTraining {
    private AotTraining() {
    }

    public static void main(String[] args) {
        io.iperf3j.internal.engine.OneTimeSetup.startInBackground(); // as Main.main does before a test
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        String[][] runs = {
            {"--version"},
            {"--help"},
            {"--loopback", "-t", "1", "-i", "0.5"},
            {"--loopback", "-t", "1", "-b", "2G"}, // a paced sender: the receiver's low-water mark
            {"--loopback", "-t", "1", "-J", "-R"},
            {"--loopback", "-t", "1", "-J", "--bidir", "-Z"},
            {"--loopback", "-t", "1", "-u", "-b", "500M", "-l", "1460", "-J"},
            {"--loopback", "-t", "1", "-u", "-b", "0", "-l", "1460", "-i", "0.5"},
            {"--loopback", "-t", "1", "-u", "-b", "100M", "-R", "--json-stream"},
            {"-c"}, // a usage error
        };
        int failures = 0;
        // As Main.main does, with the launchers' held signals released (unblocking what is not blocked changes
        // nothing): the signal thread's class, the handler's proxy and the signal mask's native classes are then
        // in the cache (~25 ms a run), and a start loads no class from the jar (TarballIT).
        Main signals = new Main(sink, sink);
        signals.startSignalSetup();
        signals.releaseHeldSignals();
        for (String[] run : runs) {
            int status = new Main(sink, sink).run(run);
            if (status != 0 && !run[0].equals("-c")) {
                failures++;
                System.err.println("AOT training run failed (" + status + "): " + String.join(" ", run));
            }
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
