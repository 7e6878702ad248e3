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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The folders above it count too (issue 64): a file is written by its path, so whoever can rename a folder on that
 * path can swap the folder below it for a link mid-run (the user's {@code -o /tmp/res/run1}, with {@code /tmp/res}
 * another user's: {@code run1} checked at the start, a link by the first summary). Every folder above is walked from
 * {@code /} ({@link #aboveProblem}: the path made absolute, never resolved first, each component read without following
 * it) and must be one no other user can change: a folder owned by root or the user, that no one else can write, or
 * that others can write only under the sticky bit (as {@code /tmp}: no one can then rename or remove what another
 * user owns in it, and the next component, held to the same rule, is root's or the user's). A symbolic link on the way
 * is followed only when it is root's or the user's (its folder already passed), and at most {@link #MAX_LINKS} of them.
 * With no one else able to change any component, the path names the same folder for the whole run: the check at the
 * start is enough, and no descriptor of the folder need be held ({@code openat}, {@code SecureDirectoryStream}).
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

    /** The most symbolic links the walk above a folder follows (Linux's own limit in one path: {@code MAXSYMLINKS}). */
    public static final int MAX_LINKS = 40;

    /**
     * What is wrong with {@code dir}: {@code above} when it is a folder above it (or the links on the way), whose words
     * follow {@code dir} and a colon; else words that follow its path.
     */
    private record Problem(String words, boolean above) {
    }

    /**
     * What is wrong with {@code dir} as a folder of this user's, in words that follow its path (after a colon when it is a
     * folder above it: {@link #aboveProblem}, walked first); null when it is fine.
     *
     * @throws NoSuchFileException if it or a folder above it does not exist
     */
    public static String problem(Path dir, Sharing sharing) throws IOException {
        Problem p = find(dir, sharing);
        return p == null ? null : p.above() ? ": " + p.words() : p.words();
    }

    private static Problem find(Path dir, Sharing sharing) throws IOException {
        String above = aboveProblem(dir, false);
        if (above != null) {
            return new Problem(above, true);
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            if (!madeByRootForThisUser(dir)) {
                return new Problem("is a symbolic link", false);
            }
            Path target = dir.toRealPath();
            Problem p = find(target, sharing);
            return p == null ? null : p.above() ? new Problem(target + ", which it links to: " + p.words(), true)
                    : new Problem("links to " + target + ", which " + p.words(), false);
        }
        if (!a.isDirectory()) {
            return new Problem("is not a folder", false);
        }
        if (!a.owner().equals(me())) {
            return new Problem("is owned by " + a.owner().getName() + ", not by " + me().getName() + " (the user running iperf3j)", false);
        }
        int mode = (Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        boolean sticky = (mode & STICKY_BIT) != 0;
        if ((mode & GROUP_OR_OTHER_WRITE) != 0 && !(sharing == Sharing.STICKY && sticky)) {
            return new Problem("can be written by others (mode " + String.format("%04o", mode & 07777) + ")", false);
        }
        return null;
    }

    /**
     * What is wrong with the folders above {@code dir} (issue 64), in words that name the one at fault; null when no other
     * user can change any of them. Walks {@code dir}'s absolute path from {@code /} down to its parent, as the kernel
     * does (a link's target taken in place of its name, {@code ..} the parent of where the walk is), reading each
     * component without following it: each must be a folder owned by root or this user that no one else can write, or
     * can only under the sticky bit (what is below it is then held to the owner rule too), or a symbolic link owned by
     * root or this user (in a folder that passed), followed to its target; more than {@link #MAX_LINKS} links are refused.
     * A group or other write bit is refused whoever the group is (an ACL that lets another user write shows as the group
     * write bit).
     *
     * @param makeMissing whether to make a missing folder ({@link #READABLE} less the umask, so that a umask of
     *        {@code 002} does not make one this walk refuses), then check it as any other; else a missing one is an error
     * @throws NoSuchFileException if a folder above is missing and not {@code makeMissing}
     */
    public static String aboveProblem(Path dir, boolean makeMissing) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Path parent = absolute.getParent();
        if (parent == null) {
            return null;
        }
        Path at = absolute.getRoot();
        String p = componentProblem(at, attributes(at));
        if (p != null) {
            return p;
        }
        Deque<String> names = new ArrayDeque<>();
        parent.forEach(n -> names.add(n.toString()));
        int links = 0;
        while (!names.isEmpty()) {
            String name = names.removeFirst();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                at = at.getParent() == null ? at : at.getParent();
                continue;
            }
            Path next = at.resolve(name);
            Map<String, Object> a;
            try {
                a = attributes(next);
            } catch (NoSuchFileException e) {
                if (!makeMissing) {
                    throw e;
                }
                try {
                    // at is a folder no one else can change: next is made there, or is what another user made in a sticky one
                    Files.createDirectory(next, PosixFilePermissions.asFileAttribute(READABLE));
                } catch (FileAlreadyExistsException raced) {
                    // made since: read below as any other
                }
                a = attributes(next);
            }
            p = componentProblem(next, a);
            if (p != null) {
                return p;
            }
            if ((Boolean) a.get("isSymbolicLink")) {
                if (++links > MAX_LINKS) {
                    return "more than " + MAX_LINKS + " symbolic links lead to it (the " + links + "st is " + next + ")";
                }
                Path target = Files.readSymbolicLink(next);
                List<String> in = new ArrayList<>();
                target.forEach(n -> in.add(n.toString()));
                for (int i = in.size() - 1; i >= 0; i--) {
                    names.addFirst(in.get(i));
                }
                if (target.isAbsolute()) {
                    at = target.getRoot();
                    p = componentProblem(at, attributes(at));
                    if (p != null) {
                        return p;
                    }
                }
                continue;
            }
            at = next;
        }
        return null;
    }

    /** {@code path}'s own attributes (not its target's) that {@link #componentProblem} reads. */
    private static Map<String, Object> attributes(Path path) throws IOException {
        return Files.readAttributes(path, "unix:owner,uid,mode,isDirectory,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
    }

    /** What is wrong with {@code path}, a folder or link above the one checked, in words that name it; null if nothing. */
    private static String componentProblem(Path path, Map<String, Object> a) throws IOException {
        UserPrincipal owner = (UserPrincipal) a.get("owner");
        boolean link = (Boolean) a.get("isSymbolicLink");
        if ((Integer) a.get("uid") != 0 && !owner.equals(me())) {
            return path + ", above it, is " + (link ? "a symbolic link owned by " : "owned by ") + owner.getName()
                    + ": another user could swap what is below it";
        }
        if (link) {
            return null;
        }
        if (!(Boolean) a.get("isDirectory")) {
            return path + ", above it, is not a folder";
        }
        int mode = (Integer) a.get("mode");
        if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY_BIT) == 0) {
            return path + ", above it, can be written by others (mode " + String.format("%04o", mode & 07777)
                    + "): another user could swap what is below it";
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
        Problem found;
        try {
            found = find(dir, sharing);
        } catch (NoSuchFileException e) {
            throw new IOException(what + " " + dir + " does not exist", e);
        }
        if (found != null && found.above()) {
            throw refusedAbove(what, dir, found.words());
        }
        if (found != null) {
            String p = found.words();
            throw new IOException(what + " " + dir + " " + p + ": refused (iperf3j writes only in a folder of its own user that "
                    + (sharing == Sharing.STICKY ? "others cannot write, or can only under the sticky bit" : "no one else can write")
                    + ")");
        }
    }

    /** The refusal of {@code dir}, the {@code what}, for {@code words} about a folder above it ({@link #aboveProblem}). */
    private static IOException refusedAbove(String what, Path dir, String words) throws IOException {
        return new IOException(what + " " + dir + ": " + words + "; refused (iperf3j writes only below folders of root's"
                + ("root".equals(me().getName()) ? "" : " or " + me().getName() + "'s")
                + " that no one else can write, or can only under the sticky bit)");
    }

    /**
     * Makes {@code dir} with {@code permissions} (less the umask) if it is missing, then {@linkplain #check checks} it, new
     * or not: a symbolic link at its name is never followed ({@code mkdir} does not), and an existing folder is used only
     * if it passes. The folders above it are checked first, from {@code /}, each missing one made ({@link #READABLE} less
     * the umask) as the walk reaches it ({@link #aboveProblem}): nothing is made below a folder that fails, nor through a
     * link of another user's.
     */
    public static Path makeFolder(Path dir, Set<PosixFilePermission> permissions, Sharing sharing, String what) throws IOException {
        String above = aboveProblem(dir, true);
        if (above != null) {
            throw refusedAbove(what, dir, above);
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
