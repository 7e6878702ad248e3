package io.iperf3j.cli;

import io.iperf3j.testing.Iperf3Process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code iperf3j} command as a child process of its own, run from this test's class path (no jar, so it
 * runs under surefire): {@code java --enable-native-access=ALL-UNNAMED -cp CLASSPATH io.iperf3j.cli.Main args}.
 * Its output is captured to files and {@link Iperf3Process#close()} kills it (by its handle).
 */
final class CommandProcess {
    private CommandProcess() {
    }

    static Iperf3Process start(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return Iperf3Process.start(cmd);
    }
}
