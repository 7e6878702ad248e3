package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 66: on a machine whose default Java is 17, the image build says at once what to do, naming {@code JAVA_HOME} and
 * JDK 25, and builds nothing; and the README's build line says so too. Needs no image (runs in a second, with
 * {@code -Diperf3j.dist.skip=true -Dit.test=BuildScriptJdkIT}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BuildScriptJdkIT {
    private static final Path ROOT = Path.of(System.getProperty("iperf3j.root"));
    private static final Path SCRIPT = ROOT.resolve("dist/src/main/sh/build-image.sh");

    @TempDir
    Path dir;

    @Test
    void anOlderJdkOrNoneIsRefusedNamingJavaHome() throws Exception {
        Path jdk17 = fakeJdk("17.0.15");
        for (List<String> args : List.<List<String>>of(List.of(jdk17.toString()), List.of())) {
            Path out = dir.resolve("out" + args.size());
            // a 4th argument of JDK 17, then none with JAVA_HOME at JDK 17, then none and no JAVA_HOME
            for (String javaHome : args.isEmpty() ? new String[] {jdk17.toString(), null} : new String[] {null}) {
                Result r = run(out, args, javaHome);
                assertThat(r.status).as(r.stderr).isEqualTo(2);
                assertThat(r.stderr).as("args %s, JAVA_HOME %s", args, javaHome).contains("JAVA_HOME").contains("JDK 25")
                        .doesNotContain("No such file");
                if (javaHome != null || !args.isEmpty()) {
                    assertThat(r.stderr).contains(jdk17 + " is JDK 17");
                }
                assertThat(out).as("nothing built").doesNotExist();
            }
        }
    }

    @Test
    void theReadmesBuildLineSetsJavaHome() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int build = readme.indexOf("mvn -B -ntp -DskipTests -pl dist -am package");
        assertThat(build).isPositive();
        String block = readme.substring(readme.lastIndexOf("```sh", build), build);
        assertThat(block).contains("export JAVA_HOME=");
        int sh = readme.lastIndexOf("```sh", build);
        assertThat(readme.substring(readme.lastIndexOf("\n\n", sh - 3), build)).as("the paragraph before it")
                .contains("JDK 25").contains("set JAVA_HOME");
    }

    /** A directory that looks like a JDK of {@code version} to the script: its release file and executables. */
    private Path fakeJdk(String version) throws Exception {
        Path home = dir.resolve("jdk-" + version);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        for (String tool : List.of("java", "jlink", "jdeps")) {
            Path t = home.resolve("bin").resolve(tool);
            Files.writeString(t, "#!/bin/sh\necho fake " + tool + " >&2; exit 1\n");
            Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    private record Result(int status, String stderr) {
    }

    private Result run(Path out, List<String> jdkArg, String javaHome) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString(), Dist.version(),
                dir.resolve("missing.jar").toString(), out.toString()));
        cmd.addAll(jdkArg);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("JAVA_HOME");
        if (javaHome != null) {
            pb.environment().put("JAVA_HOME", javaHome);
        }
        Path err = dir.resolve("stderr");
        pb.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(err));
    }
}
