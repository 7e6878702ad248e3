package io.iperf3j.session.internal.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iperf3j.session.internal.schedule.ScheduleState;
import io.iperf3j.session.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the session writes under its output folder follows a symbolic link, and a folder it may not use is
 * refused with its path (issue 55), as is one below a folder another user could change (issue 64).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutputFolderTest {
    private static final String SECRET = "root's own secret\n";

    @TempDir
    Path dir;

    /** A file only its owner can read, that a link under the output folder points to. */
    private Path secret() throws IOException {
        Path s = Files.writeString(dir.resolve("secret"), SECRET);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));
        return s;
    }

    @Test
    void aLinkAtASummarysNameIsReplacedNotFollowed() throws Exception {
        Path secret = secret();
        Path out = Files.createDirectory(dir.resolve("out"));
        for (String name : List.of("summary.txt", "summary.csv", "summary.md", PlanOutputDirectory.HOSTS_FILE)) {
            Files.createSymbolicLink(out.resolve(name), secret);
        }
        new PlanOutputDirectory(out).writeSummaries(List.of(), List.of("a", "b"), List.of("a note"));
        assertThat(secret).hasContent(SECRET.strip());
        for (String name : List.of("summary.txt", "summary.csv", "summary.md", PlanOutputDirectory.HOSTS_FILE)) {
            assertThat(Files.isRegularFile(out.resolve(name), LinkOption.NOFOLLOW_LINKS)).as(name).isTrue();
        }
        assertThat(out.resolve(PlanOutputDirectory.HOSTS_FILE)).hasContent("a\nb");
        assertThat(Files.readString(out.resolve("summary.txt"))).endsWith("a note\n");
    }

    @Test
    void aLinkAtTestsJsonlIsRefusedNamingIt() throws Exception {
        Path secret = secret();
        Path out = Files.createDirectory(dir.resolve("out"));
        Path jsonl = Files.createSymbolicLink(TestsFile.file(out, 0), secret);
        PlanOutputDirectory files = new PlanOutputDirectory(out);
        assertThatThrownBy(files::resultCount).isInstanceOf(IOException.class)
                .hasMessage(jsonl + " is a symbolic link: refused (iperf3j does not write through links)");
        assertThatThrownBy(() -> io.iperf3j.session.internal.files.OwnFiles.append(jsonl, "x\n".getBytes()))
                .isInstanceOf(IOException.class).hasMessageStartingWith(jsonl + " is a symbolic link: refused");
        // dangling: O_CREAT would have made the file the link names
        Path missing = dir.resolve("made-through-the-link");
        Path dangling = Files.createSymbolicLink(out.resolve("dangling"), missing);
        assertThatThrownBy(() -> io.iperf3j.session.internal.files.OwnFiles.append(dangling, "x\n".getBytes()))
                .isInstanceOf(IOException.class).hasMessageStartingWith(dangling + " is a symbolic link: refused");
        assertThat(missing).doesNotExist();
        assertThat(secret).hasContent(SECRET.strip());
    }

    @Test
    void aScheduleStateFileThatIsALinkIsRefused() throws Exception {
        Path secret = secret();
        Path out = Files.createDirectory(dir.resolve("out"));
        Path state = Files.createSymbolicLink(out.resolve(PlanOutputDirectory.STATE_FILE), secret);
        assertThatThrownBy(() -> ScheduleState.open(out, List.of(), Plan.Schedule.every(Duration.ofMinutes(1)), Instant.now()))
                .isInstanceOf(IOException.class).hasMessageStartingWith(state + " is a symbolic link: refused");
        assertThat(secret).hasContent(SECRET.strip());
    }

    @Test
    void aRawNameHeldByALinkIsPassedOver() throws Exception {
        Path raw = Files.createDirectory(dir.resolve("raw"));
        Files.createSymbolicLink(raw.resolve("tcp_x.iperf"), dir.resolve("nowhere"));
        assertThat(OutputNaming.unique(raw, "tcp_x.iperf")).isEqualTo(raw.resolve("tcp_x_002.iperf"));
    }

    @Test
    void anOutputFolderThatIsALinkOrWhoseRawIsALinkIsRefusedNamingIt() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("out-link"), real);
        assertThatThrownBy(() -> new PlanOutputDirectory(link)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("output folder " + link + " is a symbolic link: refused");
        Path out = Files.createDirectory(dir.resolve("out"));
        Path raw = Files.createSymbolicLink(out.resolve("raw"), real);
        assertThatThrownBy(() -> new PlanOutputDirectory(out)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("output folder " + raw + " is a symbolic link: refused");
        assertThat(real).isEmptyDirectory();
    }

    @Test
    void anOutputFolderOthersCanWriteIsRefusedUnlessSticky() throws Exception {
        Path open = Files.createDirectory(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> new PlanOutputDirectory(open)).isInstanceOf(IOException.class)
                .hasMessage("output folder " + open + " can be written by others (mode 0777): refused (iperf3j writes only in a"
                        + " folder of its own user that others cannot write, or can only under the sticky bit)");
        assertThat(open).isEmptyDirectory();
        Files.setAttribute(open, "unix:mode", 01777);
        PlanOutputDirectory files = new PlanOutputDirectory(open);
        assertThat(Files.getPosixFilePermissions(files.rawDirectory())).doesNotContain(
                java.nio.file.attribute.PosixFilePermission.GROUP_WRITE, java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
        TestsFile.once(open).accept(sample());
        assertThat(TestsFile.file(open, 0)).exists();
    }

    @Test
    @Tag("root")
    void anOutputFolderOfAnotherUserIsRefused() throws Exception {
        Path theirs = Files.createDirectory(dir.resolve("theirs"));
        Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        assertThatThrownBy(() -> new PlanOutputDirectory(theirs)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("output folder " + theirs + " is owned by nobody, not by ");
        assertThat(theirs).isEmptyDirectory();
    }

    /** The start of the refusal of {@code out} for {@code words} about a folder above it (issue 64). */
    private static String refusedAbove(Path out, String words) {
        return "output folder " + out + ": " + words + "; refused (iperf3j writes only below folders of root's";
    }

    /** {@code user.home}, {@code /tmp}, {@code /var/tmp}, a relative path through {@code ..}: nothing above them to refuse. */
    @Test
    void theUsersNormalPlacesHaveNothingAboveThemToRefuse() throws Exception {
        for (String p : List.of("/tmp/x", "/var/tmp/x", System.getProperty("user.home") + "/x", "x", "target/x")) {
            assertThat(io.iperf3j.session.internal.files.OwnFiles.aboveProblem(Path.of(p), false)).as(p).isNull();
        }
        Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("rel/out")); // ../../../tmp/junit…/rel/out
        assertThat(relative.toString()).startsWith("..");
        new PlanOutputDirectory(relative).writeSummaries(List.of(), List.of("a"));
        assertThat(dir.resolve("rel/out/summary.txt")).isRegularFile();
    }

    /** A sticky folder (root's, as /tmp: the user's own when the test is not root) above the output folder is fine. */
    @Test
    void aStickyFolderOfRootsAboveIsFine() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        Path out = shared.resolve("mine/run1");
        PlanOutputDirectory files = new PlanOutputDirectory(out);
        TestsFile.once(out).accept(sample());
        assertThat(TestsFile.file(out, 0)).isRegularFile();
        assertThat(files.rawDirectory()).isDirectory();
        assertThat(Files.getPosixFilePermissions(shared.resolve("mine"))).as("made without group or other write whatever the umask")
                .doesNotContain(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE, java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
    }

    /** A folder above it that its group can write: refused naming it, and nothing made below it. */
    @Test
    void aGroupWritableFolderAboveIsRefusedAndNothingIsMadeBelowIt() throws Exception {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxr-x"));
        Path out = shared.resolve("a/b/run1");
        assertThatThrownBy(() -> new PlanOutputDirectory(out)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(refusedAbove(out, shared + ", above it, can be written by others (mode 0775): another user"
                        + " could swap what is below it"));
        assertThat(shared).isEmptyDirectory();
        Files.createDirectories(out);
        assertThatThrownBy(() -> io.iperf3j.session.internal.files.OwnFiles.check(out,
                io.iperf3j.session.internal.files.OwnFiles.Sharing.STICKY, "output folder")).isInstanceOf(IOException.class)
                .hasMessageStartingWith(refusedAbove(out, shared + ", above it, can be written by others (mode 0775): another user"
                        + " could swap what is below it"));
        assertThat(out).isEmptyDirectory();
    }

    /**
     * Another user's link above the output folder, and another user's folder in a sticky one: refused naming them (either
     * user could swap what is below), nothing made where the link leads.
     */
    @Test
    @Tag("root")
    void aLinkOrAFolderOfAnotherUsersAboveIsRefused() throws Exception {
        var nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Files.getFileAttributeView(link, java.nio.file.attribute.PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(nobody);
        assertThat(Files.getOwner(link, LinkOption.NOFOLLOW_LINKS)).isEqualTo(nobody);
        Path out = link.resolve("run1");
        assertThatThrownBy(() -> new PlanOutputDirectory(out)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(refusedAbove(out, link + ", above it, is a symbolic link owned by nobody: another user could"
                        + " swap what is below it"));
        assertThat(real).isEmptyDirectory();

        Path shared = Files.createDirectory(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 01777);
        Path theirs = Files.createDirectory(shared.resolve("theirs"));
        Files.setOwner(theirs, nobody);
        Path run1 = theirs.resolve("run1");
        assertThatThrownBy(() -> new PlanOutputDirectory(run1)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(refusedAbove(run1, theirs + ", above it, is owned by nobody: another user could swap what is"
                        + " below it"));
        assertThat(theirs).isEmptyDirectory();
    }

    /** A link of root's (the user's, when the test is not root) in such a folder: followed, relative or absolute. */
    @Test
    void aLinkOfRootsInAFolderOfRootsAboveIsFollowed() throws Exception {
        Path real = Files.createDirectories(dir.resolve("data/real"));
        Path relative = Files.createSymbolicLink(dir.resolve("relative"), Path.of("data/./real/../real"));
        Path absolute = Files.createSymbolicLink(dir.resolve("absolute"), relative);
        assertThat(Files.getOwner(absolute, LinkOption.NOFOLLOW_LINKS).getName()).isEqualTo(System.getProperty("user.name"));
        new PlanOutputDirectory(relative.resolve("run1")).writeSummaries(List.of(), List.of("a"));
        new PlanOutputDirectory(absolute.resolve("run2")).writeSummaries(List.of(), List.of("a"));
        assertThat(real.resolve("run1/summary.txt")).isRegularFile();
        assertThat(real.resolve("run2/raw")).isDirectory();
    }

    /**
     * Links above the output folder: a chain of 21 is followed, 41 (one past Linux's own limit in one path) refused
     * naming the last. A chain of exactly 40 is not used: it sits on the kernel's own limit, and the kernel refused it
     * once in CI ("Too many levels of symbolic links"), as a lookup that restarts (an RCU walk falling back to a
     * reference walk) can count again the links it already followed.
     */
    @Test
    void aChainOfMoreThan40LinksAboveIsRefused() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("l40"), real);
        for (int i = 39; i >= 0; i--) {
            Files.createSymbolicLink(dir.resolve("l" + i), Path.of("l" + (i + 1)));
        }
        new PlanOutputDirectory(dir.resolve("l20/run1"));
        assertThat(real.resolve("run1/raw")).isDirectory();
        Path out = dir.resolve("l0/run2");
        assertThatThrownBy(() -> new PlanOutputDirectory(out)).isInstanceOf(IOException.class)
                .hasMessageStartingWith(refusedAbove(out, "more than 40 symbolic links lead to it (the 41st is " + dir.resolve("l40") + ")"));
        assertThat(real.resolve("run2")).doesNotExist();
    }

    /** A skipped run's record: the smallest line {@link TestsFile} writes. */
    private static RunRecord sample() {
        Plan.Test t = new Plan.Test("t_a-b", "a", "b", Plan.Direction.UP, io.iperf3j.session.TestSpec.tcp(1), 1);
        return new RunRecord.Skipped(t, 1, Instant.now(), "busy", Instant.now());
    }

    @Test
    void anExistingFolderOfTheUsersIsUsedAsBefore() throws Exception {
        Path out = Files.createDirectories(dir.resolve("a/b/out"));
        PlanOutputDirectory files = new PlanOutputDirectory(out);
        assertThat(files.rawDirectory()).isDirectory();
        new PlanOutputDirectory(out).writeSummaries(List.of(), List.of("a"));
        new PlanOutputDirectory(dir.resolve("new/out")).writeSummaries(List.of(), List.of("a"));
        assertThat(dir.resolve("new/out/summary.txt")).isRegularFile();
    }
}
