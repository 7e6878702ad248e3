package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The iperf3j jar the lab's hosts run; built by the repository's launcher when it is missing or stale. */
public final class IperfJar {
    private static Path jar;

    private IperfJar() {
    }

    /** The command line that runs iperf3j on a lab host. */
    public static synchronized String command() throws Exception {
        if (jar == null) {
            Path root = Path.of("").toAbsolutePath().getParent();
            Path launcher = root.resolve("iperf3j");
            if (!Files.isExecutable(launcher)) {
                fail("the iperf3j launcher is not at " + launcher + " (run the session tests from the repository)");
            }
            // The launcher rebuilds the jar when it is missing or older than the sources.
            Process p = new ProcessBuilder(launcher.toString(), "--version").redirectErrorStream(true)
                    .redirectOutput(Path.of("target", "iperf3j-launcher.log").toFile()).start();
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail("./iperf3j --version failed; see session/target/iperf3j-launcher.log (build: mvn -pl cli -am package -DskipTests)");
            }
            String version = Files.readString(root.resolve("pom.xml")).replaceAll("(?s).*?<version>([^<]+)</version>.*", "$1");
            jar = root.resolve("cli/target/iperf3j-" + version + ".jar");
            if (!Files.exists(jar)) {
                fail("no " + jar + " after the launcher ran");
            }
        }
        return NetnsLab.JAVA + " --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx192m -jar " + jar;
    }
}
