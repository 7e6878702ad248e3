package io.iperf3j.internal.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file's content at once: the content goes to a new file beside the target (same
 * directory, so same file system), which is then renamed over it ({@code rename(2)} is atomic).
 * A reader sees the old content or the new one, never a mix; a writer that fails leaves the
 * target as it was and no temporary file behind.
 *
 * <p>The temporary file is created with the process's umask like any new file (not
 * {@code Files.createTempFile}'s 0600, which would leave a metrics file unreadable to a
 * collector running as another user). Any thread; two threads replacing one target at once
 * each write their own temporary file, and the last rename wins.
 */
public final class FileReplacement {
    private FileReplacement() {
    }

    /** Writes the new content to a stream; the stream is closed by {@link #write}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code target}'s content with what {@code content} writes. */
    public static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath();
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().threadId() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
