package io.iperf3j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.testing.Iperf3Process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts the built fat jar ({@code cli/target/iperf3j-VERSION.jar}) as a child process, as a user would. */
final class JarProcess {
    private JarProcess() {
    }

    static Path jar() {
        String prop = System.getProperty("iperf3j.jar");
        assertThat(prop).as("system property iperf3j.jar (set by failsafe in cli/pom.xml; run `mvn verify`)")
                .isNotNull();
        Path jar = Path.of(prop);
        assertThat(Files.isRegularFile(jar)).as("the fat jar %s exists (built in the package phase)", jar).isTrue();
        return jar;
    }

    /** {@code java [jvmOptions] --enable-native-access=ALL-UNNAMED -jar iperf3j.jar args...}. */
    static Iperf3Process start(List<String> jvmOptions, List<String> args) {
        return Iperf3Process.start(command(jvmOptions, args));
    }

    /** The command {@link #start} runs (to run it elsewhere, e.g. inside a network namespace). */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(args);
        return cmd;
    }
}
