package io.iperf3j.internal.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class FileReplacementTest {
    @TempDir
    Path dir;

    private static FileReplacement.Content text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void createsThenReplacesAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("m.prom");
        FileReplacement.write(target, text("first\n"));
        assertThat(Files.readString(target)).isEqualTo("first\n");
        FileReplacement.write(target, text("second\n"));
        assertThat(Files.readString(target)).isEqualTo("second\n");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void aWriterThatFailsLeavesTheOldContentAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("report.html");
        FileReplacement.write(target, text("old"));
        assertThatThrownBy(() -> FileReplacement.write(target, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void theNewFileIsReadableByOthersAsAnyNewFileIs() throws IOException {
        Path target = dir.resolve("m.prom");
        FileReplacement.write(target, text("x"));
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        // the same permissions as a file made the ordinary way under this umask (not 0600)
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(Files.getPosixFilePermissions(target)).contains(PosixFilePermission.OWNER_READ);
    }

    @Test
    void theTemporaryFileIsBesideTheTarget() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path target = sub.resolve("r.html");
        FileReplacement.write(target, text("page"));
        assertThat(Files.readString(target)).isEqualTo("page");
        assertThat(filesIn(sub)).isEqualTo(1);
    }
}
