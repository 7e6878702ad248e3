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
 * directory is there, the user's own, and every file in it is the tarball's (its manifest,
 * {@link ImageManifest}, checked with the host's {@code sha256sum -c}), and its
 * {@code bin/iperf3j --version} runs, it is reused; else (2) {@code tar} is looked for,
 * (3) the tarball is copied over SFTP beside the directory (over exec, {@code cat >}, on a host
 * without an SFTP subsystem: {@link io.iperf3j.session.internal.connect.SshConnection#upload}), its
 * SHA-256 checked there, (4) unpacked with {@code tar -xzf --strip-components=1} into a temporary
 * directory that is checked against the manifest and moved into place, and (5) the launcher must
 * print {@code iperf3j VERSION} for {@code --version}. Nothing in a folder runs before its check:
 * a folder is not taken for the image because of its name, or a mark in it, but because of what
 * it holds. The folder is private to the user the host's commands run as (docs/design/threat-model.md):
 * by default in that user's state folder ({@code checkroot}); a folder the plan names must be that
 * user's own, or root's, with no folder above it that another user may write.
 * Errors: the host cannot be reached, written to or the copy fails →
 * {@link ConnectionError}; no {@code tar} or {@code sha256sum}, a folder another user may change, a
 * tarball without {@code bin/iperf3j} or a launcher that does not run → {@link IperfCommandError}.
 * The outcome (the error too) is kept per host and image, so every test on a host that failed fails
 * at once with the same error and no second upload is tried.
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
        String manifest = manifest(image);
        long t0 = System.nanoTime();
        Connection.CommandResult check = c.run(checkScript(image, manifest), STEP_TIMEOUT);
        Folder at = Folder.of(check.stdout());
        if (check.exitStatus() == 0 && at.said().startsWith("iperf3j ")) {
            notes.accept(node.id() + ": iperf3j image reused in " + at.dir() + " (every file matches the tarball, sha256 "
                    + image.sha256().substring(0, 16) + "; " + firstLine(at.said()) + ")");
            return;
        }
        refused(where, check);
        Connection.CommandResult prepare = c.run(prepareScript(image), STEP_TIMEOUT);
        if (prepare.exitStatus() == 127) {
            throw new IperfCommandError(where + ": cannot install the iperf3j image: there is no tar or sha256sum on the host"
                    + " (install them there, or install iperf3j and give its command instead)");
        }
        refused(where, prepare);
        at = Folder.of(prepare.stdout());
        if (prepare.exitStatus() != 0 || at.dir().isEmpty()) {
            throw new ConnectionError(where + ": cannot create " + (image.directory().isEmpty() ? "the session's state folder"
                    : image.directory()) + " for the iperf3j image: " + lastLine(prepare.stderr() + prepare.stdout()));
        }
        String dir = at.dir();
        long size;
        try {
            size = Files.size(image.tarball());
        } catch (IOException e) {
            throw new ConnectionError("cannot read the image " + image.tarball() + ": " + e.getMessage(), e);
        }
        String upload = dir.substring(0, dir.lastIndexOf('/')) + "/.upload-" + image.sha256().substring(0, 16) + "-"
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
            unpack = c.run(unpackScript(image, upload, manifest), UNPACK_TIMEOUT);
        } catch (ConnectionError e) {
            removeQuietly(c, upload);
            throw new ConnectionError(where + ": unpacking the iperf3j image: " + e.getMessage(), e);
        }
        String said = lastLine(unpack.stderr().isBlank() ? unpack.stdout() : unpack.stderr());
        switch (unpack.exitStatus()) {
            case 0 -> {
                if (!unpack.stdout().startsWith("iperf3j ")) {
                    throw new IperfCommandError(where + ": the unpacked " + dir + "/bin/iperf3j --version printed '"
                            + said + "', not 'iperf3j VERSION'");
                }
            }
            case 4 -> throw new IperfCommandError(where + ": tar could not unpack the iperf3j image: " + said);
            case 5 -> throw new IperfCommandError(where + ": the image " + image.tarball().getFileName()
                    + " has no bin/iperf3j under its top directory (expected iperf3j-VERSION-linux-x64.tar.gz)");
            case 7 -> throw new IperfCommandError(where + ": the unpacked " + dir + "/bin/iperf3j does not run --version: "
                    + said);
            case 8 -> throw new ConnectionError(where + ": the copy of the iperf3j image on the host is not the tarball: " + said);
            case 9 -> throw new IperfCommandError(where + ": the unpacked iperf3j image does not match its tarball's files");
            case 12, 13 -> throw new IperfCommandError(where + ": cannot install the iperf3j image: " + said);
            default -> throw new ConnectionError(where + ": cannot write the iperf3j image to " + dir + " (exit "
                    + unpack.exitStatus() + "): " + said);
        }
        notes.accept(String.format(Locale.ROOT, "%s: iperf3j image copied to %s (%.1f MB, sha256 %s, %.1f s; %s)", node.id(),
                dir, size / 1e6, image.sha256().substring(0, 16), (System.nanoTime() - t0) / 1e9, firstLine(unpack.stdout())));
    }

    /** Throws when a script refused the state folder or the image's folder (exit 12 or 13), saying why. */
    private static void refused(String where, Connection.CommandResult r) throws IperfCommandError {
        if (r.exitStatus() == 12 || r.exitStatus() == 13) {
            throw new IperfCommandError(where + ": cannot install the iperf3j image: " + lastLine(r.stderr() + r.stdout()));
        }
    }

    /**
     * Where a script said the image is ({@code dir PATH}, its first line) and what it printed after.
     *
     * @param dir the image's folder on the host, "" when not said
     * @param said the lines after it
     */
    private record Folder(String dir, String said) {
        static Folder of(String stdout) {
            if (stdout.startsWith("dir ")) {
                int nl = stdout.indexOf('\n');
                return nl < 0 ? new Folder(stdout.substring(4).strip(), "") : new Folder(stdout.substring(4, nl), stdout.substring(nl + 1));
            }
            return new Folder("", stdout);
        }
    }

    private final Map<String, String> manifests = new ConcurrentHashMap<>();

    /** The image's manifest, read from its tarball once per installer. */
    private String manifest(Node.ImageInstall image) throws IperfCommandError {
        try {
            return manifests.computeIfAbsent(image.sha256(), k -> {
                try {
                    return ImageManifest.of(image.tarball());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw new IperfCommandError("the image " + image.tarball() + " cannot be read as a tarball: " + e.getCause().getMessage());
        }
    }

    /** The end of the manifest's here-document: no line of a manifest ({@code HASH  ./path}) is it. */
    private static final String MANIFEST_END = "IPERF3J_MANIFEST";

    /** A shell command list that succeeds when every file of the manifest in folder {@code dirVariable} matches it. */
    private static String matches(String dirVariable, String manifest) {
        return "(cd \"$" + dirVariable + "\" && sha256sum -c) >/dev/null 2>&1 <<'" + MANIFEST_END + "'\n" + manifest + MANIFEST_END + "\n";
    }

    /**
     * The part every script starts with: the state folder checked (exit 12, saying why). Then {@code D}, the image's folder,
     * is set by {@link #imageFolder}.
     */
    private static String head() {
        return "checkroot || { echo \"$refused\" >&2; exit 12; }\n";
    }

    /** The image's folder's name in its parent: {@code image-} and the first 16 hex digits of its SHA-256. */
    private static String imageName(Node.ImageInstall image) {
        return "image-" + image.sha256().substring(0, 16);
    }

    /**
     * Sets {@code D} to the image's folder: in the state folder ({@code $root}, private and checked by {@code checkroot}), or
     * in the plan's directory, checked with {@code safepath private} (exit 13, saying why: it, and every folder above it, root's
     * or this user's, and no one else may write it; no link in it is followed again, as {@code D} is its own path).
     */
    private static String imageFolder(Node.ImageInstall image) {
        if (image.directory().isEmpty()) {
            return "D=\"$root\"/" + imageName(image) + "\n";
        }
        String dir = Connection.Shell.quote(image.directory());
        return "safepath " + dir + " private || { echo \"the iperf3j image's folder " + image.directory() + ": $refused\" >&2; exit 13; }\n"
                + "D=\"$sp\"/" + imageName(image) + "\n";
    }

    /**
     * Prints {@code dir FOLDER}, then the launcher's {@code --version}, and exits 0 when the image is there, this user's own,
     * and every file in it is the tarball's; else exits 10 (not there) or 11 (not the tarball's, or its launcher does not
     * run: the install that follows replaces it), 12 or 13 (a folder that may not be used), 127 (no sha256sum).
     */
    static String checkScript(Node.ImageInstall image, String manifest) {
        String missing = image.directory().isEmpty() ? ""
                : "if [ ! -e " + Connection.Shell.quote(image.directory()) + " ] && [ ! -L " + Connection.Shell.quote(image.directory())
                        + " ]; then exit 10; fi\n";
        return RemoteScripts.withLibrary(head() + missing + imageFolder(image)
                + "printf 'dir %s\\n' \"$D\"\n"
                + "command -v sha256sum >/dev/null 2>&1 || exit 127\n"
                + "[ -e \"$D\" ] || [ -L \"$D\" ] || exit 10\n"
                + "owndir \"$D\" 'd????-??-*' || { echo \"$D is not a folder of $(id -un)'s own (a link, or another user's)\" >&2; exit 13; }\n"
                + "if " + matches("D", manifest)
                + "then\n"
                + "    if v=$(\"$D/bin/iperf3j\" --version 2>&1); then printf '%s\\n' \"$v\"; exit 0; fi\n"
                + "fi\n"
                + "exit 11\n");
    }

    /**
     * Makes the plan's directory where it is missing, below the part of it that is there once that part is checked
     * ({@code safepath}: no folder another user may change, so {@code mkdir -p} lands where it was looked at), then checks the
     * whole of it ({@code safepath private}). Prints {@code dir FOLDER}; exits 127 without tar or sha256sum, 12 or 13 for a
     * folder that may not be used, non-zero when the folder cannot be made.
     */
    static String prepareScript(Node.ImageInstall image) {
        String make = "";
        if (!image.directory().isEmpty()) {
            String dir = Connection.Shell.quote(image.directory());
            make = "x=" + dir + "\n"
                    + "while [ ! -e \"$x\" ] && [ ! -L \"$x\" ]; do x=${x%/*}; [ -n \"$x\" ] || x=/; done\n"
                    + "[ -d \"$x\" ] || { echo \"$x is not a folder\" >&2; exit 1; }\n"
                    + "safepath \"$x\" || { echo \"the iperf3j image's folder " + image.directory() + ": $refused\" >&2; exit 13; }\n"
                    + "r=" + dir + "\n"
                    + "[ \"$x\" = / ] || r=${r#\"$x\"}\n"
                    + "[ -z \"${r#/}\" ] || mkdir -p \"$sp/${r#/}\" || exit 1\n";
        }
        return RemoteScripts.withLibrary("command -v tar >/dev/null 2>&1 && command -v sha256sum >/dev/null 2>&1 || exit 127\n"
                + head() + make + imageFolder(image)
                + "printf 'dir %s\\n' \"$D\"\n");
    }

    /**
     * Checks the upload's SHA-256, unpacks it into a temporary directory beside the image directory (in a folder only this
     * user may write: no name there is another's), checks every file against the manifest, moves it into place ({@code mv -T}:
     * it replaces the folder's name, never lands inside a folder of that name) and runs {@code --version}. Exit 4: tar
     * failed; 5: no {@code bin/iperf3j}; 7: the launcher did not run; 8: the upload is not the tarball; 9: the unpacked files
     * are not the tarball's; 12, 13: a folder that may not be used; others: the directory could not be written.
     */
    static String unpackScript(Node.ImageInstall image, String upload, String manifest) {
        return RemoteScripts.withLibrary(head() + imageFolder(image)
                + "u=" + Connection.Shell.quote(upload) + "\nt=\"$D.part.$$\"\n"
                + "case $u in \"${D%/*}\"/.upload-*) ;; *) echo \"the upload $u is not in ${D%/*}\" >&2; exit 13 ;; esac\n"
                + "h=$(sha256sum <\"$u\") || exit 8\n"
                + "if [ \"${h%% *}\" != " + image.sha256() + " ]; then echo \"its SHA-256 is ${h%% *}\" >&2; rm -f \"$u\"; exit 8; fi\n"
                + "rm -rf \"$t\"; mkdir -m 700 \"$t\" || exit 6\n"
                + "if ! tar -xzf \"$u\" -C \"$t\" --strip-components=1 2>\"$t.err\"; then cat \"$t.err\" >&2; "
                + "rm -rf \"$t\" \"$t.err\" \"$u\"; exit 4; fi\n"
                + "rm -f \"$u\" \"$t.err\"\n"
                + "[ -x \"$t/bin/iperf3j\" ] || { rm -rf \"$t\"; exit 5; }\n"
                + "if ! " + matches("t", manifest)
                + "then\n    rm -rf \"$t\"\n    exit 9\nfi\n"
                + "if [ -e \"$D\" ] || [ -L \"$D\" ]; then rm -rf \"$D\" || exit 6; fi\n"
                // -T: a folder made at $D meanwhile is replaced when empty, else the move fails; it never lands inside it
                // (BusyBox before 1.33 has no -T: then a plain mv, in a folder no one else may write)
                + "if ! mv -T \"$t\" \"$D\" 2>/dev/null; then [ ! -e \"$D\" ] && [ ! -L \"$D\" ] && mv \"$t\" \"$D\" || exit 6; fi\n"
                + "owndir \"$D\" 'd????-??-*' || exit 6\n"
                + "v=$(\"$D/bin/iperf3j\" --version 2>&1); s=$?; if [ $s -ne 0 ]; then printf '%s\\n' \"$v\" >&2; exit 7; fi\n"
                + "printf '%s\\n' \"$v\"\n");
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
