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
 * refused with its path (issue 55).
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
