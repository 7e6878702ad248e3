package io.iperf3j.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.iperf3j.session.lab.IperfJar;
import io.iperf3j.testing.Iperf3Process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's library section followed as written: its {@code mvn ... install} command run in a
 * copy of the sources, then a Maven project of a user's own with the README's {@code pom.xml}
 * builds and runs docs/examples/LibraryExample.java against what was installed, and another, with
 * {@code iperf3j-session}, compiles the README's session example (issue 46: the command installed
 * core, export and link, and a user's project with the session API failed with
 * "io.iperf3j:iperf3j-session:jar:0.1.0 has not been downloaded").
 *
 * <p>Maven runs with no node and no npm on the {@code PATH} (the README asks for JDK 25 and Maven
 * only; the report module's build ran {@code npm pack} until issue 46).
 *
 * <p>Into a local repository of its own ({@code -Dmaven.repo.local}), never the shared
 * {@code ~/.m2}: plugins and third-party libraries come from {@code ~/.m2/repository}, read as a
 * {@code file://} repository in place of Maven Central, so nothing goes to the network. The copy of
 * the sources keeps this build away from the reactor's own {@code target/} directories.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LibraryInstallIT {
    private static final Pattern SH = Pattern.compile("```sh\n(.*?)\n```", Pattern.DOTALL);
    private static final Pattern XML = Pattern.compile("```xml\n(.*?)\n```", Pattern.DOTALL);
    private static final Pattern JAVA = Pattern.compile("```java\n(.*?)\n```", Pattern.DOTALL);

    @Test
    void theReadmesLibrarySectionInstallsWhatAUsersProjectBuildsAndRunsAgainst() throws Exception {
        Path root = Path.of(System.getProperty("iperf3j.root")).toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        int start = readme.indexOf("The engine is a library");
        String section = readme.substring(start, readme.indexOf("Public API", start));
        String install = first(SH, section);
        // the README's whole pom.xml (issue 57: a <dependency> alone did not build on Debian's Maven 3.8, whose default
        // compiler plugin compiles for Java 5): it is the user's project file, as written
        String pom = first(XML, section);
        assertThat(install).as("one command").doesNotContain("\n").startsWith("mvn ").endsWith(" install");
        assertThat(pom).as("the README's pom.xml").startsWith("<project").endsWith("</project>")
                .contains("<maven.compiler.release>25</maven.compiler.release>")
                .contains("<artifactId>iperf3j-core</artifactId>");
        Matcher compiler = Pattern.compile("<artifactId>maven-compiler-plugin</artifactId><version>(\\d+)\\.(\\d+)").matcher(pom);
        assertThat(compiler.find()).as("the compiler plugin's version in the README's pom").isTrue();
        assertThat(Integer.parseInt(compiler.group(1)) * 100 + Integer.parseInt(compiler.group(2))).as("3.6 or later")
                .isGreaterThanOrEqualTo(306);

        Path work = Dist.dir().resolve("library-install");
        Installation.deleteTree(work);
        Path sources = work.resolve("iperf3j");
        IperfJar.copySources(root, sources);
        Path repo = work.resolve("repository");
        Path settings = Files.writeString(work.resolve("settings.xml"), SEED_SETTINGS.formatted(
                Path.of(System.getProperty("user.home"), ".m2", "repository").toUri()));
        List<String> command = new ArrayList<>(Arrays.asList(install.split(" ")));
        command.addAll(List.of("-s", settings.toString(), "-Dmaven.repo.local=" + repo));
        String path = pathWithoutNode(work.resolve("bin"));
        mvn(command, sources, work.resolve("install.log"), path);

        for (String library : List.of("iperf3j-core", "iperf3j-export", "iperf3j-link")) {
            Path dir = repo.resolve("io/iperf3j/" + library + "/" + Dist.version());
            for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar", ".pom")) {
                assertThat(dir.resolve(library + "-" + Dist.version() + suffix)).as("installed").isNotEmptyFile();
            }
        }
        // Every artifact the README lists, each with its coordinates, is installed by the one command.
        String coordinates = readme.substring(start, readme.indexOf("```sh", start));
        for (String library : List.of("iperf3j-session", "iperf3j-report", "iperf3j-native",
                "iperf3j-core", "iperf3j-export", "iperf3j-link")) {
            Path dir = repo.resolve("io/iperf3j/" + library + "/" + Dist.version());
            for (String suffix : List.of(".jar", ".pom")) {
                assertThat(dir.resolve(library + "-" + Dist.version() + suffix)).as("installed by the README's command")
                        .isNotEmptyFile();
            }
            assertThat(coordinates).contains("`io.iperf3j:" + library + ":" + Dist.version() + "`");
        }
        try (ZipFile javadoc = new ZipFile(repo.resolve("io/iperf3j/iperf3j-core/" + Dist.version() + "/iperf3j-core-"
                + Dist.version() + "-javadoc.jar").toFile())) {
            assertThat(javadoc.getEntry("io.iperf3j.core/io/iperf3j/IperfCommand.html")).as("core's Javadoc").isNotNull();
        }
        assertThat(repo.resolve("io/iperf3j/iperf3j-native/" + Dist.version() + "/iperf3j-native-" + Dist.version() + ".jar"))
                .isNotEmptyFile();
        assertThat(repo.resolve("io/iperf3j/iperf3j-cli")).as("the command line is not built").doesNotExist();
        assertThat(sources.resolve("dist/target")).as("nor the image").doesNotExist();

        Path app = work.resolve("app");
        Files.createDirectories(app.resolve("src/main/java"));
        Files.copy(root.resolve("docs/examples/LibraryExample.java"), app.resolve("src/main/java/LibraryExample.java"));
        Files.writeString(app.resolve("pom.xml"), pom + "\n");
        mvn(List.of("mvn", "-B", "-ntp", "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "package",
                DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.outputFile=classpath.txt"), app, work.resolve("app.log"), path);
        String classPath = app.resolve("target/classes") + ":" + Files.readString(app.resolve("classpath.txt")).strip();
        assertThat(classPath).contains(repo.resolve("io/iperf3j/iperf3j-core").toString())
                .contains(repo.resolve("io/iperf3j/iperf3j-native").toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (Iperf3Process p = Iperf3Process.start(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
                "LibraryExample"))) {
            assertThat(p.waitFor(Duration.ofSeconds(90))).as(p.stderr()).isZero();
            assertThat(p.stderr()).isEmpty();
            assertThat(p.stdout()).containsPattern("(?m)^\\d+\\.\\d\\d Gbit/s received$").endsWith("cancelled: true\n");
        }

        // The README's session example, as written, in a project of its own with iperf3j-session: it compiles
        // (running it needs the README's three SSH hosts). The seed repository is ~/.m2, which a developer's
        // own builds fill with every module, so the check above, not this build, is what sees a module the
        // README's command leaves out (a user's project: "iperf3j-session:jar:0.1.0 has not been downloaded").
        Matcher blocks = JAVA.matcher(readme);
        String snippet = null;
        while (snippet == null && blocks.find()) {
            snippet = blocks.group(1).contains("Sessions.runner(") ? blocks.group(1) : null;
        }
        assertThat(snippet).as("the README's session example").isNotNull();
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String line : snippet.lines().toList()) {
            (line.startsWith("import ") ? imports : body).append(line).append('\n');
        }
        Path sessionApp = work.resolve("session-app");
        Files.createDirectories(sessionApp.resolve("src/main/java"));
        Files.writeString(sessionApp.resolve("src/main/java/SessionExample.java"), imports
                + "\npublic class SessionExample {\n    public static void main(String[] args) throws Exception {\n"
                + body.toString().indent(8) + "    }\n}\n");
        // ... and the same with its hosts on a port of 127.0.0.1 that refuses (issue 57: MINA SSHD's first
        // connection printed SLF4J's three StaticLoggerBinder lines in a user's project)
        int refusing;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = s.getLocalPort();
        }
        String refused = body.toString().replaceAll("\"10\\.222\\.96\\.\\d\"", "\"127.0.0.1\"")
                .replace("SshSettings.withKey(address, \"root\", key)", "SshSettings.withKey(address, \"root\", key).withPort(" + refusing + ")");
        assertThat(refused).doesNotContain("10.222.96.").contains(".withPort(" + refusing + ")");
        Files.writeString(sessionApp.resolve("src/main/java/SessionRefused.java"), imports
                + "\npublic class SessionRefused {\n    public static void main(String[] args) throws Exception {\n"
                + refused.indent(8) + "    }\n}\n");
        String sessionPom = pom.replace("<artifactId>iperf3j-core</artifactId>", "<artifactId>iperf3j-session</artifactId>");
        assertThat(sessionPom).contains("iperf3j-session");
        Files.writeString(sessionApp.resolve("pom.xml"), sessionPom + "\n");
        mvn(List.of("mvn", "-B", "-ntp", "-s", settings.toString(), "-Dmaven.repo.local=" + repo, "package",
                DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.outputFile=classpath.txt"),
                sessionApp, work.resolve("session-app.log"), path);
        assertThat(sessionApp.resolve("target/classes/SessionExample.class")).isNotEmptyFile();
        String sessionClassPath = sessionApp.resolve("target/classes") + ":"
                + Files.readString(sessionApp.resolve("classpath.txt")).strip();
        try (Iperf3Process p = Iperf3Process.start(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                sessionClassPath, "SessionRefused"))) {
            assertThat(p.waitFor(Duration.ofSeconds(90))).as(p.stderr()).isZero();
            assertThat(p.stdout()).as(p.stderr()).contains("h1 -> h2: ")
                    .contains("cannot connect to ssh root@127.0.0.1:" + refusing);
            assertThat(p.stderr()).as("no SLF4J lines (nor anything else) on stderr").isEmpty();
        }

    }

    /**
     * The {@code PATH} with node and npm taken off: a directory of links to every other program of its
     * directories (node lives in /usr/bin beside mvn and sh, so the directory itself cannot go).
     */
    private static String pathWithoutNode(Path bin) throws IOException {
        Files.createDirectories(bin);
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path d = Path.of(dir.isEmpty() ? "." : dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (var files = Files.list(d)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    Path link = bin.resolve(name);
                    if (!List.of("node", "nodejs", "npm", "npx", "corepack").contains(name) && Files.isExecutable(f)
                            && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, f.toAbsolutePath());
                    }
                }
            }
        }
        return bin.toString();
    }

    private static String first(Pattern block, String text) {
        Matcher m = block.matcher(text);
        assertThat(m.find()).as("a %s block in the README", block).isTrue();
        return m.group(1).strip();
    }

    /** Runs Maven in {@code dir} with JDK 25 (this JVM's) to its end; its output goes to {@code log}. */
    private static void mvn(List<String> command, Path dir, Path log, String path) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("PATH", path);
        Process p = pb.start();
        if (!p.waitFor(420, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command + " still running after 420 s; see " + log);
        }
        assertThat(p.exitValue()).as("%s in %s: %s", command, dir, tail(log)).isZero();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /**
     * Central replaced by the shared {@code ~/.m2/repository} read as a remote repository (it has no
     * checksum files for everything, so they are not checked: the files are the ones every build here uses).
     */
    private static final String SEED_SETTINGS = """
            <settings>
              <profiles>
                <profile>
                  <id>seed</id>
                  <repositories>
                    <repository><id>central</id><url>%1$s</url>
                      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
                    </repository>
                  </repositories>
                  <pluginRepositories>
                    <pluginRepository><id>central</id><url>%1$s</url>
                      <releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>
                    </pluginRepository>
                  </pluginRepositories>
                </profile>
              </profiles>
              <activeProfiles><activeProfile>seed</activeProfile></activeProfiles>
            </settings>
            """;

    /** Not in the README's pom: the test's own look at the class path the user's build resolved. */
    private static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.9.0";

}
