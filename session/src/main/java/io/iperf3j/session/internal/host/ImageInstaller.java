package io.iperf3j.session.internal.host;

import io.iperf3j.session.Connection;
import io.iperf3j.session.SessionException.ConnectionError;
import io.iperf3j.session.Node;
import io.iperf3j.session.SessionException.IperfCommandError;
import io.iperf3j.session.SessionException;
import java.nio.file.Files;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Puts a node's {@link Node.ImageInstall} on its host, once per session: (1) if the image
 * directory holds a {@code .sha256} mark equal to the tarball's SHA-256 and its
 * {@code bin/iperf3j --version} runs, it is reused; else (2) {@code tar} is looked for,
 * (3) the tarball is copied over SFTP beside the directory (over exec, {@code cat >}, on a host
 * without an SFTP subsystem: {@link io.iperf3j.session.internal.connect.SshConnection#upload}), (4) unpacked with
 * {@code tar -xzf --strip-components=1} into a temporary directory that is moved into place,
 * (5) the launcher must print {@code iperf3j VERSION} for {@code --version}, and only then
 * (6) the mark is written. Errors: the host cannot be reached, written to or the copy fails →
 * {@link ConnectionError}; no {@code tar}, a tarball without {@code bin/iperf3j} or a launcher
 * that does not run → {@link IperfCommandError}. The outcome (the error too) is kept per host
 * and image, so every test on a host that failed fails at once with the same error and no
 * second upload is tried.
 *
 * <p>Why {@code tar} on the host and not unpacking here and copying the tree: one SFTP copy of
 * one file (42 MB) is much faster than thousands of small SFTP writes, and every host that has
 * sshd has a POSIX shell and, nearly always, tar; a host without it gets a clear error.
 *
 * <p>Threads: {@link #ensure} runs on the test's thread; two tests needing the same host at
 * once (parallel rounds with two node ids on one host) wait for one install.
 */
public final class ImageInstaller {
    /** Longest time for the short shell steps (check, prepare). */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
    /** Longest time to unpack the image and run its launcher once (a JVM start on a slow host). */
    static final Duration UNPACK_TIMEOUT = Duration.ofSeconds(180);
    /** The mark file in an image directory: the tarball's SHA-256, written once the launcher ran. */
    public static final String MARK = ".sha256";

    private final Map<String, FutureTask<Void>> installs = new ConcurrentHashMap<>();
    private final Consumer<String> notes;

    /** @param notes told one line per host when an image is copied or reused (progress for people) */
    public ImageInstaller(Consumer<String> notes) {
        this.notes = notes;
    }

    /**
     * Installs {@code node}'s image on its host, reached over {@code connection}, unless done already in this
     * session; no-op without one.
     */
    public void ensure(Node node, Connection connection) throws SessionException, InterruptedException {
        if (node.install().isEmpty()) {
            return;
        }
        Node.ImageInstall image = node.install().get();
        String key = connection.describe() + " " + image.imageDirectory();
        FutureTask<Void> task = installs.computeIfAbsent(key, k -> new FutureTask<>(() -> {
            install(node, connection, image);
            return null;
        }));
        task.run();
        try {
            task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SessionException s) {
                throw s;
            }
            if (e.getCause() instanceof InterruptedException) {
                throw new ConnectionError(node.id() + ": installing the iperf3j image was interrupted");
            }
            throw new ConnectionError(node.id() + ": installing the iperf3j image failed: " + e.getCause(), e.getCause());
        }
    }

    private void install(Node node, Connection c, Node.ImageInstall image) throws SessionException, InterruptedException {
        String where = node.id() + " (" + c.describe() + ")";
        String dir = image.imageDirectory();
        long t0 = System.nanoTime();
        Connection.CommandResult check = c.run(checkScript(image), STEP_TIMEOUT);
        if (check.exitStatus() == 0 && check.stdout().startsWith("iperf3j ")) {
            notes.accept(node.id() + ": iperf3j image reused in " + dir + " (sha256 " + image.sha256().substring(0, 16)
                    + " matches; " + firstLine(check.stdout()) + ")");
            return;
        }
        Connection.CommandResult prepare = c.run(prepareScript(image), STEP_TIMEOUT);
        if (prepare.exitStatus() == 127) {
            throw new IperfCommandError(where + ": cannot install the iperf3j image: there is no tar on the host"
                    + " (install tar there, or install iperf3j and give its command instead)");
        }
        if (prepare.exitStatus() != 0) {
            throw new ConnectionError(where + ": cannot create " + image.directory() + " for the iperf3j image: "
                    + lastLine(prepare.stderr() + prepare.stdout()));
        }
        long size;
        try {
            size = Files.size(image.tarball());
        } catch (IOException e) {
            throw new ConnectionError("cannot read the image " + image.tarball() + ": " + e.getMessage(), e);
        }
        String upload = image.directory() + "/.upload-" + image.sha256().substring(0, 16) + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".tar.gz";
        // 60 s plus one second per MB: a 42 MB image gets 102 s, more than any link a fleet is tested over needs
        Duration uploadTimeout = Duration.ofSeconds(60 + size / 1_000_000);
        try {
            c.upload(image.tarball(), upload, uploadTimeout);
        } catch (ConnectionError e) {
            removeQuietly(c, upload);
            throw new ConnectionError(where + ": copying the iperf3j image (" + size + " bytes) to " + upload + " failed: "
                    + e.getMessage(), e);
        }
        Connection.CommandResult unpack;
        try {
            unpack = c.run(unpackScript(image, upload), UNPACK_TIMEOUT);
        } catch (ConnectionError e) {
            removeQuietly(c, upload);
            throw new ConnectionError(where + ": unpacking the iperf3j image: " + e.getMessage(), e);
        }
        String said = lastLine(unpack.stderr().isBlank() ? unpack.stdout() : unpack.stderr());
        switch (unpack.exitStatus()) {
            case 0 -> {
                if (!unpack.stdout().startsWith("iperf3j ")) {
                    throw new IperfCommandError(where + ": the unpacked " + image.launcher() + " --version printed '"
                            + said + "', not 'iperf3j VERSION'");
                }
            }
            case 4 -> throw new IperfCommandError(where + ": tar could not unpack the iperf3j image: " + said);
            case 5 -> throw new IperfCommandError(where + ": the image " + image.tarball().getFileName()
                    + " has no bin/iperf3j under its top directory (expected iperf3j-VERSION-linux-x64.tar.gz)");
            case 7 -> throw new IperfCommandError(where + ": the unpacked " + image.launcher() + " does not run --version: "
                    + said);
            default -> throw new ConnectionError(where + ": cannot write the iperf3j image to " + dir + " (exit "
                    + unpack.exitStatus() + "): " + said);
        }
        notes.accept(String.format(Locale.ROOT, "%s: iperf3j image copied to %s (%.1f MB, sha256 %s, %.1f s; %s)", node.id(),
                dir, size / 1e6, image.sha256().substring(0, 16), (System.nanoTime() - t0) / 1e9, firstLine(unpack.stdout())));
    }

    /**
     * Prints the launcher's {@code --version} and exits 0 when the image is there and marked;
     * else exits non-zero, removing the mark of a marked image whose launcher no longer runs (so
     * the install that follows replaces it).
     */
    static String checkScript(Node.ImageInstall image) {
        String d = Connection.Shell.quote(image.imageDirectory());
        return "d=" + d + "; [ \"$(cat \"$d/" + MARK + "\" 2>/dev/null)\" = " + image.sha256() + " ] || exit 10; "
                + "if [ -x \"$d/bin/iperf3j\" ] && v=$(\"$d/bin/iperf3j\" --version 2>&1); then printf '%s\\n' \"$v\"; exit 0; fi; "
                + "rm -f \"$d/" + MARK + "\"; exit 11";
    }

    /** Exits 127 without tar, non-zero when the directory cannot be made. */
    static String prepareScript(Node.ImageInstall image) {
        return "command -v tar >/dev/null 2>&1 || exit 127; mkdir -p " + Connection.Shell.quote(image.directory());
    }

    /**
     * Unpacks the upload into a temporary directory beside the image directory, moves it into
     * place, runs {@code --version} and writes the mark. Exit 4: tar failed; 5: no
     * {@code bin/iperf3j}; 7: the launcher did not run; others: the directory could not be written.
     */
    static String unpackScript(Node.ImageInstall image, String upload) {
        String d = Connection.Shell.quote(image.imageDirectory());
        return "d=" + d + "; u=" + Connection.Shell.quote(upload) + "; t=\"$d.part.$$\"; rm -rf \"$t\"; mkdir -p \"$t\" || exit 6; "
                + "if ! tar -xzf \"$u\" -C \"$t\" --strip-components=1 2>\"$t.err\"; then cat \"$t.err\" >&2; "
                + "rm -rf \"$t\" \"$t.err\" \"$u\"; exit 4; fi; rm -f \"$u\" \"$t.err\"; "
                + "[ -x \"$t/bin/iperf3j\" ] || { rm -rf \"$t\"; exit 5; }; "
                + "if [ \"$(cat \"$d/" + MARK + "\" 2>/dev/null)\" = " + image.sha256() + " ]; then rm -rf \"$t\"; "
                + "else rm -rf \"$d\" && mv \"$t\" \"$d\" || exit 6; fi; "
                + "v=$(\"$d/bin/iperf3j\" --version 2>&1); s=$?; if [ $s -ne 0 ]; then printf '%s\\n' \"$v\" >&2; exit 7; fi; "
                + "printf '%s\\n' \"$v\"; echo " + image.sha256() + " > \"$d/" + MARK + "\" || exit 6";
    }

    private static void removeQuietly(Connection c, String path) throws InterruptedException {
        try {
            c.run("rm -f " + Connection.Shell.quote(path), STEP_TIMEOUT);
        } catch (ConnectionError e) {
            // the host is gone; the partial file stays in its directory
        }
    }

    private static String firstLine(String s) {
        return s.strip().lines().findFirst().orElse("");
    }

    private static String lastLine(String s) {
        String[] lines = s.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "(no output)" : last.length() > 300 ? last.substring(0, 300) + "..." : last;
    }
}
