package io.iperf3j.session.internal.dispatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import io.iperf3j.session.internal.files.OwnFiles;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Exclusive throughput slots per host for one controller: no host is in two throughput tests at
 * once, whether the two tests belong to one plan or to two plans run by separate processes on
 * this machine (two {@code iperf3j-session@} units, say). As perfSONAR's {@code exclusive}
 * scheduling class, but with the controller's own lock files rather than a negotiation between
 * the hosts: the plans that share a host share its controller.
 *
 * <p>A slot is an OS lock ({@link FileChannel#tryLock()}, {@code fcntl} on Linux) on a file named
 * after the host's key in {@link #directory()}; the OS drops it when the holder dies, SIGKILL
 * included, so a crashed session never leaves a host locked. Within this JVM a set of held keys
 * stands in front of the locks (the JVM refuses a second lock on a file it already locks). The
 * lock files are left in place: deleting one while another process waits on it would let two
 * processes hold "the same" slot.
 *
 * <p>The directory is the controller's own (issue 55): a folder of the user running it that no one else can write,
 * made {@code rwx------}, and checked on every take ({@link OwnFiles#check}: not a symbolic link, the user's own,
 * no group or other write, below folders no other user can change: issue 64); one that fails is refused with its path, never used or repaired. Before, the default
 * without {@code XDG_RUNTIME_DIR} was {@code /tmp/iperf3j-slots-<user>}: another user could make it first, full of
 * links (root then made files where they pointed) or with a lock held on a slot file (the run stalled). Lock files
 * are opened with {@code O_NOFOLLOW} and made {@code rw-------}.
 *
 * <p>Why not a lock server or systemd's own: the two plans need to agree on nothing but "this
 * host is busy", which a file lock says with no process to run and no state to lose.
 *
 * <p>Threads: any thread may {@link #tryTake} and close a {@link Hold}; both take this object's
 * monitor for the in-process set and never wait on another process.
 */
public final class HostSlots {
    /** Longest key kept readable in a lock file's name; longer keys are hashed. */
    private static final int MAX_NAME = 80;

    private final Path directory;
    private final Set<String> held = new HashSet<>();
    private static final Set<java.nio.file.OpenOption> LOCK_OPEN = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            java.nio.file.LinkOption.NOFOLLOW_LINKS);
    private static final java.nio.file.attribute.FileAttribute<?> LOCK_MODE = java.nio.file.attribute.PosixFilePermissions
            .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    /** Whether {@link #directory} is known to exist (made on the first take; checked on every one). */
    private boolean directoryMade;

    /**
     * @param directory where the lock files live (made if missing); processes that share hosts must
     *        share it
     */
    public HostSlots(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The directory a controller uses unless told otherwise: {@code $XDG_RUNTIME_DIR/iperf3j-slots} when
     * {@code XDG_RUNTIME_DIR} is set and is a folder of this user's that no one else can write, else
     * {@code <home>/.cache/iperf3j-slots} (never a shared folder such as {@code /tmp}).
     *
     * @param home the user's home ({@code user.home}: the password database's, not {@code $HOME})
     */
    public static Path defaultDirectory(String xdgRuntimeDir, String home) {
        if (xdgRuntimeDir != null && !xdgRuntimeDir.isBlank()) {
            Path runtime = Path.of(xdgRuntimeDir);
            try {
                if (runtime.isAbsolute() && OwnFiles.problem(runtime, OwnFiles.Sharing.OWNER_ONLY) == null) {
                    return runtime.resolve("iperf3j-slots");
                }
            } catch (IOException e) {
                // missing or unreadable: not this user's runtime folder
            }
        }
        return Path.of(home, ".cache", "iperf3j-slots");
    }

    /** This controller's default ({@link #defaultDirectory(String, String)} of its environment and home). */
    public static Path defaultDirectory() {
        return defaultDirectory(System.getenv("XDG_RUNTIME_DIR"), System.getProperty("user.home"));
    }

    /**
     * Makes the directory ({@code rwx------}) if it is missing, and checks it ({@link OwnFiles#check}); {@link #tryTake}
     * does too, each time. What a run calls first, so that a folder it may not use is a plain error before any test.
     *
     * @throws IOException naming the folder, if it cannot be made or is not this user's own
     */
    public void prepare() throws IOException {
        synchronized (this) {
            OwnFiles.makeFolder(directory, OwnFiles.PRIVATE, OwnFiles.Sharing.OWNER_ONLY, "slot folder");
            directoryMade = true;
        }
    }

    /** Where the lock files are. */
    public Path directory() {
        return directory;
    }

    /**
     * Takes every host's slot, or none, without waiting.
     *
     * @param hostKeys the hosts (e.g. their test addresses); case does not matter
     * @return the hold, to close when the test has ended; empty when any of them is busy
     * @throws UncheckedIOException if the lock directory or a lock file cannot be made
     */
    public Optional<Hold> tryTake(Collection<String> hostKeys) {
        synchronized (this) {
            // a host this controller holds: the common answer of a busy fleet's dispatcher, given before any set is made
            for (String k : hostKeys) {
                if (held.contains(k.toLowerCase(Locale.ROOT))) {
                    return Optional.empty();
                }
            }
            // one order for all takers: no two takers each hold a part of the other's set
            Set<String> keys = new TreeSet<>();
            for (String k : hostKeys) {
                keys.add(k.toLowerCase(Locale.ROOT));
            }
            List<FileChannel> locked = new ArrayList<>();
            try {
                if (!directoryMade) {
                    OwnFiles.makeFolder(directory, OwnFiles.PRIVATE, OwnFiles.Sharing.OWNER_ONLY, "slot folder");
                    directoryMade = true;
                } else {
                    OwnFiles.check(directory, OwnFiles.Sharing.OWNER_ONLY, "slot folder");
                }
                for (String k : keys) {
                    FileChannel ch = FileChannel.open(directory.resolve(fileName(k)), LOCK_OPEN, LOCK_MODE);
                    FileLock lock;
                    try {
                        lock = ch.tryLock();
                    } catch (OverlappingFileLockException e) {
                        // another HostSlots of this JVM over the same directory holds it
                        lock = null;
                    }
                    if (lock == null) {
                        ch.close();
                        closeAll(locked);
                        return Optional.empty();
                    }
                    locked.add(ch);
                }
            } catch (IOException e) {
                closeAll(locked);
                throw new UncheckedIOException("cannot take a host slot in " + directory + ": " + e.getMessage(), e);
            }
            held.addAll(keys);
            return Optional.of(new Hold(this, Set.copyOf(keys), List.copyOf(locked)));
        }
    }

    /**
     * Whether another holder (another process, or another {@code HostSlots} of this JVM, over the same folder) has the
     * host's slot now: not this object, and its lock cannot be taken. Looks without keeping anything.
     */
    public synchronized boolean heldElsewhere(String hostKey) {
        String k = hostKey.toLowerCase(Locale.ROOT);
        if (held.contains(k) || !directoryMade) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(directory.resolve(fileName(k)), LOCK_OPEN, LOCK_MODE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return true;
            }
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether this controller holds the host's slot now (in this object). */
    public synchronized boolean isHeld(String hostKey) {
        return held.contains(hostKey.toLowerCase(Locale.ROOT));
    }

    private synchronized void release(Hold hold) {
        closeAll(hold.channels);
        held.removeAll(hold.keys);
    }

    private static void closeAll(List<FileChannel> channels) {
        for (FileChannel ch : channels) {
            try {
                ch.close(); // releases its lock
            } catch (IOException e) {
                // the descriptor is gone either way, and with it the lock
            }
        }
    }

    /** A key's characters that may name its file as they are. */
    private static final java.util.regex.Pattern TAME = java.util.regex.Pattern.compile("[a-z0-9_.-]+");

    /**
     * A readable, safe file name for a key: its own characters when tame, else a hash. Asked for each host of every
     * test a dispatcher tries, so its pattern is compiled once ({@code String.matches} compiled it on every call).
     */
    public static String fileName(String key) {
        if (key.length() <= MAX_NAME && TAME.matcher(key).matches() && !key.startsWith(".")) {
            return key + ".lock";
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "h-" + HexFormat.of().formatHex(d, 0, 16) + ".lock";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Slots held together; {@link #close()} gives them back (once; later calls do nothing). */
    public static final class Hold implements AutoCloseable {
        private final HostSlots owner;
        private final Set<String> keys;
        private final List<FileChannel> channels;
        private boolean closed;

        private Hold(HostSlots owner, Set<String> keys, List<FileChannel> channels) {
            this.owner = owner;
            this.keys = keys;
            this.channels = channels;
        }

        /** The host keys held, lower case. */
        public Set<String> keys() {
            return keys;
        }

        @Override
        public void close() {
            synchronized (owner) {
                if (closed) {
                    return;
                }
                closed = true;
                owner.release(this);
            }
        }
    }
}
