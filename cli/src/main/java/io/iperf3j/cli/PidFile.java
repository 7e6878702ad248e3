package io.iperf3j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** iperf3's {@code -I} PID file: refused if it names a live process, written without a newline, removed at exit. */
final class PidFile {
    static final class AlreadyRunningException extends Exception {
        AlreadyRunningException() {
            super("another instance is running");
        }
    }

    private final Path path;

    private PidFile(Path path) {
        this.path = path;
    }

    static Optional<PidFile> create(Path path) throws IOException, AlreadyRunningException {
        if (path == null) {
            return Optional.empty();
        }
        if (Files.isReadable(path)) {
            String text = Files.readString(path, StandardCharsets.US_ASCII).replace("\0", "").strip();
            try {
                long pid = Long.parseLong(text);
                if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new AlreadyRunningException();
                }
            } catch (NumberFormatException ignored) {
                // not a PID: overwrite it, as iperf3 does
            }
        }
        Files.writeString(path, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
        return Optional.of(new PidFile(path));
    }

    void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // nothing useful to do at exit
        }
    }
}
