package io.iperf3j.session.internal.files;

import java.io.IOException;
import io.iperf3j.internal.files.FileReplacement;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The controller's own folders and files (issue 55): its host slots, a plan's output folder and what is written
 * in it. A folder is used only when it is a real folder (not a symbolic link, but for one root made for this user:
 * {@link #madeByRootForThisUser}) owned by the user running iperf3j,
 * that no one else can write ({@link Sharing#OWNER_ONLY}), or, for an output folder the user names, that others may
 * write only under the sticky bit ({@link Sharing#STICKY}, as {@code /tmp}); anything else is refused with an
 * {@link IOException} naming the path, never used and never repaired. A file in such a folder is written without
 * following a symbolic link: a whole file as a new temporary file in the folder moved over the name
 * ({@link #replace}, made with the umask as any new file), an appended one opened with {@code O_NOFOLLOW} and checked to be the user's own regular file
 * ({@link #append}). Every check reads the path's own attributes ({@link LinkOption#NOFOLLOW_LINKS}).
 */
public final class OwnFiles {
    /** Who besides the owner may write a folder. */
    public enum Sharing {
        /** No one: no group or other write bit. */
        OWNER_ONLY,
        /** Others only under the sticky bit (they cannot then remove or rename what the owner made). */
        STICKY
    }

    /** A folder no one else can read: the slot folder. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    /** A folder others can read: an output folder (its files are reports). */
    public static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final int GROUP_OR_OTHER_WRITE = 0022;
    private static final int STICKY_BIT = 01000;
    private static UserPrincipal me;

    private OwnFiles() {
    }

    /** The user this process runs as. */
    static synchronized UserPrincipal me() throws IOException {
        if (me == null) {
            me = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(System.getProperty("user.name"));
        }
        return me;
    }

    /**
     * What is wrong with {@code dir} as a folder of this user's, in words that follow its path; null when it is fine.
     *
     * @throws NoSuchFileException if it does not exist
     */
    public static String problem(Path dir, Sharing sharing) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            if (!madeByRootForThisUser(dir)) {
                return "is a symbolic link";
            }
            Path target = dir.toRealPath();
            String p = problem(target, sharing);
            return p == null ? null : "links to " + target + ", which " + p;
        }
        if (!a.isDirectory()) {
            return "is not a folder";
        }
        if (!a.owner().equals(me())) {
            return "is owned by " + a.owner().getName() + ", not by " + me().getName() + " (the user running iperf3j)";
        }
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        boolean sticky = (mode & STICKY_BIT) != 0;
        if ((mode & GROUP_OR_OTHER_WRITE) != 0 && !(sharing == Sharing.STICKY && sticky)) {
            return "can be written by others (mode " + String.format("%04o", mode & 07777) + ")";
        }
        return null;
    }

    /**
     * Whether {@code link} is one that root made for this user, who is not root: owned by root, in a folder of root's that no
     * one else can write. systemd's {@code DynamicUser=} units get their runtime and state folders so ({@code /run/NAME}, a
     * link to {@code /run/private/NAME}; the .deb's {@code iperf3j-session@} unit's {@code --slot-dir}). Root is trusted and
     * the user cannot have made it; any other link (the user's own, another user's, root's own when root runs iperf3j, which
     * can name the folder itself) is refused.
     */
    private static boolean madeByRootForThisUser(Path link) throws IOException {
        if ("root".equals(me().getName())) {
            return false;
        }
        Path parent = link.toAbsolutePath().getParent();
        if (parent == null || (Integer) Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS) != 0) {
            return false;
        }
        PosixFileAttributes p = Files.readAttributes(parent, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) Files.getAttribute(parent, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return p.isDirectory() && (Integer) Files.getAttribute(parent, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0
                && (mode & GROUP_OR_OTHER_WRITE) == 0;
    }

    /**
     * Checks {@code dir} ({@link #problem}).
     *
     * @param what what the folder is, first in the message ({@code slot folder}, {@code output folder})
     * @throws IOException naming the path and what is wrong, if anything is
     */
    public static void check(Path dir, Sharing sharing, String what) throws IOException {
        String p;
        try {
            p = problem(dir, sharing);
        } catch (NoSuchFileException e) {
            throw new IOException(what + " " + dir + " does not exist", e);
        }
        if (p != null) {
            throw new IOException(what + " " + dir + " " + p + ": refused (iperf3j writes only in a folder of its own user that "
                    + (sharing == Sharing.STICKY ? "others cannot write, or can only under the sticky bit" : "no one else can write")
                    + ")");
        }
    }

    /**
     * Makes {@code dir} with {@code permissions} (less the umask) if it is missing, its missing parents as
     * {@link Files#createDirectories} does, then {@linkplain #check checks} it, new or not: a symbolic link at its
     * name is never followed ({@code mkdir} does not), and an existing folder is used only if it passes.
     */
    public static Path makeFolder(Path dir, Set<PosixFilePermission> permissions, Sharing sharing, String what) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(permissions));
        } catch (FileAlreadyExistsException e) {
            // there already (a folder, a file or a link): checked below, never followed
        }
        check(dir, sharing, what);
        return dir;
    }

    /**
     * Writes {@code text} as the whole of {@code file}: a new file beside it (made with {@code O_EXCL}, which no
     * link at its name can redirect), then renamed over the name ({@link FileReplacement}), replacing whatever was
     * there: a symbolic link is replaced, never followed.
     */
    public static void replace(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        FileReplacement.write(file, out -> out.write(bytes));
    }

    /**
     * Appends {@code bytes} to {@code file}, made ({@code rw-r--r--} less the umask) if missing: opened with
     * {@code O_NOFOLLOW}, so a symbolic link at its name is refused, and refused too unless it is a regular file of
     * this user's (not another user's file or a FIFO put there under a sticky folder).
     *
     * @throws IOException naming the file, if it is a link or not this user's regular file
     */
    public static void append(Path file, byte[] bytes) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));
        checkRegular(file, true);
        try (FileChannel ch = FileChannel.open(file, options, mode)) {
            checkRegular(file, false);
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (FileSystemException e) {
            if (Files.isSymbolicLink(file)) {
                throw new IOException(file + " is a symbolic link: refused (iperf3j does not write through links)", e);
            }
            throw e;
        }
    }

    /**
     * Refuses {@code file} unless it is this user's regular file ({@code missingOk}: or not there): a symbolic link, a
     * FIFO or another user's file at a name iperf3j writes is never written through.
     */
    public static void checkRegular(Path file, boolean missingOk) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            if (missingOk) {
                return;
            }
            throw e;
        }
        if (a.isSymbolicLink()) {
            throw new IOException(file + " is a symbolic link: refused (iperf3j does not write through links)");
        }
        if (!a.isRegularFile() || !a.owner().equals(me())) {
            throw new IOException(file + " is not a regular file of " + me().getName() + "'s: refused");
        }
    }
}
