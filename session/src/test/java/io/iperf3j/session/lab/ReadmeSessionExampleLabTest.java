package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The README's session example from Java, its own code, run as a program against three sshd hosts on whose
 * {@code PATH} there is no {@code iperf3j} (issue 57: the example failed with {@code 'iperf3j -s -p 5201 -1 -J' not
 * found on nc1 (exit status 127 …)}, and a node could not be given the binary's path but through a constructor
 * found with javap). The snippet is taken from the README as written; only its lab-specific literals (the three
 * addresses, the key, the known_hosts file, the binary's path, the 5-s duration) are replaced by the lab's, each of
 * which must be in it. The binary is a script at a path of its own that runs the lab's iperf3j jar.
 */
@Tag("tool")
@Tag("root")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT) // the labs' lane: beside the other tests, one lab at a time
@ResourceLock(NetnsLab.LANE)
class ReadmeSessionExampleLabTest {
    private static final Pattern JAVA = Pattern.compile("```java\n(.*?)\n```", Pattern.DOTALL);

    @Test
    void theReadmesSessionExampleRunsOnHostsWithoutIperf3jOnPath() throws Exception {
        NetnsLab.requirePrerequisites();
        String readme = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("README.md"));
        Matcher blocks = JAVA.matcher(readme);
        String snippet = null;
        while (snippet == null && blocks.find()) {
            snippet = blocks.group(1).contains("Sessions.runner(") ? blocks.group(1) : null;
        }
        assertThat(snippet).as("the README's session example").isNotNull();

        Path work = Files.createDirectories(Path.of("target", "readme-session-lab").toAbsolutePath());
        Path dir = Files.createTempDirectory(work, "run");
        String iperf3j = IperfJar.command();
        Path binary = dir.resolve("opt/bin/iperf3j");
        Files.createDirectories(binary.getParent());
        Files.writeString(binary, "#!/bin/sh\nexec " + iperf3j + " \"$@\"\n");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));

        try (NetnsLab lab = NetnsLab.create(3, Files.createTempDirectory(work, "lab"))) {
            for (int i = 1; i <= 3; i++) {
                assertThat(lab.exec(i, "sh", "-c", "command -v iperf3j || echo none").strip())
                        .as("iperf3j on host %d's PATH", i).isEqualTo("none");
            }
            Map<String, String> literals = new java.util.LinkedHashMap<>();
            for (int i = 1; i <= 3; i++) {
                literals.put("\"10.222.96." + i + "\"", "\"" + lab.address(i) + "\"");
            }
            literals.put("\"/root/.ssh/id_ecdsa\"", "\"" + lab.key("ecdsa") + "\"");
            literals.put("Path.of(\"known_hosts\")", "Path.of(\"" + lab.knownHosts() + "\")");
            literals.put("\"/opt/iperf3j/iperf3j\"", "\"" + binary + "\"");
            literals.put("TestSpec.tcp(5)", "TestSpec.tcp(2)");
            String code = snippet;
            for (Map.Entry<String, String> l : literals.entrySet()) {
                assertThat(code).as("the README's example").contains(l.getKey());
                code = code.replace(l.getKey(), l.getValue());
            }
            Path sources = Files.createDirectories(dir.resolve("src"));
            Path classes = Files.createDirectories(dir.resolve("classes"));
            StringBuilder imports = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String line : code.lines().toList()) {
                (line.startsWith("import ") ? imports : body).append(line).append('\n');
            }
            Path source = Files.writeString(sources.resolve("SessionExample.java"), imports
                    + "\npublic class SessionExample {\n    public static void main(String[] args) throws Exception {\n"
                    + body.toString().indent(8) + "    }\n}\n");
            Path javacLog = dir.resolve("javac.txt");
            Process javac = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
                    "--release", "25", "-proc:none", "-classpath", System.getProperty("java.class.path"),
                    "-d", classes.toString(), source.toString()).redirectErrorStream(true).redirectOutput(javacLog.toFile()).start();
            assertThat(javac.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(javac.exitValue()).as("javac of the README's example:\n%s", Files.readString(javacLog)).isZero();

            // run as a program of the user's, from a folder of its own, with a plain PATH
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", classes + ":" + System.getProperty("java.class.path"),
                    "SessionExample"));
            Path log = dir.resolve("example.txt");
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("PATH", "/usr/bin:/bin");
            Process p = pb.start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("the README's example still runs after 5 min: " + Files.readString(log));
            }
            String out = Files.readString(log);
            assertThat(p.exitValue()).as(out).isZero();
            List<String> lines = out.lines().filter(l -> l.matches("h[123] -> h[123]: .*")).toList();
            assertThat(lines).as(out).hasSize(6).allSatisfy(l -> assertThat(l).matches("h[123] -> h[123]: \\d+\\.\\d Mbit/s"));
            assertThat(lines).as("every ordered pair").extracting(l -> l.substring(0, 8)).containsExactlyInAnyOrder(
                    "h1 -> h2", "h2 -> h1", "h1 -> h3", "h3 -> h1", "h2 -> h3", "h3 -> h2");
            for (int i = 1; i <= 3; i++) {
                assertThat(lab.iperfProcesses(i)).as("iperf left on host %d", i).isEmpty();
            }
        }
    }
}
