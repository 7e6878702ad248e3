package io.iperf3j.session.lab;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The iperf3j jar the lab's hosts run, built by the repository's launcher in a private copy of the
 * sources ({@code session/target/iperf3j-build}).
 *
 * <p>Why a copy: the session tests run inside the reactor's build, before cli's jar exists, so the
 * launcher must build it; built in place ({@code -pl cli -am package}), it rewrote core's, export's,
 * report's and session's jars while this test JVM had them open on its class path, and a class loaded
 * after that came from a jar whose entries had moved ({@code NoClassDefFoundError:
 * io/iperf3j/report/HtmlReport} in {@code SessionReportTest}, after a lab test had built the jar). The
 * copy has its own {@code target/} directories, so the reactor's files are never touched.
 */
public final class IperfJar {
    /** Not copied: build outputs, version control, installed packages. */
    private static final Set<String> SKIPPED = Set.of("target", ".git", "node_modules");
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
            Path copy = Path.of("target", "iperf3j-build").toAbsolutePath();
            copySources(root, copy);
            deleteRemovedSources(root, copy);
            Path log = Path.of("target", "iperf3j-launcher.log").toAbsolutePath();
            Process p = new ProcessBuilder(copy.resolve("iperf3j").toString(), "--version").redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                fail("iperf3j --version in " + copy + " failed; see " + log + " and " + copy.resolve("target/launcher-build.log"));
            }
            String version = Files.readString(root.resolve("pom.xml")).replaceAll("(?s).*?<version>([^<]+)</version>.*", "$1");
            jar = copy.resolve("cli/target/iperf3j-" + version + ".jar");
            if (!Files.exists(jar)) {
                fail("no " + jar + " after the launcher ran");
            }
        }
        return NetnsLab.JAVA + " --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx192m -jar " + jar;
    }

    /** Whether {@code dir}, met while walking {@code root}, is one of the {@link #SKIPPED} folders (never the root). */
    static boolean skipped(Path root, Path dir) {
        return !dir.equals(root) && SKIPPED.contains(dir.getFileName().toString());
    }

    /**
     * Copies the repository's sources to {@code to} (files that are already there with the same size
     * and time are kept, so a second test JVM's launcher finds its jar up to date). Also dist's
     * {@code LibraryInstallIT}, which installs the libraries from such a copy.
     */
    public static void copySources(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (skipped(from, dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file));
                // by content, and copied with a new time: a source edited while the copy's last build ran may be older
                // than its class there, and a copy that kept its time would be left out of the next build
                if (!Files.exists(target) || Files.size(target) != attrs.size() || Files.mismatch(file, target) != -1) {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Deletes from the copy what the repository no longer has (a source file deleted or moved since the
     * copy was made would otherwise still be compiled into the lab's jar). The copy's own build outputs
     * ({@link #SKIPPED}) are kept.
     */
    private static void deleteRemovedSources(Path from, Path copy) throws IOException {
        Files.walkFileTree(copy, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return skipped(copy, dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!Files.exists(from.resolve(copy.relativize(file)), LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failed) throws IOException {
                if (failed != null) {
                    throw failed;
                }
                if (!dir.equals(copy) && !Files.exists(from.resolve(copy.relativize(dir)), LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
